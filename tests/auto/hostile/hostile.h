// SPDX-License-Identifier: BSD-3-Clause
#ifndef HOSTILE_H
#define HOSTILE_H

// What the hostile-input tests share: generous timeouts, the peak of the process's resident
// memory, and the signal arguments they compare.

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

// The process's resident set size (/proc/self/statm), in bytes.
qint64 residentBytes();
// The number of open file descriptors (/proc/self/fd).
int openFileDescriptors();

// The peak resident memory from construction on, above what was resident then. The kernel's
// high-water mark (VmHWM) is reset through /proc/self/clear_refs, so no peak between two samples
// is missed; where that is refused, a 1 ms sampling timer (and sample()) stands in.
class PeakMemory : public QObject
{
public:
    PeakMemory();
    void sample(); // from a slot that runs while memory is in use
    qint64 growth(); // peak - baseline
    bool exact() const { return m_hwm; }
    // False under AddressSanitizer: its quarantine keeps freed memory resident (up to 256 MiB),
    // so process memory says nothing about the client's buffers there. The bounds are checked
    // by the normal build (ctest); the sanitizer build checks the same runs for memory errors.
    static constexpr bool meaningful()
    {
#if defined(__SANITIZE_ADDRESS__)
        return false;
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
        return false;
#  else
        return true;
#  endif
#else
        return true;
#endif
    }

private:
    static qint64 highWaterMark();
    qint64 m_baseline = 0;
    qint64 m_peak = 0;
    bool m_hwm = false;
    QTimer m_timer;
};

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

// reconnectionTime 50 ms, no jitter: the scheduled delays are exact.
void configure(SseClient &client, const QUrl &url);

QList<SseClient::Error> errorsOf(const QSignalSpy &spy);
QList<int> argsOf(const QSignalSpy &spy, int index);
QList<SseClient::State> statesOf(const QSignalSpy &spy);
QStringList dataOf(const QSignalSpy &eventSpy);

} // namespace Hostile

#endif // HOSTILE_H
