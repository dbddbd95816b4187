// SPDX-License-Identifier: BSD-3-Clause
// Which response SseTestServer gives: redirects (to itself and to a second host), the queue
// before the handler, and a response queued from requestReceived.
#include "ssetestservertest.h"

class tst_SseTestServerRouting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redirectSameServer();
    void redirectToSecondHost();
    void queueThenHandler();
    void enqueueFromRequestReceived();

private:
    QNetworkAccessManager nam;
};

void tst_SseTestServerRouting::redirectSameServer()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(302, "/next?y=2"));
    server.enqueue(Response::sse().send("data: here\n\n"));
    Fetch fetch(nam, QNetworkRequest(server.url(u"/start"_s)));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "data: here\n\n");
    QCOMPARE(fetch.reply->url(), server.url(u"/next?y=2"_s));
    const QList<SseTestServer::Request> requests = server.requests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests[0].target, "/start");
    QCOMPARE(requests[1].target, "/next?y=2");
    QCOMPARE(requests[0].connection, 0);
    QCOMPARE(requests[1].connection, 1); // Connection: close → a new connection per request
}

void tst_SseTestServerRouting::redirectToSecondHost()
{
    SseTestServer first;
    SseTestServer second;
    QVERIFY(first.listen());
    if (!second.listen(QHostAddress(u"127.0.0.2"_s)))
        QSKIP("127.0.0.2 is not a loopback address here");
    QCOMPARE(second.url().host(), u"127.0.0.2"_s);
    first.enqueue(Response::redirect(307, second.url(u"/b"_s).toEncoded()));
    second.enqueue(Response::sse().send("data: two\n\n"));

    QNetworkRequest request(first.url(u"/a"_s));
    request.setRawHeader("Authorization", "Bearer t");
    request.setRawHeader("X-Custom", "c");
    Fetch fetch(nam, request);
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "data: two\n\n");
    QCOMPARE(first.requestCount(), 1);
    QCOMPARE(second.requestCount(), 1);
    const SseTestServer::Request r = second.requests().first();
    QCOMPARE(r.target, "/b");
    QCOMPARE(r.header("Host"), "127.0.0.2:" + QByteArray::number(second.port()));
    // Qt 6.4 forwards these to another origin (see notes/qt64-network-facts.md, 6.).
    QCOMPARE(r.header("Authorization"), "Bearer t");
    QCOMPARE(r.header("X-Custom"), "c");
}

void tst_SseTestServerRouting::queueThenHandler()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(201));
    server.enqueue(Response::status(202));
    server.setHandler(
            [](const SseTestServer::Request &r) { return Response::status(203, r.target); });
    const QList<int> expected = {201, 202, 203, 203};
    for (int expectedStatus : expected) {
        Fetch fetch(nam, QNetworkRequest(server.url(u"/h"_s)));
        QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
        QCOMPARE(fetch.status(), expectedStatus);
        if (expectedStatus == 203)
            QCOMPARE(fetch.received, "/h");
    }
    server.setHandler({});
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.status(), 404);
}

void tst_SseTestServerRouting::enqueueFromRequestReceived()
{
    SseTestServer server;
    QVERIFY(server.listen());
    connect(&server, &SseTestServer::requestReceived, this,
            [&server](const SseTestServer::Request &r) {
                server.enqueue(Response::status(200, "for " + r.target));
            });
    Fetch fetch(nam, QNetworkRequest(server.url(u"/late"_s)));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.received, "for /late");
}

QTEST_MAIN(tst_SseTestServerRouting)
#include "tst_ssetestserver_routing.moc"
