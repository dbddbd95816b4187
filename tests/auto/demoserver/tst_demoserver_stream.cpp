// SPDX-License-Identifier: BSD-3-Clause
// sse-demo-server's stream, through SseClient: typed events with ids, retry:, resumption after
// Last-Event-ID, and drop= with a reconnect that loses and repeats nothing.
#include "demoservertest.h"

#include <QtCore/qjsonobject.h>
#include <QtCore/qset.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <utility>

using namespace Qt::StringLiterals;

class tst_DemoServerStream : public DemoServerTest
{
    Q_OBJECT

private Q_SLOTS:
    void eventsOfSeveralTypesWithIds();
    void sendsRetry();
    void resumesAfterLastEventId();
    void dropReconnectsWithoutGap();
};

void tst_DemoServerStream::eventsOfSeveralTypesWithIds()
{
    SseClient client(m_streamUrl);
    Recorder rec(&client);
    client.open();
    // 17 events a second, a heartbeat every 2 s.
    QTRY_VERIFY_WITH_TIMEOUT(rec.events.size() >= 40 && rec.hasComment(u"heartbeat"_s), Timeout);
    client.close();

    QVERIFY2(rec.idProblem(1).isEmpty(), qPrintable(rec.idProblem(1)));
    QSet<QString> types;
    for (const SseEvent &e : std::as_const(rec.events)) {
        types.insert(e.type());
        if (e.type() == u"tick"_s) {
            bool ok = false;
            QVERIFY(e.data().toInt(&ok) > 0 && ok);
        } else if (e.type() == u"price"_s) {
            const QJsonObject o = e.json().toObject();
            QVERIFY2(!o.value(u"symbol"_s).toString().isEmpty(), qPrintable(e.data()));
            QVERIFY(o.value(u"price"_s).toDouble() > 0);
            QCOMPARE(QString::number(o.value(u"seq"_s).toInteger()), e.lastEventId());
        } else if (e.type() == u"metric"_s) {
            QVERIFY2(e.json().toObject().contains(u"cpu"_s), qPrintable(e.data()));
        } else if (e.type() == u"log"_s) {
            QVERIFY2(e.data().contains(u'\n'), qPrintable(e.data())); // multi-line
        } else {
            QFAIL(qPrintable(u"unexpected type "_s + e.type()));
        }
    }
    QCOMPARE(types, (QSet<QString> {u"tick"_s, u"price"_s, u"metric"_s, u"log"_s}));
    QCOMPARE(client.lastEventId(), rec.events.constLast().lastEventId());
}

void tst_DemoServerStream::sendsRetry()
{
    for (const auto &[query, expected] :
         {std::pair(u""_s, 2000), std::pair(u"?retry=750"_s, 750)}) {
        SseClient client(url(u"/stream"_s + query));
        QCOMPARE(client.serverReconnectionTime(), -1); // none before the server's retry:
        QSignalSpy spy(&client, &SseClient::serverReconnectionTimeChanged);
        client.open();
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), Timeout);
        QCOMPARE(spy.first().first().toInt(), expected);
        QCOMPARE(client.serverReconnectionTime(), expected);
        QCOMPARE(client.reconnectionTime(), 3000); // the client's own setting stays
    }
}

void tst_DemoServerStream::resumesAfterLastEventId()
{
    // The reference: the same sequence from the start, fast (flood mode carries it too).
    SseClient reference(url(u"/stream?rate=5000&limit=60"_s));
    Recorder all(&reference);
    reference.open();
    QTRY_VERIFY_WITH_TIMEOUT(all.events.size() >= 60, Timeout);
    reference.close();

    SseClient client(m_streamUrl);
    client.setLastEventId(u"42"_s);
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.events.size() >= 10, Timeout);
    client.close();
    QCOMPARE(rec.events.first().lastEventId(), u"43"_s);
    QVERIFY2(rec.idProblem(43).isEmpty(), qPrintable(rec.idProblem(43)));
    QVERIFY(rec.hasComment(u"resuming after id 42"_s));
    for (qsizetype i = 0; i < 10; ++i) // event n is always the same
        QCOMPARE(rec.events.at(i), all.events.at(42 + i));
}

void tst_DemoServerStream::dropReconnectsWithoutGap()
{
    SseClient client(url(u"/stream?drop=1&retry=300"_s));
    client.setJitterEnabled(false);
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.eventsAtOpen.size() >= 2
                                     && rec.events.size() >= rec.eventsAtOpen.at(1) + 5,
                             Timeout);
    client.close();

    QVERIFY(rec.disconnects >= 1);
    QVERIFY(rec.hasComment(u"dropping the connection"_s));
    QCOMPARE(rec.retryDelays.first(), 300); // the server's retry:
    const qsizetype before = rec.eventsAtOpen.at(1);
    QVERIFY(before > 5);
    // Resumed right after the last event seen (a fresh start would give id 1), and nothing
    // was lost or repeated across the reconnect.
    QCOMPARE(rec.events.at(before).lastEventId(), QString::number(before + 1));
    QVERIFY2(rec.idProblem(1).isEmpty(), qPrintable(rec.idProblem(1)));
}

QTEST_GUILESS_MAIN(tst_DemoServerStream)
#include "tst_demoserver_stream.moc"
