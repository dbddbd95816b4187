// SPDX-License-Identifier: BSD-3-Clause
// SseTestServer with steps still pending: the client closes first, the server is deleted, or
// deleted from its own requestReceived or connectionClosed signal.
#include "ssetestservertest.h"

#include <QtCore/qpointer.h>

class tst_SseTestServerLifetime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clientClosesFirst();
    void deleteWithPendingSteps();
    void deleteInsideRequestReceived();
    void deleteInsideConnectionClosed();

private:
    QNetworkAccessManager nam;
};

void tst_SseTestServerLifetime::clientClosesFirst()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("data: 1\n\n").pause(100).send("data: 2\n\n"));
    QSignalSpy closed(&server, &SseTestServer::connectionClosed);
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_COMPARE_WITH_TIMEOUT(fetch.received, "data: 1\n\n", Timeout);
    fetch.reply->abort();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, Timeout);
    QCOMPARE(server.openConnections(), 0);
    QTest::qWait(200); // let the pending step's timer come due: it must do nothing
    QCOMPARE(server.writes(0).size(), 2); // head + first event
}

void tst_SseTestServerLifetime::deleteWithPendingSteps()
{
    auto *server = new SseTestServer;
    QVERIFY(server->listen());
    server->enqueue(Response::sse().send("data: 1\n\n").pause(100).send("data: 2\n\n"));
    Fetch fetch(nam, QNetworkRequest(server->url()));
    QTRY_COMPARE_WITH_TIMEOUT(fetch.received, "data: 1\n\n", Timeout);
    delete server;
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.received, "data: 1\n\n");
    QTest::qWait(200); // the pending step's timer would be due now: it must not run
}

void tst_SseTestServerLifetime::deleteInsideRequestReceived()
{
    QPointer<SseTestServer> server = new SseTestServer;
    QVERIFY(server->listen());
    server->enqueue(Response::sse().send("data: never\n\n"));
    connect(server, &SseTestServer::requestReceived, this, [&server] { delete server; });
    Fetch fetch(nam, QNetworkRequest(server->url()));
    QTRY_VERIFY_WITH_TIMEOUT(server.isNull(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    // The connection closed before any response byte: QNAM resends the request once, and the
    // listening socket is gone by then.
    QCOMPARE(fetch.reply->error(), QNetworkReply::ConnectionRefusedError);
    QVERIFY(fetch.received.isEmpty());
}

void tst_SseTestServerLifetime::deleteInsideConnectionClosed()
{
    QPointer<SseTestServer> server = new SseTestServer;
    QVERIFY(server->listen());
    server->enqueue(Response::sse().send("data: a\n\n"));
    connect(server, &SseTestServer::connectionClosed, this, [&server] { delete server; });
    Fetch fetch(nam, QNetworkRequest(server->url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(server.isNull(), Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "data: a\n\n");
}

QTEST_MAIN(tst_SseTestServerLifetime)
#include "tst_ssetestserver_lifetime.moc"
