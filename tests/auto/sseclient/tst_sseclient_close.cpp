// SPDX-License-Identifier: BSD-3-Clause
// SseClient's close(), deletion and reconnectNow() in each state: nothing follows, no request,
// no open connection.
#include "sseclienttest.h"

#include <QtCore/qthread.h>

class tst_SseClientClose : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 15. close, delete, reconnectNow
    void closeInState_data();
    void closeInState();
    void deleteInState_data();
    void deleteInState();
    void reconnectNowWhileReconnecting();
    void reconnectNowWhileOpen();
    void callsFromAnotherThread();
};

// ---- 15. close, delete, reconnectNow --------------------------------------------------------

// Brings a client (configured, not yet open) to "Connecting", "Open" or "Reconnecting" with a
// server that would go on (send more events, answer a retry) if the client let it.
static void driveTo(SseClient *client, SseTestServer *server, const QString &state)
{
    if (state == "Connecting"_L1) {
        server->enqueue(Response::silent());
        client->open();
        TRY_COMPARE(server->requestCount(), 1);
        QCOMPARE(client->state(), SseClient::Connecting);
    } else if (state == "Open"_L1) {
        server->enqueue(Response::sse()
                                .chunked()
                                .send("data: a\n\n")
                                .pause(50)
                                .send("data: b\n\n")
                                .pause(50)
                                .send("data: c\n\n"));
        QSignalSpy eventSpy(client, &SseClient::eventReceived);
        client->open();
        QVERIFY(eventSpy.wait(Timeout));
        QCOMPARE(client->state(), SseClient::Open);
    } else {
        client->setReconnectionTime(100);
        server->enqueue(Response::status(503, "busy"));
        QSignalSpy scheduledSpy(client, &SseClient::reconnectScheduled);
        client->open();
        QVERIFY(scheduledSpy.wait(Timeout));
        QCOMPARE(client->state(), SseClient::Reconnecting);
    }
    server->setHandler([](const Request &) { return endingStream("data: more\n\n"); });
}

void tst_SseClientClose::closeInState_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QStringList>("closeSignals");

    QTest::newRow("Connecting") << u"Connecting"_s
                                << QStringList({u"stateChanged:Closed"_s, u"closed"_s});
    QTest::newRow("Open") << u"Open"_s << QStringList({u"stateChanged:Closed"_s, u"closed"_s});
    QTest::newRow("Reconnecting") << u"Reconnecting"_s
                                  << QStringList({u"nextRetryTimeChanged"_s,
                                                  u"stateChanged:Closed"_s, u"closed"_s});
}

void tst_SseClientClose::closeInState()
{
    QFETCH(QString, state);
    QFETCH(QStringList, closeSignals);

    SseTestServer server;
    QVERIFY(server.listen());
    SseClient client;
    configure(client, server.url(u"/events"_s));
    SignalLog log(&client);
    driveTo(&client, &server, state);
    if (QTest::currentTestFailed())
        return;

    const int requests = server.requestCount();
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    log.names.clear();
    client.close();
    QCOMPARE(log.names, closeSignals);
    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(client.readyState(), SseClient::CLOSED);
    QVERIFY(!client.nextRetryTime().isValid());

    log.names.clear();
    QVERIFY(!requestSpy.wait(Quiet)); // past the retry delay and the server's next events
    TRY_COMPARE(server.openConnections(), 0); // the request or stream was aborted
    QCOMPARE(log.names, QStringList());
    QCOMPARE(server.requestCount(), requests);

    client.close(); // again: nothing
    QCOMPARE(log.names, QStringList());
}

void tst_SseClientClose::deleteInState_data()
{
    QTest::addColumn<QString>("state");
    QTest::newRow("Connecting") << u"Connecting"_s;
    QTest::newRow("Open") << u"Open"_s;
    QTest::newRow("Reconnecting") << u"Reconnecting"_s;
}

void tst_SseClientClose::deleteInState()
{
    QFETCH(QString, state);

    SseTestServer server;
    QVERIFY(server.listen());
    auto *client = new SseClient;
    configure(*client, server.url(u"/events"_s));
    driveTo(client, &server, state);
    if (QTest::currentTestFailed()) {
        delete client;
        return;
    }
    const int requests = server.requestCount();
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    delete client;
    QVERIFY(!requestSpy.wait(Quiet));
    TRY_COMPARE(server.openConnections(), 0);
    QCOMPARE(server.requestCount(), requests);
}

void tst_SseClientClose::reconnectNowWhileReconnecting()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::sse().holdOpen());

    f.client.setReconnectionTime(60000); // far beyond the test's patience
    f.client.open();
    QVERIFY(f.scheduledSpy.wait(Timeout));
    QCOMPARE(f.scheduledSpy.at(0).at(1).toInt(), 60000);
    QCOMPARE(f.client.state(), SseClient::Reconnecting);
    f.client.reconnectNow();
    QCOMPARE(f.client.state(), SseClient::Connecting);
    QVERIFY(!f.client.nextRetryTime().isValid());
    QVERIFY(f.openedSpy.wait(Timeout));
    QCOMPARE(f.server.requestCount(), 2);
    QCOMPARE(f.scheduledSpy.size(), 1);
    f.client.close();
}

void tst_SseClientClose::reconnectNowWhileOpen()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().send("id: 5\ndata: a\n\n").holdOpen());
    f.server.enqueue(Response::sse().send("data: b\n\n").holdOpen());

    QSignalSpy disconnectedSpy(&f.client, &SseClient::disconnected);
    QSignalSpy closedConnections(&f.server, &SseTestServer::connectionClosed);
    f.client.open();
    QVERIFY(f.eventSpy.wait(Timeout));
    f.client.reconnectNow();
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(f.client.state(), SseClient::Connecting);
    TRY_COMPARE(f.eventSpy.size(), 2);
    QCOMPARE(dataOf(f.eventSpy), QStringList({u"a"_s, u"b"_s}));
    QCOMPARE(f.server.requestCount(), 2);
    QCOMPARE(f.server.requests().at(1).header("Last-Event-ID"), "5");
    QCOMPARE(f.scheduledSpy.size(), 0);
    TRY_VERIFY(!closedConnections.isEmpty());
    QCOMPARE(closedConnections.at(0).at(0).toInt(), 0); // the first stream was ended
    QCOMPARE(f.client.state(), SseClient::Open);
    f.client.close();
}

// open(), reconnectNow() and close() from a thread that is not the client's are queued to the
// client's thread (where its reply and timers live): no "Timers cannot be started from another
// thread", no race; they take effect there, in order.
void tst_SseClientClose::callsFromAnotherThread()
{
    QTest::failOnWarning(QRegularExpression(u"[Tt]hread"_s));
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::sse().holdOpen(); });
    const auto fromWorker = [](const std::function<void()> &call) {
        std::unique_ptr<QThread> worker(QThread::create(call));
        worker->start();
        QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), Timeout); // the client's loop runs
        worker->wait();
    };
    fromWorker([&] { f.client.open(); });
    TRY_COMPARE(f.client.state(), SseClient::Open);
    fromWorker([&] { f.client.reconnectNow(); });
    TRY_COMPARE(f.server.requestCount(), 2);
    TRY_COMPARE(f.client.state(), SseClient::Open);
    fromWorker([&] { f.client.close(); });
    TRY_COMPARE(f.client.state(), SseClient::Closed);
    QCOMPARE(f.closedSpy.size(), 1);
    // Queued in the order called: an open() and a close() from the same thread end Closed.
    fromWorker([&] {
        f.client.open();
        f.client.close();
    });
    TRY_COMPARE(f.closedSpy.size(), 2);
    QCOMPARE(f.client.state(), SseClient::Closed);
}

QTEST_MAIN(tst_SseClientClose)
#include "tst_sseclient_close.moc"
