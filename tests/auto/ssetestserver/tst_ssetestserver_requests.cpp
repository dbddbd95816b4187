// SPDX-License-Identifier: BSD-3-Clause
// How SseTestServer reads requests: what it records, a request in pieces, a chunked request
// body, and a malformed request.
#include "ssetestservertest.h"

class tst_SseTestServerRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsRequest();
    void requestInPieces();
    void chunkedRequestBody_data();
    void chunkedRequestBody();
    void malformedRequest();

private:
    QNetworkAccessManager nam;
};

void tst_SseTestServerRequests::recordsRequest()
{
    SseTestServer server;
    QVERIFY(server.listen());
    QSignalSpy received(&server, &SseTestServer::requestReceived);
    server.enqueue(Response::status(200, "ok"));

    QNetworkRequest request(server.url(u"/stream?x=1&y=%20"_s));
    request.setRawHeader("Last-Event-ID", "7");
    request.setRawHeader("X-Custom", "a b");
    request.setHeader(QNetworkRequest::ContentTypeHeader, "text/plain"_ba);
    Fetch fetch(nam, request, "POST", "hello body");
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.received, "ok");

    QCOMPARE(received.count(), 1);
    const auto fromSignal = received.first().first().value<SseTestServer::Request>();
    QCOMPARE(server.requestCount(), 1);
    const SseTestServer::Request r = server.requests().first();
    QCOMPARE(fromSignal.target, r.target);
    QCOMPARE(r.method, "POST");
    QCOMPARE(r.target, "/stream?x=1&y=%20");
    QCOMPARE(r.version, "HTTP/1.1");
    QCOMPARE(r.body, "hello body");
    QCOMPARE(r.connection, 0);
    QCOMPARE(r.header("last-event-id"), "7");
    QCOMPARE(r.header("X-CUSTOM"), "a b");
    QCOMPARE(r.header("Content-Length"), "10");
    QCOMPARE(r.header("Host"), "127.0.0.1:" + QByteArray::number(server.port()));
    QVERIFY(r.hasHeader("x-custom"));
    QVERIFY(!r.hasHeader("X-Absent"));
    QVERIFY(r.header("X-Absent").isNull());
    QVERIFY(r.headers.contains(qMakePair("Last-Event-ID"_ba, "7"_ba))); // names as sent
}

void tst_SseTestServerRequests::requestInPieces()
{
    SseTestServer server;
    QVERIFY(server.listen());
    QSignalSpy received(&server, &SseTestServer::requestReceived);
    server.enqueue(Response::status(200, "ok"));
    RawClient client(server);
    client.write("PUT /p HTTP/1.1\r\nHost: x\r\nContent-Le");
    client.write("ngth: 6\r\n\r");
    QTest::qWait(20); // split only; the server must wait for the rest
    QCOMPARE(server.requestCount(), 0);
    client.write("\nabc");
    QTest::qWait(20);
    QCOMPARE(server.requestCount(), 0);
    client.write("def");
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, Timeout);
    QCOMPARE(server.requests().first().body, "abcdef");
    QCOMPARE(server.requests().first().method, "PUT");
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QVERIFY(client.received.startsWith("HTTP/1.1 200 OK\r\n"));
    QVERIFY(client.received.endsWith("\r\n\r\nok"));
}

void tst_SseTestServerRequests::chunkedRequestBody_data()
{
    QTest::addColumn<int>("piece");
    QTest::newRow("one write") << 0;
    QTest::newRow("7-byte writes") << 7;
}

void tst_SseTestServerRequests::chunkedRequestBody()
{
    QFETCH(int, piece);
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(204, {}, {}));
    RawClient client(server);
    client.write("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5;ext=1\r\nhello\r\nA\r\n world!!!!\r\n0\r\nX-Trailer: t\r\n\r\n",
                 piece);
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(server.requests().first().body, "hello world!!!!");
    QVERIFY(client.received.startsWith("HTTP/1.1 204 No Content\r\n"));
}

void tst_SseTestServerRequests::malformedRequest()
{
    SseTestServer server;
    QVERIFY(server.listen());
    RawClient client(server);
    client.write("garbage\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QVERIFY(client.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    QCOMPARE(server.requestCount(), 0);
}

QTEST_MAIN(tst_SseTestServerRequests)
#include "tst_ssetestserver_requests.moc"
