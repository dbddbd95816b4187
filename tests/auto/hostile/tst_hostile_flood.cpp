// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, floods: 1,000,000 comment lines, and an endless stream of blank lines. Neither
// makes an event; the client must keep up, keep its memory flat and stay open, and the event
// after the comments must arrive.
#include "hostile.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qelapsedtimer.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using namespace Hostile;

namespace {
constexpr int CommentCount = 1000000;
constexpr int CommentSize = 9; // ":" + 7 digits + LF
} // namespace

// Comments ":0000000\n" to ":0999999\n": comment i starts at offset i * CommentSize.
static QByteArray commentsAt(qint64 offset)
{
    Q_ASSERT(offset % CommentSize == 0);
    QByteArray out;
    out.reserve(7000 * CommentSize);
    for (qint64 i = offset / CommentSize; i < CommentCount && out.size() < 7000 * CommentSize; ++i)
        out += ':' + QByteArray::number(i).rightJustified(7, '0') + '\n';
    return out;
}

class tst_HostileFlood : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void millionComments();
    void endlessBlankLines_data();
    void endlessBlankLines();
};

void tst_HostileFlood::millionComments()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse()
                             .chunked()
                             .generate(qint64(CommentCount) * CommentSize, commentsAt)
                             .send("data: after\n\n")
                             .holdOpen());

    f.client.setIdleTimeout(5000); // comments are traffic: it never fires
    int comments = 0;
    int outOfOrder = 0; // comments that are not the next number
    int commentsAtEvent = -1;
    connect(&f.client, &SseClient::commentReceived, this, [&](const QString &comment) {
        if (comment.toInt() != comments || comment.size() != 7)
            ++outOfOrder;
        ++comments;
    });
    connect(&f.client, &SseClient::eventReceived, this, [&] { commentsAtEvent = comments; });
    PeakMemory memory;
    QElapsedTimer clock;
    clock.start();
    f.client.open();
    QVERIFY(f.eventSpy.wait(Timeout));
    const qint64 elapsed = clock.elapsed();
    const qint64 growth = memory.growth();

    QCOMPARE(comments, CommentCount);
    QCOMPARE(outOfOrder, 0);
    QCOMPARE(commentsAtEvent, CommentCount); // the event came after all of them
    QCOMPARE(dataOf(f.eventSpy), QStringList {u"after"_s});
    QCOMPARE(f.errorSpy.size(), 0);
    QCOMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.client.byteCount(), qint64(CommentCount) * CommentSize + 13);
    qInfo("1,000,000 comments in %lld ms, peak memory growth %.1f MiB (%s)", elapsed,
          double(growth) / MiB, memory.exact() ? "VmHWM" : "sampled");
    // Measured 4.5 MiB (18 MiB before QNAM's read buffer was limited); a per-comment leak of a
    // dozen bytes would exceed the bound.
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 16 * MiB, qPrintable(u"%1 MiB"_s.arg(double(growth) / MiB)));
    QVERIFY2(elapsed < 20000, QByteArray::number(elapsed)); // a few hundred ms here
    f.client.close();
}

void tst_HostileFlood::endlessBlankLines_data()
{
    QTest::addColumn<QByteArray>("lineEnd");

    QTest::newRow("LF") << "\n"_ba;
    QTest::newRow("CRLF") << "\r\n"_ba; // also split between writes: one line end each
    QTest::newRow("CR") << "\r"_ba;
}

// Blank lines dispatch nothing, for ever. They are bytes, so they keep the idle timeout from
// firing: the stream stays open until the application closes it.
void tst_HostileFlood::endlessBlankLines()
{
    QFETCH(QByteArray, lineEnd);
    constexpr int IdleMs = 200;
    constexpr qint64 Flood = 64 * MiB;

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse()
                             .chunked()
                             .send("data: before" + lineEnd + lineEnd)
                             .repeat(lineEnd + lineEnd + lineEnd, -1));
    QSignalSpy closedConnections(&f.server, &SseTestServer::connectionClosed);

    f.client.setIdleTimeout(IdleMs);
    QSignalSpy commentSpy(&f.client, &SseClient::commentReceived);
    PeakMemory memory;
    QElapsedTimer clock;
    clock.start();
    f.client.open();
    // At least 64 MiB and 5 idle periods of blank lines.
    QTRY_VERIFY2_WITH_TIMEOUT(
            f.client.byteCount() > Flood && clock.elapsed() > 5 * IdleMs,
            qPrintable(u"%1 bytes in %2 ms, %3 errors, last: %4"_s.arg(f.client.byteCount())
                               .arg(clock.elapsed())
                               .arg(f.errorSpy.size())
                               .arg(f.client.errorString())),
            Timeout);
    const qint64 growth = memory.growth();

    QCOMPARE(dataOf(f.eventSpy), QStringList {u"before"_s});
    QCOMPARE(commentSpy.size(), 0);
    QCOMPARE(f.errorSpy.size(), 0); // no TimeoutError: the blank lines are traffic
    QCOMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(statesOf(f.stateSpy),
             QList<SseClient::State>({SseClient::Connecting, SseClient::Open}));
    qInfo("%.0f MiB of blank lines in %lld ms, peak memory growth %.1f MiB (%s)",
          double(f.client.byteCount()) / MiB, clock.elapsed(), double(growth) / MiB,
          memory.exact() ? "VmHWM" : "sampled");
    // The client holds nothing for blank lines, and QNAM no more than its read buffer (1 MiB):
    // measured 0-7 MiB, also under load (16-80 MiB before the read buffer was limited).
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 16 * MiB, qPrintable(u"%1 MiB"_s.arg(double(growth) / MiB)));

    f.client.close();
    QCOMPARE(f.client.state(), SseClient::Closed);
    QCOMPARE(f.closedSpy.size(), 1);
    QCOMPARE(f.client.error(), SseClient::NoError);
    QTRY_COMPARE_WITH_TIMEOUT(closedConnections.size(), 1, Timeout); // the client hung up
    const qint64 sent = f.server.bytesWritten(0);
    QVERIFY(sent > Flood);
    QVERIFY(!f.eventSpy.wait(Quiet)); // and nothing follows
    QCOMPARE(f.server.bytesWritten(0), sent);
    QCOMPARE(f.server.requestCount(), 1);
}

QTEST_MAIN(tst_HostileFlood)
#include "tst_hostile_flood.moc"
