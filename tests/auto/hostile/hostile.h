// SPDX-License-Identifier: BSD-3-Clause
#ifndef HOSTILE_H
#define HOSTILE_H

// What the hostile-input tests share: generous timeouts, the memory bound per stream, a server
// in a thread of its own and gzip streams. The peak of the process's resident memory, the signal
// arguments they compare and configure() are tests/shared's (QtSseTestSupport).

#include "processmemory.h"
#include "sseclientfixture.h"
#include "ssespyargs.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>

#include <QtCore/qlist.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtCore/qurl.h>
#include <QtTest/qsignalspy.h>

#include <functional>
#include <memory>

namespace Hostile {

using Response = SseTestServer::Response;
using Request = SseTestServer::Request;
using Errors = QList<SseClient::Error>;

constexpr int Timeout = 30000; // generous: the suite must pass on a loaded 2-core machine
// How long "nothing more happens" is watched; longer than any retry delay the tests schedule.
constexpr int Quiet = 300;
constexpr qint64 MiB = 1024 * 1024;

// README, "Memory per stream": the most one stream holds, whatever the server sends and the
// slots do (but see the README's Qt 6.4 exceptions), for maxEventSize E: what Qt holds unread
// and the piece being parsed (each at most the cap, 2E + 1 MiB), the parser at an event's
// dispatch (its ID, type and data each up to E, raw and decoded: 12E) and the decoder's output
// piece and zlib state (128 KiB).
constexpr qint64 streamMemoryBound(qint64 maxEventSize)
{
    return 2 * (2 * maxEventSize + MiB) + 12 * maxEventSize + 128 * 1024;
}
// What the process adds to a stream's own memory when measured as resident memory: Qt's network
// thread (its socket buffer and malloc arena), the in-process test server's buffers, freed
// memory the allocator keeps. Measured in tst_hostile_memory: 2-20 MiB of growth in all, once
// 26.5 MiB (20 runs under stress-ng with a parallel build), while the client's own unread data
// stayed at its 1 MiB read buffer (instrumented): the spread is outside the client.
constexpr qint64 ProcessSlack = 32 * MiB;

// The bytes of a long line from offset on (a piece of about 64 KiB): start, then text with ASCII
// and 2- and 3-byte UTF-8 characters, without CR, LF or colon.
QByteArray longLineAt(const QByteArray &start, qint64 offset);

// An SseTestServer in a thread of its own: it writes as fast as its socket drains, however busy
// the test's thread (the client's) is. The handler runs in that thread.
class ServerThread
{
public:
    using Handler = std::function<SseTestServer::Response(const SseTestServer::Request &)>;
    explicit ServerThread(Handler handler);
    ~ServerThread(); // the server is deleted in its thread, then the thread ends
    QUrl url(const QString &path) const { return m_base.resolved(QUrl(path)); }
    bool isListening() const { return m_base.isValid(); }

private:
    QThread m_thread;
    QObject *m_context = nullptr; // lives in m_thread
    SseTestServer *m_server = nullptr;
    QUrl m_base;
};

// A gzip stream made as it is sent: compress() turns the following piece of text into the
// bytes that go on the wire (finish: the rest, and the gzip trailer).
class GzipWriter
{
public:
    GzipWriter();
    ~GzipWriter();
    Q_DISABLE_COPY_MOVE(GzipWriter)
    QByteArray compress(const QByteArray &text, bool finish);

private:
    struct State;
    std::unique_ptr<State> m_state; // zlib's z_stream
};

// Compressed pieces of plain text until plain(n) returns nothing: then the gzip trailer.
SseTestServer::Response::Producer gzipProducer(std::function<QByteArray(qint64 piece)> plain);

// What an application's slot does while a server keeps sending: returns at once, blocks its
// thread (its own work, no event loop), or runs a nested event loop (a modal dialog's).
enum class Slot { Idle, Blocks, NestedLoop };
void occupy(Slot slot, int ms);

} // namespace Hostile

#endif // HOSTILE_H
