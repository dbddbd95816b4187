// SPDX-License-Identifier: BSD-3-Clause
// SseClient subscribed to nchan, a production pub/sub server that numbers messages
// ("<unix seconds>:<n>") and resumes after Last-Event-ID (tests/shared/nginxfixture.h):
// every message arrives once and in order with nchan's ids; the client rides out nginx
// restarts and a long outage (backoff growing to its cap) and resumes afterwards.
// Waits are QSignalSpy / QTRY_* with generous bounds; delays are asserted on the values the
// client schedules (reconnectScheduled), never on the wall clock.
#include "nginxfixture.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qdatetime.h>
#include <QtCore/qset.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;

static constexpr int Timeout = 30000; // generous: the suite must pass on a loaded machine

#define TRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, Timeout)
#define TRY_VERIFY(expr) QTRY_VERIFY_WITH_TIMEOUT(expr, Timeout)

// An SseClient on a channel that records what it receives and schedules.
class Subscriber
{
public:
    Subscriber(const NginxFixture &nginx, const QString &channel)
        : client(nginx.subscriberUrl(channel)),
          retries(&client, &SseClient::reconnectScheduled),
          opened(&client, &SseClient::opened)
    {
        QObject::connect(&client, &SseClient::eventReceived, &client,
                         [this](const SseEvent &event) {
                             data.append(event.data());
                             ids.append(event.lastEventId());
                         });
        QObject::connect(
                &client, &SseClient::aboutToSendRequest, &client,
                [this](QNetworkRequest *) { sentLastEventIds.append(client.lastEventId()); });
        QObject::connect(&client, &SseClient::stateChanged, &client,
                         [this](SseClient::State state) { states.append(state); });
    }
    QList<int> delays() const // delayMs of every reconnectScheduled, in order
    {
        QList<int> out;
        for (const QList<QVariant> &args : retries)
            out.append(args.at(1).toInt());
        return out;
    }

    SseClient client;
    QSignalSpy retries;
    QSignalSpy opened;
    QStringList data;
    QStringList ids;
    QStringList sentLastEventIds; // the client's lastEventId as each request was sent
    QList<SseClient::State> states; // every state change
};

// The client since states[from]: waiting in backoff (Reconnecting, first) or trying
// (Connecting), nothing else; at least `waits` times Reconnecting.
static bool onlyBackingOff(const QList<SseClient::State> &states, qsizetype from, int waits)
{
    const QList<SseClient::State> since = states.mid(from);
    if (since.isEmpty() || since.first() != SseClient::Reconnecting)
        return false;
    for (const SseClient::State state : since) {
        if (state != SseClient::Reconnecting && state != SseClient::Connecting)
            return false;
    }
    return since.count(SseClient::Reconnecting) >= waits;
}

static QList<QByteArray> numbered(const QByteArray &prefix, int count)
{
    QList<QByteArray> messages;
    for (int i = 0; i < count; ++i)
        messages.append(prefix + QByteArray::number(i));
    return messages;
}

static QStringList toStrings(const QList<QByteArray> &list)
{
    QStringList out;
    for (const QByteArray &bytes : list)
        out.append(QString::fromUtf8(bytes));
    return out;
}

class tst_Nchan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void inOrderExactlyOnce_data();
    void inOrderExactlyOnce();
    void resumeWithLastEventId();
    void serverRestart_data();
    void serverRestart();
    void longOutage();
    void duplicatesOfAnEarlyResume();
    void restartVerified();

private:
    std::unique_ptr<NginxFixture> m_nginx;
};

void tst_Nchan::init()
{
    NGINX_FIXTURE_SKIP_IF_UNAVAILABLE();
    m_nginx = std::make_unique<NginxFixture>();
    QVERIFY2(m_nginx->start(), qPrintable(m_nginx->errorString()));
}

void tst_Nchan::cleanup()
{
    if (m_nginx && QTest::currentTestFailed())
        qWarning("nginx error log:\n%s", qPrintable(m_nginx->errorLog()));
    m_nginx.reset();
}

void tst_Nchan::inOrderExactlyOnce_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("subscribeFirst"); // else the channel's stored messages are replayed
    QTest::addColumn<QByteArray>("prefix");
    QTest::newRow("1, live") << 1 << true << QByteArray("message ");
    QTest::newRow("500, live") << 500 << true << QByteArray("message ");
    QTest::newRow("500, stored") << 500 << false << QByteArray("message ");
    QTest::newRow("3000, live") << 3000 << true << QByteArray("{\"seq\":");
    QTest::newRow("200 multi-line, live") << 200 << true << QByteArray("line one\nline two ");
    QTest::newRow("200 utf-8, stored") << 200 << false << QByteArray("grüße ✓ ");
}

void tst_Nchan::inOrderExactlyOnce()
{
    QFETCH(int, count);
    QFETCH(bool, subscribeFirst);
    QFETCH(QByteArray, prefix);
    const QList<QByteArray> messages = numbered(prefix, count);
    Subscriber sub(*m_nginx, u"order"_s);
    QStringList ids;
    if (subscribeFirst) {
        sub.client.open();
        TRY_COMPARE(sub.client.state(), SseClient::Open);
    }
    QVERIFY2(m_nginx->publishBatch(u"order"_s, messages, &ids), qPrintable(m_nginx->errorString()));
    if (!subscribeFirst)
        sub.client.open();
    TRY_COMPARE(sub.data.size(), count);
    QCOMPARE(sub.data, toStrings(messages));
    QCOMPARE(sub.ids, ids); // nchan's own ids, as its publisher reported them
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), count);
    QCOMPARE(sub.client.lastEventId(), ids.last());
    QCOMPARE(sub.client.eventCount(), qint64(count));
    QCOMPARE(sub.opened.size(), 1);
    QCOMPARE(sub.retries.size(), 0);
    // Nothing more arrives: one more message is the next event, not a repeat.
    QStringList lastId;
    QVERIFY(m_nginx->publish(u"order"_s, "end", &lastId));
    TRY_COMPARE(sub.data.size(), count + 1);
    QCOMPARE(sub.data.last(), u"end"_s);
    QCOMPARE(sub.ids.last(), lastId.first());
}

// A client given an id of the channel (setLastEventId) gets only what follows it.
void tst_Nchan::resumeWithLastEventId()
{
    QStringList ids;
    QVERIFY(m_nginx->publishBatch(u"resume"_s, numbered("m", 10), &ids));
    Subscriber sub(*m_nginx, u"resume"_s);
    sub.client.setLastEventId(ids.at(6));
    sub.client.open();
    TRY_COMPARE(sub.data.size(), 3);
    QCOMPARE(sub.data, (QStringList {u"m7"_s, u"m8"_s, u"m9"_s}));
    QCOMPARE(sub.ids, ids.mid(7));
    QCOMPARE(sub.sentLastEventIds, QStringList {ids.at(6)});
}

void tst_Nchan::serverRestart_data()
{
    // nchan keeps messages in memory: a restart empties the channel, so the client's
    // Last-Event-ID is unknown to the new nginx. Either way the new messages arrive once.
    QTest::addColumn<bool>("publishBeforeReconnect");
    QTest::newRow("published after the client is back") << false;
    QTest::newRow("published while the client waits") << true;
}

void tst_Nchan::serverRestart()
{
    QFETCH(bool, publishBeforeReconnect);
    Subscriber sub(*m_nginx, u"restart"_s);
    sub.client.setReconnectionTime(100);
    sub.client.setMaxRetryDelay(800);
    sub.client.open();
    TRY_COMPARE(sub.client.state(), SseClient::Open);
    QStringList before;
    QVERIFY(m_nginx->publishBatch(u"restart"_s, numbered("before ", 3), &before));
    TRY_COMPARE(sub.data.size(), 3);
    QCOMPARE(sub.client.lastEventId(), before.last());

    // nginx goes away: the stream ends, reconnects are refused and back off.
    QSignalSpy disconnected(&sub.client, &SseClient::disconnected);
    const qsizetype mark = sub.states.size();
    QVERIFY2(m_nginx->stop(), qPrintable(m_nginx->errorString()));
    TRY_COMPARE(disconnected.size(), 1);
    TRY_VERIFY(sub.retries.size() >= 3);
    QVERIFY(onlyBackingOff(sub.states, mark, 3));
    QCOMPARE(sub.client.error(), SseClient::ConnectionError);
    QVERIFY2(sub.client.errorString().contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(sub.client.errorString()));
    QVERIFY2(sub.client.reconnectAttempt() >= 2, qPrintable(sub.client.errorString()));
    QCOMPARE(sub.opened.size(), 1);

    QVERIFY2(m_nginx->start(), qPrintable(m_nginx->errorString())); // same port
    QStringList after;
    if (publishBeforeReconnect) {
        // The new messages' ids must sort after the client's Last-Event-ID ("<second>:<n>",
        // n from 0 again in the new nginx): nchan skips a stored message whose id is below it.
        const qint64 lastSecond = before.last().section(u':', 0, 0).toLongLong();
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentSecsSinceEpoch() > lastSecond, 5000);
        QVERIFY(m_nginx->publishBatch(u"restart"_s, numbered("after ", 3), &after));
        TRY_COMPARE(sub.client.state(), SseClient::Open);
    } else {
        TRY_COMPARE(sub.client.state(), SseClient::Open);
        QVERIFY(m_nginx->publishBatch(u"restart"_s, numbered("after ", 3), &after));
    }
    TRY_COMPARE(sub.data.size(), 6);
    QCOMPARE(sub.data, toStrings(numbered("before ", 3) + numbered("after ", 3)));
    // Within the same second the new nginx hands out the same ids again ("T:0", ...): the client
    // delivers what the server sends and does not drop events by id.
    QCOMPARE(sub.ids, before + after);
    QCOMPARE(sub.client.reconnectAttempt(), 0);
    QCOMPARE(sub.client.lastEventId(), after.last());
    // Every reconnect carried the last id received before the restart.
    QVERIFY(sub.sentLastEventIds.size() >= 4);
    QCOMPARE(sub.sentLastEventIds.first(), QString());
    for (qsizetype i = 1; i < sub.sentLastEventIds.size(); ++i)
        QCOMPARE(sub.sentLastEventIds.at(i), before.last());
    // ... and nginx saw it.
    sub.client.close();
    TRY_VERIFY(m_nginx->accessLog().contains(u"GET /sub/restart HTTP/1.1 499 last-event-id="_s
                                             + before.last()));
    QCOMPARE(sub.data.size(), 6);
}

// A long outage: the delays double up to maxRetryDelay and stay there; when nginx is back the
// client opens at the next attempt, events flow and the attempt count is back to 0.
void tst_Nchan::longOutage()
{
    Subscriber sub(*m_nginx, u"outage"_s);
    sub.client.setReconnectionTime(50);
    sub.client.setMaxRetryDelay(400);
    sub.client.setJitterEnabled(false); // exact delays
    sub.client.open();
    TRY_COMPARE(sub.client.state(), SseClient::Open);
    QVERIFY(m_nginx->publish(u"outage"_s, "before"));
    TRY_COMPARE(sub.data.size(), 1);

    // A stream that ends within ShortStreamMs (1 s) of opening would count as a failure.
    const QDateTime longLived = sub.client.openedTime().addMSecs(1100);
    TRY_VERIFY(QDateTime::currentDateTime() > longLived);
    const qsizetype mark = sub.states.size();
    QVERIFY2(m_nginx->stop(), qPrintable(m_nginx->errorString()));
    TRY_VERIFY(sub.retries.size() >= 8); // ~2.5 s: 50 + 50 + 100 + 200 + 400 * 4 ms
    const QList<int> delays = sub.delays();
    qInfo() << "delays" << delays;
    // After the opened stream ended: the reconnection time. Then each refused attempt doubles
    // the delay up to the cap: 50, 50, 100, 200, 400, 400, ...
    QList<int> expected = {50};
    for (int failures = 1; expected.size() < delays.size(); ++failures)
        expected.append(qMin(50 << (failures - 1), 400));
    QCOMPARE(delays, expected);
    for (qsizetype i = 0; i < sub.retries.size(); ++i)
        QCOMPARE(sub.retries.at(i).at(0).toInt(), int(i + 1)); // attempt numbers 1, 2, 3, ...
    QVERIFY(onlyBackingOff(sub.states, mark, 8));
    QCOMPARE(sub.client.error(), SseClient::ConnectionError);

    QVERIFY2(m_nginx->start(), qPrintable(m_nginx->errorString()));
    TRY_COMPARE(sub.client.state(), SseClient::Open);
    QCOMPARE(sub.client.reconnectAttempt(), 0);
    QCOMPARE(sub.opened.size(), 2);
    QVERIFY(m_nginx->publish(u"outage"_s, "after"));
    TRY_COMPARE(sub.data.size(), 2);
    QCOMPARE(sub.data, (QStringList {u"before"_s, u"after"_s}));
    // The delays never exceeded the cap, and the outage was over at the next attempt.
    for (const int delay : sub.delays())
        QVERIFY(delay <= 400);
}

// Resume verification against nchan: a resume from an earlier id (as a server that resumes too
// early sends it) replays events the client has: dropped and counted, never delivered twice.
void tst_Nchan::duplicatesOfAnEarlyResume()
{
    Subscriber sub(*m_nginx, u"early"_s);
    sub.client.setDuplicateWindow(100);
    QSignalSpy duplicates(&sub.client, &SseClient::duplicateDropped);
    sub.client.open();
    TRY_COMPARE(sub.client.state(), SseClient::Open);
    QStringList ids;
    QVERIFY(m_nginx->publishBatch(u"early"_s, numbered("m", 3), &ids));
    TRY_COMPARE(sub.data.size(), 3);

    sub.client.setLastEventId(ids.at(0)); // nchan resends m1 and m2
    sub.client.reconnectNow();
    TRY_COMPARE(duplicates.size(), 2);
    QCOMPARE(duplicates.at(0).at(0).value<SseEvent>().lastEventId(), ids.at(1));
    QCOMPARE(duplicates.at(1).at(0).value<SseEvent>().data(), u"m2"_s);
    QCOMPARE(sub.client.duplicateCount(), qint64(2));
    QStringList fresh;
    QVERIFY(m_nginx->publish(u"early"_s, "m3", &fresh));
    TRY_COMPARE(sub.data.size(), 4);
    QCOMPARE(sub.data, (QStringList {u"m0"_s, u"m1"_s, u"m2"_s, u"m3"_s}));
    QCOMPARE(sub.ids, ids + fresh);
    QCOMPARE(sub.client.duplicateCount(), qint64(2));
}

// A restart empties nchan and restarts its ids ("<second>:0" again): the new events are new
// even where an id repeats (a duplicate is the same event, not the same id), and a message the
// publisher lost while nginx was down is a gap in the sequence the data carries.
void tst_Nchan::restartVerified()
{
    Subscriber sub(*m_nginx, u"verified"_s);
    sub.client.setReconnectionTime(100);
    sub.client.setMaxRetryDelay(400);
    sub.client.setDuplicateWindow(100);
    sub.client.setSequenceField(u"seq"_s);
    QSignalSpy gaps(&sub.client, &SseClient::gapDetected);
    sub.client.open();
    TRY_COMPARE(sub.client.state(), SseClient::Open);
    const auto message = [](int seq) -> QByteArray {
        return "{\"seq\":" + QByteArray::number(seq) + '}';
    };
    QStringList before;
    QVERIFY(m_nginx->publishBatch(u"verified"_s, {message(1), message(2), message(3)}, &before));
    TRY_COMPARE(sub.data.size(), 3);

    QVERIFY2(m_nginx->stop(), qPrintable(m_nginx->errorString()));
    TRY_VERIFY(sub.retries.size() >= 2);
    QVERIFY(!m_nginx->publish(u"verified"_s, message(4), nullptr, 5000)); // lost with nginx down
    QVERIFY2(m_nginx->start(), qPrintable(m_nginx->errorString()));
    TRY_COMPARE(sub.client.state(), SseClient::Open);
    QStringList after;
    QVERIFY(m_nginx->publishBatch(u"verified"_s, {message(5), message(6), message(1)}, &after));
    TRY_COMPARE(sub.data.size(), 6);
    qInfo() << "ids before" << before << "after" << after;
    QCOMPARE(sub.client.duplicateCount(), qint64(0));
    QCOMPARE(gaps.size(), 1);
    QCOMPARE(gaps.at(0).at(0).toLongLong(), qint64(4)); // expected
    QCOMPARE(gaps.at(0).at(1).toLongLong(), qint64(5)); // received
    QCOMPARE(sub.client.gapCount(), qint64(1));
    // The publisher starting its numbers again (seq 1) is no gap.
    QCOMPARE(sub.data.last(), QString::fromUtf8(message(1)));
}

QTEST_MAIN(tst_Nchan)
#include "tst_nchan.moc"
