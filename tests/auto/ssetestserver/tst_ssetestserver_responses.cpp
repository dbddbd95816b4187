// SPDX-License-Identifier: BSD-3-Clause
// The bytes SseTestServer writes: the SSE head and header editing, status and raw responses,
// a chunked body, and writes split into pieces.
#include "ssetestservertest.h"

class tst_SseTestServerResponses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sseHead();
    void headerEditing();
    void statusAndDefault404();
    void rawResponse();
    void sseOverQnam();
    void chunkedResponse();
    void splitWrites();
    void headSlowly();

private:
    QNetworkAccessManager nam;
};

void tst_SseTestServerResponses::sseHead()
{
    SseTestServer server;
    QVERIFY(server.listen());
    QCOMPARE(server.address(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(server.url(u"/s?x=1"_s), QUrl(u"http://127.0.0.1:%1/s?x=1"_s.arg(server.port())));
    server.enqueue(Response::sse().send("data: a\n\n").send("data: b\n\n"));

    RawClient client(server);
    client.write(getRequest());
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
    QCOMPARE(client.received, head + "data: a\n\ndata: b\n\n");
    QCOMPARE(server.writes(0), (QList<QByteArray> {head, "data: a\n\n", "data: b\n\n"}));
    QCOMPARE(server.written(0), client.received);
    QCOMPARE(server.connectionCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, Timeout);
}

void tst_SseTestServerResponses::headerEditing()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse(201)
                           .header("X-A", "1")
                           .header("content-type", "text/plain")
                           .removeHeader("CACHE-CONTROL")
                           .header("X-A", "2"));
    RawClient client(server);
    client.write(getRequest());
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QCOMPARE(client.received,
             "HTTP/1.1 201 Created\r\ncontent-type: text/plain\r\nConnection: close\r\n"
             "X-A: 2\r\n\r\n");
}

void tst_SseTestServerResponses::statusAndDefault404()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(503, "busy"));
    Fetch busy(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(busy.finished, Timeout);
    QCOMPARE(busy.status(), 503);
    QCOMPARE(busy.reply->error(), QNetworkReply::ServiceUnavailableError);
    QCOMPARE(busy.received, "busy");
    QCOMPARE(busy.reply->rawHeader("Content-Length"), "4");
    QCOMPARE(busy.reply->rawHeader("Content-Type"), "text/plain");

    Fetch missing(nam, QNetworkRequest(server.url(u"/nothing"_s)));
    QTRY_VERIFY_WITH_TIMEOUT(missing.finished, Timeout);
    QCOMPARE(missing.status(), 404);
    QCOMPARE(missing.reply->error(), QNetworkReply::ContentNotFoundError);
    QCOMPARE(server.requestCount(), 2);
}

void tst_SseTestServerResponses::rawResponse()
{
    SseTestServer server;
    QVERIFY(server.listen());
    const QByteArray bytes = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Raw: yes\r\n\r\nabc";
    server.enqueue(Response::raw(bytes));
    server.enqueue(Response::raw(bytes));
    RawClient client(server);
    client.write(getRequest());
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QCOMPARE(client.received, bytes);

    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "abc");
    QCOMPARE(fetch.reply->rawHeader("X-Raw"), "yes");
}

void tst_SseTestServerResponses::sseOverQnam()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("data: a\n\n").send("data: b\n\n"));
    Fetch fetch(nam, QNetworkRequest(server.url(u"/events"_s)));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.status(), 200);
    QCOMPARE(fetch.reply->header(QNetworkRequest::ContentTypeHeader).toString(),
             u"text/event-stream"_s);
    QCOMPARE(fetch.received, "data: a\n\ndata: b\n\n");
    QCOMPARE(server.requests().first().target, "/events");
}

void tst_SseTestServerResponses::chunkedResponse()
{
    SseTestServer server;
    QVERIFY(server.listen());
    const Response response = Response::sse().chunked().send("data: a\n\n").send("").send("xyz");
    server.enqueue(response);
    server.enqueue(response);
    RawClient client(server);
    client.write(getRequest());
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QVERIFY(client.received.contains("\r\nTransfer-Encoding: chunked\r\n"));
    QVERIFY(client.received.endsWith("\r\n\r\n9\r\ndata: a\n\n\r\n3\r\nxyz\r\n0\r\n\r\n"));

    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "data: a\n\nxyz");
}

void tst_SseTestServerResponses::splitWrites()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().sendSlowly("data: hello\n\n", 3, 40));
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "data: hello\n\n");
    const QList<QByteArray> writes = server.writes(0);
    QCOMPARE(writes.mid(1), (QList<QByteArray> {"dat", "a: ", "hel", "lo\n", "\n"}));
    QVERIFY2(fetch.readyReads >= 2, QByteArray::number(fetch.readyReads)); // 160 ms in 5 writes
}

void tst_SseTestServerResponses::headSlowly()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().headSlowly(1).send("data: x\n\n"));
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::NoError);
    QCOMPARE(fetch.received, "data: x\n\n");
    const QList<QByteArray> writes = server.writes(0);
    QCOMPARE(writes.last(), "data: x\n\n");
    QCOMPARE(writes.size(), server.written(0).indexOf("\r\n\r\n") + 4 + 1);
    for (qsizetype i = 0; i + 1 < writes.size(); ++i)
        QCOMPARE(writes[i].size(), 1);
}

QTEST_MAIN(tst_SseTestServerResponses)
#include "tst_ssetestserver_responses.moc"
