// SPDX-License-Identifier: BSD-3-Clause
// A client that can explain itself: the metrics' arithmetic on an injected clock
// (QtSsePrivate::StreamMetrics), and the same through SseClient against the test server.
#include "sseclienttest.h"
#include "ssemetrics_p.h"

using QtSsePrivate::StreamMetrics;

class tst_SseClientMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void times();
    void downtime();
    void rates();
    void history_data();
    void history();
    void throughTheClient();
};

void tst_SseClientMetrics::times()
{
    qint64 now = 1000;
    StreamMetrics m;
    m.setClock([&] { return now; });
    QCOMPARE(m.timeToFirstByte(), -1);
    QCOMPARE(m.timeToFirstEvent(), -1);
    m.requestSent();
    now += 40;
    m.responseHead();
    now += 60;
    m.eventDelivered();
    now += 500;
    m.eventDelivered(); // only the first counts
    m.responseHead();
    QCOMPARE(m.timeToFirstByte(), 40);
    QCOMPARE(m.timeToFirstEvent(), 100);
    m.reconnectScheduled();
    m.requestSent(); // the next attempt: unknown again
    QCOMPARE(m.timeToFirstByte(), -1);
    QCOMPARE(m.timeToFirstEvent(), -1);
    QCOMPARE(m.reconnects(), 1);
    m.reset();
    QCOMPARE(m.reconnects(), 0);
}

void tst_SseClientMetrics::downtime()
{
    qint64 now = 0;
    StreamMetrics m;
    m.setClock([&] { return now; });
    m.setDown(true); // Connecting
    now = 300;
    QCOMPARE(m.downtime(), 300); // live
    m.setDown(true); // Reconnecting after Connecting: still the same stretch
    now = 500;
    m.setDown(false); // Open
    now = 5000;
    QCOMPARE(m.downtime(), 500);
    m.setDown(true);
    now = 5250;
    m.setDown(false); // Closed
    now = 9000;
    QCOMPARE(m.downtime(), 750);
    m.reset();
    QCOMPARE(m.downtime(), 0);
}

void tst_SseClientMetrics::rates()
{
    qint64 now = 0;
    StreamMetrics m;
    m.setClock([&] { return now; });
    for (int i = 0; i < 30; ++i) {
        m.eventDelivered();
        m.bytesReceived("0123456789");
    }
    QCOMPARE(m.eventsPerSecond(), 0.0); // no complete second yet
    now = 1200; // the first second is complete
    QCOMPARE(m.eventsPerSecond(), 30.0);
    QCOMPARE(m.bytesPerSecond(), 300.0);
    m.eventDelivered();
    now = 2100;
    QCOMPARE(m.eventsPerSecond(), 1.0);
    now = 3500; // a silent second
    QCOMPARE(m.eventsPerSecond(), 0.0);
    QCOMPARE(m.bytesPerSecond(), 0.0);
}

void tst_SseClientMetrics::history_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QByteArrayList>("pieces");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("off") << 0 << QByteArrayList {"abc"} << QByteArray();
    QTest::newRow("fits") << 8 << QByteArrayList {"abc", "de"} << QByteArray("abcde");
    QTest::newRow("rolls") << 4 << QByteArrayList {"abc", "de", "f"} << QByteArray("cdef");
    QTest::newRow("one large piece") << 3 << QByteArrayList {"a", "bcdefg"} << QByteArray("efg");
}

void tst_SseClientMetrics::history()
{
    QFETCH(int, size);
    QFETCH(QByteArrayList, pieces);
    QFETCH(QByteArray, expected);
    StreamMetrics m;
    m.setHistorySize(size);
    for (const QByteArray &piece : std::as_const(pieces))
        m.bytesReceived(piece);
    QCOMPARE(m.history(), expected);
    m.setHistorySize(2); // smaller: the newest bytes stay
    QCOMPARE(m.history(), expected.right(2));
}

// Two 503s, then a stream whose first event comes 200 ms after its head: the times, the
// reconnects, the downtime (at least the delays waited) and the raw bytes, through the client.
void tst_SseClientMetrics::throughTheClient()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::sse().pause(200).send("data: late\n\n").holdOpen());
    f.client.setRawHistorySize(8);
    QCOMPARE(f.client.rawHistorySize(), 8);
    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 1);
    QCOMPARE(f.client.reconnectCount(), 2);
    QVERIFY(f.client.timeToFirstByte() >= 0);
    // Lower bounds only: a loaded machine makes times longer, never shorter.
    QVERIFY2(f.client.timeToFirstEvent() >= f.client.timeToFirstByte() + 150,
             qPrintable(
                     u"%1 %2"_s.arg(f.client.timeToFirstByte()).arg(f.client.timeToFirstEvent())));
    QVERIFY2(f.client.downtime() >= 50 + 100, qPrintable(QString::number(f.client.downtime())));
    const qint64 down = f.client.downtime();
    QTest::qWait(Quiet); // open: the downtime does not grow
    QCOMPARE(f.client.downtime(), down);
    QCOMPARE(f.client.rawHistory(), QByteArray("a: late\n\n").right(8));
    f.client.close();
    f.client.open(); // from zero
    QCOMPARE(f.client.reconnectCount(), 0);
    QVERIFY(f.client.rawHistory().isEmpty());
    f.client.close();
}

QTEST_MAIN(tst_SseClientMetrics)
#include "tst_sseclient_metrics.moc"
