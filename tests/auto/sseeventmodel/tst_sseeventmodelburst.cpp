// SPDX-License-Identifier: BSD-3-Clause
// SseEventModel under bursts of 100,000 events: rows, notifications and memory.
#include "modeltest.h"
#include "sseeventmodel.h"
#include "ssetestserver.h"

#include <QtSse/sseclient.h>
#include <QtSse/sseparser.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#if defined(__GLIBC__)
#  include <malloc.h>
#endif

static constexpr int Timeout = 60000; // generous: the suite must pass on a loaded machine
static constexpr int BurstEvents = 100000;
static constexpr int BurstCapacity = 1000;

// Heap bytes in use (glibc 2.33+), or -1 where that cannot be measured.
static qint64 heapInUse()
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    return qint64(mallinfo2().uordblks);
#else
    return -1;
#endif
}

// Event number i: about 100 bytes of JSON.
static QByteArray eventBytes(int i)
{
    return "data: {\"seq\": " + QByteArray::number(i) + ", \"pad\": \"" + QByteArray(64, 'x')
            + "\"}\n\n";
}
static QString eventData(int i)
{
    return QStringLiteral("{\"seq\": %1, \"pad\": \"%2\"}").arg(i).arg(QString(64, u'x'));
}
class tst_SseEventModelBurst : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void burstInOneTurn();
    void burstOverManyTurns();
    void burstFromNetwork();
    void pacedFromNetwork();
};

// 100,000 events in one turn (a single huge read): one reset; memory stays at the capacity.
void tst_SseEventModelBurst::burstInOneTurn()
{
    QByteArray stream;
    for (int i = 0; i < BurstEvents; ++i)
        stream += eventBytes(i);
    SseEventModel model;
    model.setCapacity(BurstCapacity);
    Notifications notes(&model);
    const qint64 baseline = heapInUse();
    qint64 peak = baseline;
    int received = 0;
    SseParser parser([&](const SseEvent &event) {
        model.append(event);
        if (++received % 1000 == 0)
            peak = qMax(peak, heapInUse());
    });
    for (qsizetype at = 0; at < stream.size(); at += 64 * 1024) // as network reads would come
        QVERIFY(parser.feed(
                QByteArrayView(stream).sliced(at, qMin<qsizetype>(64 * 1024, stream.size() - at))));
    endTurn(&model);
    peak = qMax(peak, heapInUse());
    QCOMPARE(received, BurstEvents);
    QCOMPARE(model.rowCount(), BurstCapacity);
    QCOMPARE(model.latest().data(), eventData(BurstEvents - 1));
    QCOMPARE(model.data(model.index(0), SseEventModel::DataRole).toString(),
             eventData(BurstEvents - BurstCapacity));
    QCOMPARE(notes.resets, 1);
    QCOMPARE(notes.total(), 1);
    qInfo("one turn: %d events -> %d rows, %d notifications, heap growth %lld KiB (peak)",
          BurstEvents, model.rowCount(), notes.total(), (peak - baseline) / 1024);
    // Once full, another burst changes the rows in place: the view keeps its delegates.
    model.setUpdateInterval(0);
    QVERIFY(parser.feed(stream.first(BurstCapacity * 2 * eventBytes(0).size())));
    endTurn(&model);
    QCOMPARE(notes.resets, 1);
    QCOMPARE(notes.others, 1); // one dataChanged
    QCOMPARE(model.rowCount(), BurstCapacity);
    if (baseline >= 0) // 100,000 events kept would be > 30 MiB
        QVERIFY2(peak - baseline < 4 * 1024 * 1024, QByteArray::number(peak - baseline));
}

// 100,000 events at 100 per event loop turn: one insert + one remove per turn.
void tst_SseEventModelBurst::burstOverManyTurns()
{
    constexpr int PerTurn = 100;
    SseEventModel model;
    model.setCapacity(BurstCapacity);
    model.setUpdateInterval(0); // every turn: one insert + one remove per turn is checked
    Notifications notes(&model);
    int turns = 0;
    qint64 peak = 0;
    const qint64 baseline = heapInUse();
    SseParser parser([&model](const SseEvent &event) { model.append(event); });
    QTimer feeder;
    feeder.setInterval(0);
    int sent = 0;
    connect(&feeder, &QTimer::timeout, this, [&] {
        QByteArray bytes;
        for (int i = 0; i < PerTurn; ++i)
            bytes += eventBytes(sent++);
        parser.feed(bytes);
        ++turns;
        peak = qMax(peak, heapInUse());
        if (sent == BurstEvents)
            feeder.stop();
    });
    feeder.start();
    QTRY_COMPARE_WITH_TIMEOUT(model.latest().data(), eventData(BurstEvents - 1), Timeout);
    QCOMPARE(model.rowCount(), BurstCapacity);
    QCOMPARE(turns, BurstEvents / PerTurn);
    QCOMPARE(notes.resets, 0);
    QCOMPARE(notes.others, 0);
    QCOMPARE(notes.inserts, turns); // one per turn, never one per event
    QCOMPARE(notes.removes, turns - BurstCapacity / PerTurn);
    qInfo("%d turns of %d: %d events -> %d rows, %d inserts + %d removes, heap growth %lld KiB",
          turns, PerTurn, BurstEvents, model.rowCount(), notes.inserts, notes.removes,
          (peak - baseline) / 1024);
    if (baseline >= 0)
        QVERIFY2(peak - baseline < 4 * 1024 * 1024, QByteArray::number(peak - baseline));
}

// 100,000 events from a server through SseClient, as fast as the loopback delivers them.
void tst_SseEventModelBurst::burstFromNetwork()
{
    QByteArray stream;
    for (int i = 0; i < BurstEvents; ++i)
        stream += eventBytes(i);
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::sse().send(stream).holdOpen());
    SseClient client(server.url(QStringLiteral("/burst")));
    SseEventModel model;
    model.setCapacity(BurstCapacity);
    model.setSource(&client);
    Notifications notes(&model);
    QSignalSpy flushes(&model, &SseEventModel::latestChanged);
    QElapsedTimer timer;
    timer.start();
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(model.latest().data(), eventData(BurstEvents - 1), Timeout);
    const qint64 ms = timer.elapsed();
    QCOMPARE(client.eventCount(), BurstEvents);
    QCOMPARE(model.rowCount(), BurstCapacity);
    QCOMPARE(model.data(model.index(0), SseEventModel::DataRole).toString(),
             eventData(BurstEvents - BurstCapacity));
    QVERIFY2(notes.total() <= 2 * flushes.count(), QByteArray::number(notes.total()));
    QVERIFY2(notes.total() < BurstEvents / 20, QByteArray::number(notes.total()));
    qInfo("network: %d events in %lld ms -> %d rows; %lld turns, %d inserts, %d removes, "
          "%d resets",
          BurstEvents, ms, model.rowCount(), qint64(flushes.count()), notes.inserts, notes.removes,
          notes.resets);
}

// 20,000 events at 10,000 events/s (100 every 10 ms): one insert and one remove per read.
void tst_SseEventModelBurst::pacedFromNetwork()
{
    constexpr int Events = 20000;
    constexpr int PerWrite = 100;
    QByteArray stream;
    for (int i = 0; i < Events; ++i)
        stream += eventBytes(i);
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::sse()
                           .sendSlowly(stream, int(eventBytes(0).size()) * PerWrite, 10)
                           .holdOpen());
    SseClient client(server.url(QStringLiteral("/paced")));
    SseEventModel model;
    model.setCapacity(BurstCapacity);
    model.setSource(&client);
    Notifications notes(&model);
    QSignalSpy flushes(&model, &SseEventModel::latestChanged);
    QElapsedTimer timer;
    timer.start();
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(model.latest().data(), eventData(Events - 1), Timeout);
    const qint64 ms = timer.elapsed();
    QCOMPARE(model.rowCount(), BurstCapacity);
    QVERIFY2(notes.total() <= 2 * flushes.count(), QByteArray::number(notes.total()));
    QVERIFY2(notes.total() < Events / 20, QByteArray::number(notes.total()));
    qInfo("paced: %d events in %lld ms -> %d rows; %lld turns, %d inserts, %d removes, %d resets",
          Events, ms, model.rowCount(), qint64(flushes.count()), notes.inserts, notes.removes,
          notes.resets);
}
QTEST_MAIN(tst_SseEventModelBurst)
#include "tst_sseeventmodelburst.moc"
