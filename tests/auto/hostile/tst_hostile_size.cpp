// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, size: a single line of 100 MiB, streamed by the server as it is sent (never
// held in memory). The client must stop at maxEventSize with EventTooLargeError, keep its memory
// bounded, deliver nothing of the line, and count the stream as a failed attempt (backoff,
// maxRetries). The parser's own buffer is checked against the cap after every chunk.
#include "hostile.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>
#include <QtSse/SseParser>

#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using namespace Hostile;
using States = QList<SseClient::State>;

namespace {
constexpr qint64 LineSize = 100 * MiB; // without its line end
constexpr qsizetype DefaultCap = SseParser::DefaultMaxEventSize; // 16 MiB
constexpr qsizetype SmallCap = 64 * 1024;
} // namespace

// "data" (decoded as it arrives), "field" (an unknown field: bytes buffered) or "comment".
static QByteArray lineStart(const QByteArray &kind)
{
    return kind == "data" ? "data: "_ba : kind == "comment" ? ":"_ba : "unknownfield"_ba;
}

static void rows()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<qsizetype>("cap");
    for (const QByteArray &kind : {"data"_ba, "field"_ba, "comment"_ba}) {
        QTest::addRow("%s line, default cap", kind.constData()) << kind << DefaultCap;
        QTest::addRow("%s line, 64 KiB cap", kind.constData()) << kind << SmallCap;
    }
}

class tst_HostileSize : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hugeLineOverNetwork_data() { rows(); }
    void hugeLineOverNetwork();
    void hugeLineParserBuffer_data() { rows(); }
    void hugeLineParserBuffer();
    void hugeChunkParserMemory_data();
    void hugeChunkParserMemory();
};

void tst_HostileSize::hugeLineOverNetwork()
{
    QFETCH(QByteArray, kind);
    QFETCH(qsizetype, cap);

    SseTestServer server;
    QVERIFY(server.listen());
    const QByteArray start = lineStart(kind);
    server.setHandler([start](const Request &) {
        return Response::sse()
                .chunked()
                .send("data: before\n\n")
                .generate(LineSize, [start](qint64 offset) { return longLineAt(start, offset); })
                .send("\n\ndata: after\n\n")
                .holdOpen();
    });
    QSignalSpy closedConnections(&server, &SseTestServer::connectionClosed);

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setMaxRetries(1); // the second too-large stream exhausts the retries
    if (cap != DefaultCap)
        client.setMaxEventSize(cap);
    QCOMPARE(client.maxEventSize(), cap);
    QStringList errorStrings; // as they were when each error was reported
    connect(&client, &SseClient::errorOccurred, this,
            [&] { errorStrings.append(client.errorString()); });
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy commentSpy(&client, &SseClient::commentReceived);
    QSignalSpy disconnectedSpy(&client, &SseClient::disconnected);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedSpy(&client, &SseClient::closed);

    PeakMemory memory;
    connect(&client, &SseClient::countersChanged, &memory, &PeakMemory::sample);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));
    const qint64 growth = memory.growth();

    // The policy: a too-large event drops the stream as a failed attempt; the retry gets the
    // same line, and maxRetries (1) is then exhausted.
    QCOMPARE(errorsOf(errorSpy),
             Errors({SseClient::EventTooLargeError, SseClient::EventTooLargeError,
                     SseClient::RetriesExhaustedError}));
    const QString tooLarge =
            u"An event or line exceeds the maximum event size of %1 bytes"_s.arg(cap);
    QCOMPARE(errorStrings.value(0), tooLarge);
    QCOMPARE(errorStrings.value(1), tooLarge);
    QCOMPARE(client.errorString(), u"Gave up after 2 attempt(s) in a row: "_s + tooLarge);
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::RetriesExhaustedError);
    QCOMPARE(statesOf(stateSpy),
             States({SseClient::Connecting, SseClient::Open, SseClient::Reconnecting,
                     SseClient::Connecting, SseClient::Open, SseClient::Failed}));
    QCOMPARE(argsOf(scheduledSpy, 0), QList<int> {1});
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int> {50});
    QCOMPARE(disconnectedSpy.size(), 2);
    // Nothing of the line, nor of what follows it: only the event before it, once per stream.
    QCOMPARE(dataOf(eventSpy), QStringList({u"before"_s, u"before"_s}));
    QCOMPARE(commentSpy.size(), 0);

    // The client hung up on both streams (the server would hold them open).
    QCOMPARE(server.requestCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(closedConnections.size(), 2, Timeout);
    QVERIFY(server.bytesWritten(0) > cap && server.bytesWritten(1) > cap);
    // Memory: the parser holds at most the cap (a data line decoded: 2 bytes a character), QNAM
    // at most its 1 MiB read buffer, the sockets a few MiB: never the line (measured: 28-38 MiB
    // with the default cap, under 5 MiB with 64 KiB). Without the read buffer limit it was a
    // race, up to 390 MiB (see tst_hostile_buffering and hugeChunkParserMemory()).
    qInfo("peak memory growth %.1f MiB (%s); %.1f MiB read", double(growth) / MiB,
          memory.exact() ? "VmHWM" : "sampled", double(client.byteCount()) / MiB);
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 2 * cap + 20 * MiB, qPrintable(u"%1 MiB"_s.arg(double(growth) / MiB)));
    // Reading stopped soon after the cap: a read buffer or two past it.
    QVERIFY2(client.byteCount() < 2 * (cap + 4 * MiB), QByteArray::number(client.byteCount()));
}

// The parser alone, fed the same 100 MiB in 64 KiB chunks: what it holds never exceeds the cap;
// the chunk that crosses it fails, everything after is ignored, and reset() recovers.
void tst_HostileSize::hugeLineParserBuffer()
{
    QFETCH(QByteArray, kind);
    QFETCH(qsizetype, cap);

    QStringList events;
    int comments = 0;
    SseParser parser([&events](const SseEvent &event) { events.append(event.data()); });
    parser.setCommentHandler([&comments](const QString &) { ++comments; });
    parser.setMaxEventSize(cap);
    QVERIFY(parser.feed("data: before\n\n"));

    const QByteArray start = lineStart(kind);
    qint64 offset = 0;
    qint64 failedAt = -1; // the line bytes fed when the parser failed
    qsizetype peak = 0;
    while (offset < LineSize) {
        QByteArray chunk = longLineAt(start, offset);
        chunk.truncate(qMin<qint64>(chunk.size(), LineSize - offset));
        offset += chunk.size();
        const bool ok = parser.feed(chunk);
        peak = qMax(peak, parser.bufferedBytes());
        QVERIFY2(parser.bufferedBytes() <= cap, QByteArray::number(parser.bufferedBytes()));
        if (!ok && failedAt < 0)
            failedAt = offset;
        if (failedAt >= 0) {
            QVERIFY(!ok); // in error, it ignores the rest
            QCOMPARE(parser.bufferedBytes(), 0);
        }
    }
    QVERIFY(!parser.feed("\n\ndata: after\n\n"));
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QVERIFY(parser.errorString().contains(QString::number(cap)));
    // It failed in the chunk that took the line past the cap, having held nearly the cap.
    QVERIFY2(failedAt > cap && failedAt <= cap + 65536, QByteArray::number(failedAt));
    QVERIFY2(peak > cap - 65536, QByteArray::number(peak));
    QCOMPARE(events, QStringList {u"before"_s});
    QCOMPARE(comments, 0);

    parser.reset(); // a new connection
    QCOMPARE(parser.error(), SseParser::Error::NoError);
    QVERIFY(parser.feed("data: after\n\n"));
    QCOMPARE(events, QStringList({u"before"_s, u"after"_s}));
    QCOMPARE(parser.bufferedBytes(), 0);
}

void tst_HostileSize::hugeChunkParserMemory_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<bool>("lineEnd"); // the chunk ends the line
    for (const QByteArray &kind : {"data"_ba, "field"_ba, "comment"_ba}) {
        QTest::addRow("%s line, open", kind.constData()) << kind << false;
        QTest::addRow("%s line, ended", kind.constData()) << kind << true;
    }
}

// A transport may hand over a big chunk at once (QNAM after reading ahead, a file). The parser
// must refuse a line over the cap without first paying for all of it: 8 KiB of the line (enough
// to start decoding a data line as it arrives), then one 32 MiB chunk, with a 64 KiB cap.
void tst_HostileSize::hugeChunkParserMemory()
{
    QFETCH(QByteArray, kind);
    QFETCH(bool, lineEnd);

    QByteArray chunk; // the line's text from where start leaves off
    while (chunk.size() < 32 * MiB)
        chunk += longLineAt({}, 8192 + chunk.size());
    chunk.truncate(32 * MiB);
    if (lineEnd)
        chunk += "\n\n";
    SseParser parser;
    parser.setMaxEventSize(SmallCap);
    const QByteArray start = lineStart(kind) + longLineAt({}, 0).left(8192);
    QVERIFY(parser.feed(start));
    QCOMPARE(parser.bufferedBytes(), start.size());

    PeakMemory memory; // the chunk is already resident
    if (!memory.exact())
        QSKIP("No event loop runs inside feed(): this needs the kernel's peak (clear_refs)");
    QVERIFY(!parser.feed(chunk));
    const qint64 growth = memory.growth();
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QCOMPARE(parser.bufferedBytes(), 0);
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 4 * MiB, qPrintable(u"%1 MiB"_s.arg(double(growth) / MiB)));
}

QTEST_MAIN(tst_HostileSize)
#include "tst_hostile_size.moc"
