// SPDX-License-Identifier: BSD-3-Clause
// SseClient's reconnection delays: network errors and the exponential backoff, its reset by an
// opened stream, the server's retry: field and the jitter. The expected delays come from the
// private policy (QtSsePrivate::Backoff, exported).
#include "ssepolicy_p.h"
#include "sseclienttest.h"

#include <QtCore/qset.h>

class tst_SseClientBackoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 7. network errors and backoff
    void connectionRefusedBackoff_data();
    void connectionRefusedBackoff();
    void openedStreamResetsBackoff();
    // 9. retry: and jitter
    void shortStreamsGrowBackoff();
    void retryAfterZeroBacksOff();
    void serverRetryFloor();
    void serverRetryField();
    void jitterRange_data();
    void jitterRange();
};

// ---- 7. network errors ----------------------------------------------------------------------

void tst_SseClientBackoff::connectionRefusedBackoff_data()
{
    QTest::addColumn<int>("maxRetries");
    QTest::addColumn<int>("maxDelay");
    QTest::addColumn<QList<int>>("delays");
    QTest::addColumn<bool>("exhausted");

    QTest::newRow("exponential") << -1 << 30000 << QList<int> {50, 100, 200, 400} << false;
    QTest::newRow("capped at 150") << -1 << 150 << QList<int> {50, 100, 150, 150} << false;
    QTest::newRow("maxRetries 2") << 2 << 30000 << QList<int> {50, 100} << true;
    QTest::newRow("maxRetries 0") << 0 << 30000 << QList<int> {} << true;
}

void tst_SseClientBackoff::connectionRefusedBackoff()
{
    QFETCH(int, maxRetries);
    QFETCH(int, maxDelay);
    QFETCH(QList<int>, delays);
    QFETCH(bool, exhausted);

    QUrl url;
    {
        SseTestServer gone;
        QVERIFY(gone.listen());
        url = gone.url(u"/events"_s);
        gone.stopListening(); // connections to this port are refused from now on
    }

    SseClient client;
    configure(client, url);
    client.setMaxRetries(maxRetries);
    client.setMaxRetryDelay(maxDelay);
    int attempts = 0;
    connect(&client, &SseClient::aboutToSendRequest, this, [&attempts] { ++attempts; });
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    client.open();

    if (exhausted) {
        QVERIFY(closedSpy.wait(Timeout));
        QCOMPARE(client.state(), SseClient::Failed);
        QCOMPARE(client.error(), SseClient::RetriesExhaustedError);
        QCOMPARE(attempts, delays.size() + 1);
        QList<SseClient::Error> expectedErrors(delays.size() + 1, SseClient::ConnectionError);
        expectedErrors.append(SseClient::RetriesExhaustedError);
        QCOMPARE(errorsOf(errorSpy), expectedErrors);
        QCOMPARE(argsOf(scheduledSpy, 1), delays);
    } else {
        TRY_VERIFY(scheduledSpy.size() >= delays.size());
        client.close();
        QCOMPARE(argsOf(scheduledSpy, 1).mid(0, delays.size()), delays);
        QVERIFY(errorsOf(errorSpy).size() >= delays.size());
        for (SseClient::Error e : errorsOf(errorSpy))
            QCOMPARE(e, SseClient::ConnectionError);
    }
    QVERIFY(!client.errorString().isEmpty());
    // attempt numbers count up from 1; the delays are the policy's (QtSsePrivate::Backoff)
    QtSsePrivate::Backoff policy;
    policy.reconnectionTime = 50;
    policy.maxDelay = maxDelay;
    policy.jitter = false;
    for (int i = 0; i < delays.size(); ++i) {
        QCOMPARE(scheduledSpy.at(i).at(0).toInt(), i + 1);
        QCOMPARE(scheduledSpy.at(i).at(1).toLongLong(), policy.delay(i + 1));
    }
    QCOMPARE(stateSpy.at(0).at(0).value<SseClient::State>(), SseClient::Connecting);
    if (!delays.isEmpty())
        QCOMPARE(stateSpy.at(1).at(0).value<SseClient::State>(), SseClient::Reconnecting);
}

void tst_SseClientBackoff::openedStreamResetsBackoff()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::status(503, "busy"));
    // opens, lives longer than ShortStreamMs, then ends
    f.server.enqueue(endingStream("data: a\n\n").pause(QtSsePrivate::ShortStreamMs + 100));
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::sse().send("data: b\n\n").holdOpen());

    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 2);
    // failures grow the delay; the opened stream resets it: its end waits reconnectionTime
    QCOMPARE(argsOf(f.scheduledSpy, 1), QList<int>({50, 100, 50, 50, 100}));
    QCOMPARE(argsOf(f.scheduledSpy, 0), QList<int>({1, 2, 1, 2, 3}));
    QCOMPARE(f.client.reconnectAttempt(), 0);
    f.client.close();
}

// ---- 9. retry: and jitter -------------------------------------------------------------------

// A stream that opens and ends at once is no success: it does not reset the backoff, it grows
// it as a failure would (the attempt count, for maxRetries, does reset).
void tst_SseClientBackoff::shortStreamsGrowBackoff()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(503, "busy"));
    for (int i = 0; i < 3; ++i)
        f.server.enqueue(endingStream("data: a\n\n")); // opens, ends at once
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::sse().send("data: b\n\n").holdOpen());

    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 4);
    QCOMPARE(argsOf(f.scheduledSpy, 1), QList<int>({50, 100, 200, 400, 800}));
    QCOMPARE(argsOf(f.scheduledSpy, 0), QList<int>({1, 1, 1, 1, 2}));
    f.client.close();
}

// 503 with "Retry-After: 0" (or an HTTP date in the past: clock skew) is a floor of nothing: the
// backoff applies and grows. At most 1 + log2(cap / reconnectionTime) attempts in the first
// cap, then one per cap (here 50, 100, 200, 400, 400 ms: 2.5 attempts/s, not ~1,800).
void tst_SseClientBackoff::retryAfterZeroBacksOff()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &request) {
        return Response::status(503, "busy")
                .header("Retry-After",
                        request.connection % 2 ? "Thu, 01 Jan 1970 00:00:00 GMT" : "0");
    });

    f.client.setMaxRetryDelay(400);
    f.client.open();
    TRY_VERIFY(f.scheduledSpy.size() >= 6);
    f.client.close();
    QCOMPARE(argsOf(f.scheduledSpy, 1).mid(0, 6), QList<int>({50, 100, 200, 400, 400, 400}));
}

// "retry: 0" (or anything below 100 ms) from a server sets 100 ms: with streams that end at once
// the delays then grow from there instead of a busy loop.
void tst_SseClientBackoff::serverRetryFloor()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return endingStream("retry: 0\ndata: a\n\n"); });

    f.client.setMaxRetryDelay(1000);
    f.client.open();
    TRY_VERIFY(f.scheduledSpy.size() >= 6);
    f.client.close();
    QCOMPARE(f.client.serverReconnectionTime(), int(QtSsePrivate::MinServerRetryMs));
    QCOMPARE(f.client.reconnectionTime(), 50); // the application's, as configure() set it
    QCOMPARE(argsOf(f.scheduledSpy, 1).mid(0, 6), QList<int>({100, 200, 400, 800, 1000, 1000}));
}

void tst_SseClientBackoff::serverRetryField()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(endingStream("retry: 180\ndata: a\n\n"));
    f.server.enqueue(Response::sse().holdOpen());

    QCOMPARE(f.client.serverReconnectionTime(), -1);
    QSignalSpy serverTimeSpy(&f.client, &SseClient::serverReconnectionTimeChanged);
    QSignalSpy timeSpy(&f.client, &SseClient::reconnectionTimeChanged);
    f.client.open();
    QVERIFY(f.scheduledSpy.wait(Timeout));
    QCOMPARE(argsOf(serverTimeSpy, 0), QList<int> {180});
    QCOMPARE(f.client.serverReconnectionTime(), 180);
    // The application's setting stays: it applies again after the next open().
    QCOMPARE(f.client.reconnectionTime(), 50);
    QCOMPARE(timeSpy.size(), 0);
    QCOMPARE(argsOf(f.scheduledSpy, 1), QList<int> {180});
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.server.requestCount(), 2);
    f.client.close();
    QCOMPARE(f.client.serverReconnectionTime(), 180); // until open()
    f.server.enqueue(endingStream("data: b\n\n"));
    f.server.enqueue(Response::sse().holdOpen());
    f.client.open();
    QCOMPARE(f.client.serverReconnectionTime(), -1);
    QCOMPARE(argsOf(serverTimeSpy, 0), QList<int>({180, -1}));
    QVERIFY(f.scheduledSpy.wait(Timeout));
    QCOMPARE(argsOf(f.scheduledSpy, 1).last(), 50); // the application's again
    f.client.close();
}

void tst_SseClientBackoff::jitterRange_data()
{
    QTest::addColumn<bool>("failures"); // else: opened streams that end
    QTest::newRow("stream ends") << false;
    QTest::newRow("failures") << true;
}

void tst_SseClientBackoff::jitterRange()
{
    QFETCH(bool, failures);
    constexpr int samples = 6;

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([failures](const Request &) {
        // Streams that end at once grow the delay as failures do; at the cap (here the server's
        // retry:, 100 ms, at least that) the base stays, and only the jitter spreads it.
        return failures ? Response::status(503, "busy") : endingStream("retry: 100\ndata: x\n\n");
    });

    f.client.setReconnectionTime(40);
    f.client.setMaxRetryDelay(100);
    f.client.setJitterEnabled(true);
    f.client.open();
    TRY_VERIFY(f.scheduledSpy.size() >= samples);
    f.client.close();

    QtSsePrivate::Backoff policy;
    policy.reconnectionTime = 40;
    policy.maxDelay = 100;
    const QList<int> delays = argsOf(f.scheduledSpy, 1).mid(0, samples);
    bool lengthened = false;
    QSet<int> distinct;
    for (int i = 0; i < samples; ++i) {
        const qint64 base = failures ? policy.baseDelay(i + 1) : 100;
        QVERIFY2(delays.at(i) >= base && delays.at(i) <= base + base / 2,
                 qPrintable(u"delay %1 of %2, base %3"_s.arg(delays.at(i)).arg(i).arg(base)));
        lengthened = lengthened || delays.at(i) > base;
        distinct.insert(delays.at(i));
    }
    QVERIFY(lengthened);
    if (!failures)
        QVERIFY(distinct.size() > 1); // the same base, spread out
}

QTEST_MAIN(tst_SseClientBackoff)
#include "tst_sseclient_backoff.moc"
