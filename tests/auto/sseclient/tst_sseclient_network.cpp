// SPDX-License-Identifier: BSD-3-Clause
// Network awareness through an injected SseReachability: attempts wait while the network is
// down (none made, none counted), go at once with the backoff reset when it returns; an open
// stream is left alone; pauseWhenSuspended closes the stream while the application is suspended
// and resumes it from the last event ID.
#include "sseclienttest.h"

#include <QtSse/SseConnectionPool>
#include <QtSse/SseReachability>

#include <QtCore/qthread.h>

#include <memory>
#include <vector>

class tst_SseClientNetwork : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void atOpen_data();
    void atOpen();
    void retryWaitsAndComesAtOnce();
    void noAttemptsBurned();
    void openStreamLeftAlone();
    void suspended_data();
    void suspended();
    void reconnectNowConnectsAnyway();
    void closeWhileWaiting();
    void sourceDestroyedWhileWaiting();
    void sourceInAnotherThread();
    void pausedWhileQueuedForASlot();
    void pausedLeavesItsSlot();
};

void tst_SseClientNetwork::atOpen_data()
{
    QTest::addColumn<SseReachability::Network>("network");
    QTest::addColumn<bool>("aware");
    QTest::addColumn<bool>("waits");
    QTest::newRow("offline: waits") << SseReachability::NetworkOffline << true << true;
    QTest::newRow("unknown: connects") << SseReachability::NetworkUnknown << true << false;
    QTest::newRow("online: connects") << SseReachability::NetworkOnline << true << false;
    QTest::newRow("offline, not aware: connects")
            << SseReachability::NetworkOffline << false << false;
}

void tst_SseClientNetwork::atOpen()
{
    QFETCH(SseReachability::Network, network);
    QFETCH(bool, aware);
    QFETCH(bool, waits);
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::sse().chunked().holdOpen(); });
    SseReachability source;
    source.setNetwork(network);
    f.client.setReachability(&source);
    QCOMPARE(f.client.reachability(), &source);
    f.client.setNetworkAware(aware);
    QSignalSpy waitingSpy(&f.client, &SseClient::waitingForNetworkChanged);
    f.client.open();
    if (!waits) {
        TRY_COMPARE(f.openedSpy.size(), 1);
        QVERIFY(!f.client.isWaitingForNetwork());
        QCOMPARE(waitingSpy.size(), 0);
        return;
    }
    QCOMPARE(f.client.state(), SseClient::Connecting);
    QVERIFY(f.client.isWaitingForNetwork());
    QCOMPARE(waitingSpy.size(), 1);
    QVERIFY(!f.client.nextRetryTime().isValid());
    QTest::qWait(Quiet); // a connect timeout or a retry would have come by now
    QCOMPARE(f.server.connectionCount(), 0);
    QCOMPARE(f.client.state(), SseClient::Connecting);

    source.setNetwork(SseReachability::NetworkOnline);
    TRY_COMPARE(f.openedSpy.size(), 1);
    QVERIFY(!f.client.isWaitingForNetwork());
    QCOMPARE(waitingSpy.size(), 2);
    QCOMPARE(f.server.requestCount(), 1);
    QCOMPARE(f.errorSpy.size(), 0);
}

// A retry due in a minute waits for the network instead, and goes when it returns, at once and
// as the first attempt of a fresh backoff (its delay, were it to fail, is the base again).
void tst_SseClientNetwork::retryWaitsAndComesAtOnce()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::status(503, "busy"); });
    f.client.setReconnectionTime(60000);
    SseReachability source;
    source.setNetwork(SseReachability::NetworkOnline);
    f.client.setReachability(&source);
    f.client.open();
    TRY_COMPARE(f.scheduledSpy.size(), 1);
    QCOMPARE(f.scheduledSpy.at(0).at(1).toInt(), 60000);
    QCOMPARE(f.client.state(), SseClient::Reconnecting);
    QVERIFY(f.client.nextRetryTime().isValid());

    source.setNetwork(SseReachability::NetworkOffline);
    QVERIFY(f.client.isWaitingForNetwork());
    QCOMPARE(f.client.state(), SseClient::Reconnecting);
    QVERIFY(!f.client.nextRetryTime().isValid());
    QCOMPARE(f.client.reconnectAttempt(), 1);

    source.setNetwork(SseReachability::NetworkOnline); // at once, not in a minute
    TRY_COMPARE(f.server.requestCount(), 2);
    QVERIFY(!f.client.isWaitingForNetwork());
    TRY_COMPARE(f.scheduledSpy.size(), 2);
    // Attempt 1 again, with the base delay: without the reset it would be attempt 2, 120 s.
    QCOMPARE(f.scheduledSpy.at(1).at(0).toInt(), 1);
    QCOMPARE(f.scheduledSpy.at(1).at(1).toInt(), 60000);
    f.client.close();
}

// maxRetries 1 against a server that answers 503: while the network is down nothing is tried,
// so the client is still trying when it returns, and gives up only after its own attempts.
void tst_SseClientNetwork::noAttemptsBurned()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::status(503, "busy"); });
    f.client.setMaxRetries(1);
    SseReachability source;
    source.setNetwork(SseReachability::NetworkOffline);
    f.client.setReachability(&source);
    f.client.open();
    QTest::qWait(Quiet); // without the network wait: two 503s and Failed by now
    QCOMPARE(f.server.connectionCount(), 0);
    QCOMPARE(f.errorSpy.size(), 0);
    QCOMPARE(f.client.state(), SseClient::Connecting);
    QVERIFY(f.client.isWaitingForNetwork());

    source.setNetwork(SseReachability::NetworkOnline);
    TRY_COMPARE(f.closedSpy.size(), 1);
    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.error(), SseClient::RetriesExhaustedError);
    QCOMPARE(f.server.requestCount(), 2); // its own two attempts, no more
}

// The system may call the network down while a stream still works (another route, a flapping
// interface): the stream's own data decides.
void tst_SseClientNetwork::openStreamLeftAlone()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse()
                             .chunked()
                             .send("data: one\n\n")
                             .pause(300)
                             .send("data: two\n\n")
                             .holdOpen());
    SseReachability source;
    source.setNetwork(SseReachability::NetworkOnline);
    f.client.setReachability(&source);
    QSignalSpy disconnectedSpy(&f.client, &SseClient::disconnected);
    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 1);
    source.setNetwork(SseReachability::NetworkOffline);
    QCOMPARE(f.client.state(), SseClient::Open);
    QVERIFY(!f.client.isWaitingForNetwork());
    TRY_COMPARE(f.eventSpy.size(), 2);
    QCOMPARE(disconnectedSpy.size(), 0);
    QCOMPARE(f.server.requestCount(), 1);
    f.client.close();
}

void tst_SseClientNetwork::suspended_data()
{
    QTest::addColumn<bool>("pause");
    QTest::newRow("pauseWhenSuspended") << true;
    QTest::newRow("off (the default)") << false;
}

void tst_SseClientNetwork::suspended()
{
    QFETCH(bool, pause);
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().chunked().send("id: 1\ndata: one\n\n").holdOpen());
    f.server.enqueue(Response::sse().chunked().send("id: 2\ndata: two\n\n").holdOpen());
    SseReachability source;
    f.client.setReachability(&source);
    QVERIFY(!f.client.pauseWhenSuspended());
    f.client.setPauseWhenSuspended(pause);
    QSignalSpy disconnectedSpy(&f.client, &SseClient::disconnected);
    QSignalSpy pausedSpy(&f.client, &SseClient::pausedChanged);
    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 1);

    source.setApplicationSuspended(true);
    if (!pause) {
        QTest::qWait(Quiet);
        QCOMPARE(f.client.state(), SseClient::Open);
        QCOMPARE(disconnectedSpy.size(), 0);
        QCOMPARE(pausedSpy.size(), 0);
        QCOMPARE(f.server.requestCount(), 1);
        f.client.close();
        return;
    }
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(f.client.state(), SseClient::Reconnecting);
    QVERIFY(f.client.isPaused());
    QVERIFY(!f.client.isWaitingForNetwork());
    TRY_COMPARE(f.server.openConnections(), 0); // the stream's connection is gone
    QTest::qWait(Quiet);
    QCOMPARE(f.server.requestCount(), 1);

    source.setApplicationSuspended(false);
    TRY_COMPARE(f.eventSpy.size(), 2);
    QVERIFY(!f.client.isPaused());
    QCOMPARE(pausedSpy.size(), 2);
    QCOMPARE(lastEventIds(f.server), QList<QByteArray> {"1"});
    QCOMPARE(f.client.state(), SseClient::Open);
    f.client.close();
}

void tst_SseClientNetwork::reconnectNowConnectsAnyway()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::sse().chunked().holdOpen(); });
    SseReachability source;
    source.setNetwork(SseReachability::NetworkOffline);
    f.client.setReachability(&source);
    f.client.open();
    QVERIFY(f.client.isWaitingForNetwork());
    f.client.reconnectNow(); // the application knows better
    QVERIFY(!f.client.isWaitingForNetwork());
    TRY_COMPARE(f.openedSpy.size(), 1);
    QCOMPARE(f.server.requestCount(), 1);
    f.client.close();
}

void tst_SseClientNetwork::closeWhileWaiting()
{
    SseClientFixture f;
    QVERIFY(f.start());
    SseReachability source;
    source.setNetwork(SseReachability::NetworkOffline);
    f.client.setReachability(&source);
    f.client.open();
    QVERIFY(f.client.isWaitingForNetwork());
    f.client.close();
    QCOMPARE(f.client.state(), SseClient::Closed);
    QVERIFY(!f.client.isWaitingForNetwork());
    QCOMPARE(f.closedSpy.size(), 1);
    source.setNetwork(SseReachability::NetworkOnline);
    QTest::qWait(Quiet);
    QCOMPARE(f.server.connectionCount(), 0);
    QCOMPARE(f.client.state(), SseClient::Closed);
}

// A source the application deletes says nothing more: the client stops waiting for it.
void tst_SseClientNetwork::sourceDestroyedWhileWaiting()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::sse().chunked().holdOpen(); });
    auto source = std::make_unique<SseReachability>();
    source->setNetwork(SseReachability::NetworkOffline);
    f.client.setReachability(source.get());
    f.client.open();
    QVERIFY(f.client.isWaitingForNetwork());
    source.reset();
    TRY_COMPARE(f.openedSpy.size(), 1);
    QVERIFY(!f.client.isWaitingForNetwork());
    QCOMPARE(f.client.reachability(), nullptr);
    f.client.close();
}

// The client in a worker thread, its source in the main thread (as the system's is): the news
// crosses threads queued.
void tst_SseClientNetwork::sourceInAnotherThread()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &) { return Response::sse().chunked().holdOpen(); });
    SseReachability source;
    source.setNetwork(SseReachability::NetworkOffline);
    QThread worker;
    worker.start();
    auto *client = new SseClient;
    configure(*client, server.url(u"/events"_s));
    client->setReachability(&source);
    QAtomicInt waiting = -1;
    connect(
            client, &SseClient::waitingForNetworkChanged, client,
            [&waiting](bool w) { waiting.storeRelease(w); }, Qt::DirectConnection);
    client->moveToThread(&worker);
    client->open(); // queued to the worker
    QTRY_COMPARE_WITH_TIMEOUT(waiting.loadAcquire(), 1, Timeout);
    QTest::qWait(Quiet);
    QCOMPARE(server.connectionCount(), 0);
    source.setNetwork(SseReachability::NetworkOnline);
    TRY_COMPARE(server.requestCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(waiting.loadAcquire(), 0, Timeout);
    QMetaObject::invokeMethod(
            client, [client] { delete client; }, Qt::BlockingQueuedConnection);
    worker.quit();
    QVERIFY(worker.wait(Timeout));
}

// Six streams take the origin's connections (one pooled manager): a seventh client waits in the
// pool's queue. Paused there, it must not send its request when a slot frees up, and it sends
// it when the application returns.
void tst_SseClientNetwork::pausedWhileQueuedForASlot()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &) { return Response::sse().chunked().holdOpen(); });
    const int maxManagers = SseConnectionPool::maxManagers();
    const auto restore =
            qScopeGuard([maxManagers] { SseConnectionPool::setMaxManagers(maxManagers); });
    SseConnectionPool::setMaxManagers(1);
    std::vector<std::unique_ptr<SseClient>> busy;
    for (int i = 0; i < 6; ++i) {
        busy.push_back(std::make_unique<SseClient>());
        configure(*busy.back(), server.url(u"/busy"_s));
        busy.back()->open();
    }
    TRY_COMPARE(server.requestCount(), 6);
    SseReachability source;
    SseClient client;
    configure(client, server.url(u"/queued"_s));
    client.setReachability(&source);
    client.setPauseWhenSuspended(true);
    client.open();
    QVERIFY(client.isWaitingForConnection());
    source.setApplicationSuspended(true);
    QVERIFY(client.isPaused());
    QVERIFY(!client.isWaitingForConnection()); // out of the queue
    busy.front()->close(); // a slot frees up: not for a paused client
    QTest::qWait(Quiet);
    QCOMPARE(server.requestCount(), 6);
    QVERIFY(client.isPaused());
    source.setApplicationSuspended(false);
    TRY_COMPARE(client.state(), SseClient::Open);
    QCOMPARE(server.requestCount(), 7);
    QCOMPARE(server.requests().last().target, QByteArray("/queued"));
}

// A client paused while its request is in flight gives its connection back: another client of
// the origin, queued behind the six, gets it.
void tst_SseClientNetwork::pausedLeavesItsSlot()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &request) {
        return request.target == "/silent" ? Response::silent()
                                           : Response::sse().chunked().holdOpen();
    });
    const int maxManagers = SseConnectionPool::maxManagers();
    const auto restore =
            qScopeGuard([maxManagers] { SseConnectionPool::setMaxManagers(maxManagers); });
    SseConnectionPool::setMaxManagers(1);
    SseReachability source;
    SseClient paused;
    configure(paused, server.url(u"/silent"_s)); // Connecting: no answer
    paused.setReachability(&source);
    paused.setPauseWhenSuspended(true);
    paused.open();
    std::vector<std::unique_ptr<SseClient>> others;
    for (int i = 0; i < 6; ++i) {
        others.push_back(std::make_unique<SseClient>());
        configure(*others.back(), server.url(u"/other"_s));
        others.back()->open();
    }
    TRY_COMPARE(server.requestCount(), 6); // the paused one's and five others'
    QVERIFY(others.back()->isWaitingForConnection());
    source.setApplicationSuspended(true);
    QVERIFY(paused.isPaused());
    TRY_COMPARE(others.back()->state(), SseClient::Open);
    QCOMPARE(server.requestCount(), 7);
}

QTEST_MAIN(tst_SseClientNetwork)
#include "tst_sseclient_network.moc"
