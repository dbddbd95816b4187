// SPDX-License-Identifier: BSD-3-Clause
// Self-test of SseTestServer against a plain QTcpSocket and a plain QNetworkAccessManager.
#include "ssetestserver.h"

#include <QtCore/qbuffer.h>
#include <QtCore/qpointer.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;

Q_DECLARE_METATYPE(SseTestServer::Response)

static constexpr int Timeout = 15000; // generous: the suite must pass on a loaded machine

// A raw TCP client: connects, writes the request (optionally in pieces, each in its own event
// loop turn), and collects everything until the server closes.
class RawClient : public QObject
{
public:
    explicit RawClient(const SseTestServer &server)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] {
            received += socket.readAll();
            closed = true;
        });
        socket.connectToHost(server.address(), server.port());
        if (!QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; },
                             Timeout))
            qWarning("RawClient: not connected");
    }
    ~RawClient() override { socket.disconnect(this); } // ~QAbstractSocket emits disconnected
    void write(const QByteArray &bytes, int piece = 0)
    {
        for (qsizetype i = 0; i<bytes.size(); i += piece> 0 ? piece : bytes.size()) {
            if (i > 0)
                QTest::qWait(5); // only to split the bytes into separate TCP segments
            socket.write(bytes.mid(i, piece > 0 ? piece : bytes.size()));
            socket.flush();
        }
    }
    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

// A QNetworkReply with its body collected as it arrives.
struct Fetch
{
    Fetch(QNetworkAccessManager &nam, const QNetworkRequest &request,
          const QByteArray &verb = "GET", const QByteArray &body = {})
        : reply(nam.sendCustomRequest(request, verb, body))
    {
        QObject::connect(reply.get(), &QNetworkReply::readyRead, reply.get(), [this] {
            ++readyReads;
            received += reply->readAll();
        });
        QObject::connect(reply.get(), &QNetworkReply::finished, reply.get(), [this] {
            if (reply->isOpen()) // not after abort() or a timeout
                received += reply->readAll();
            finished = true;
        });
    }
    int status() const
    {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    QByteArray received;
    int readyReads = 0;
    bool finished = false;
    std::unique_ptr<QNetworkReply> reply; // last: destroyed first
};

static QByteArray getRequest(const QByteArray &target = "/")
{
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

class tst_SseTestServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sseHead();
    void headerEditing();
    void statusAndDefault404();
    void rawResponse();
    void recordsRequest();
    void requestInPieces();
    void chunkedRequestBody_data();
    void chunkedRequestBody();
    void malformedRequest();
    void sseOverQnam();
    void chunkedResponse();
    void splitWrites();
    void headSlowly();
    void endOfStream_data();
    void endOfStream();
    void silence();
    void holdOpenUntilClosed();
    void redirectSameServer();
    void redirectToSecondHost();
    void queueThenHandler();
    void concurrentConnections();
    void stopListening();
    void clientClosesFirst();
    void deleteWithPendingSteps();
    void deleteInsideRequestReceived();
    void deleteInsideConnectionClosed();
    void enqueueFromRequestReceived();
    void dropBeforeResponse();

private:
    QNetworkAccessManager nam;
};

void tst_SseTestServer::sseHead()
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

void tst_SseTestServer::headerEditing()
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

void tst_SseTestServer::statusAndDefault404()
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

void tst_SseTestServer::rawResponse()
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

void tst_SseTestServer::recordsRequest()
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

void tst_SseTestServer::requestInPieces()
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

void tst_SseTestServer::chunkedRequestBody_data()
{
    QTest::addColumn<int>("piece");
    QTest::newRow("one write") << 0;
    QTest::newRow("7-byte writes") << 7;
}

void tst_SseTestServer::chunkedRequestBody()
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

void tst_SseTestServer::malformedRequest()
{
    SseTestServer server;
    QVERIFY(server.listen());
    RawClient client(server);
    client.write("garbage\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, Timeout);
    QVERIFY(client.received.startsWith("HTTP/1.1 400 Bad Request\r\n"));
    QCOMPARE(server.requestCount(), 0);
}

void tst_SseTestServer::sseOverQnam()
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

void tst_SseTestServer::chunkedResponse()
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

void tst_SseTestServer::splitWrites()
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

void tst_SseTestServer::headSlowly()
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

void tst_SseTestServer::endOfStream_data()
{
    QTest::addColumn<Response>("response");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QNetworkReply::NetworkError>("error");

    const Response plain = Response::sse().send("data: a\n\n").send("data: b");
    const Response chunked = Response::sse().chunked().send("data: a\n\n").send("data: b");
    // A close-delimited body cannot be told apart from a drop (FIN either way); without the
    // final chunk QNAM reports the drop.
    QTest::newRow("close-delimited, close")
            << Response(plain).close() << "data: a\n\ndata: b"_ba << QNetworkReply::NoError;
    QTest::newRow("close-delimited, abort")
            << Response(plain).abort() << "data: a\n\ndata: b"_ba << QNetworkReply::NoError;
    QTest::newRow("chunked, close")
            << Response(chunked).close() << "data: a\n\ndata: b"_ba << QNetworkReply::NoError;
    QTest::newRow("chunked, abort") << Response(chunked).abort() << "data: a\n\ndata: b"_ba
                                    << QNetworkReply::RemoteHostClosedError;
}

void tst_SseTestServer::endOfStream()
{
    QFETCH(Response, response);
    QFETCH(QByteArray, body);
    QFETCH(QNetworkReply::NetworkError, error);
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(response);
    QSignalSpy closed(&server, &SseTestServer::connectionClosed);
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.received, body);
    QCOMPARE(fetch.reply->error(), error);
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, Timeout);
    QCOMPARE(closed.first().first().toInt(), 0);
    QCOMPARE(server.openConnections(), 0);
}

void tst_SseTestServer::silence()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::silent());
    QNetworkRequest request(server.url());
    request.setTransferTimeout(500);
    Fetch fetch(nam, request);
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, Timeout);
    QCOMPARE(server.openConnections(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::OperationCanceledError);
    QVERIFY(fetch.received.isEmpty());
    QVERIFY(server.written(0).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, Timeout); // the client hung up
}

void tst_SseTestServer::holdOpenUntilClosed()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().chunked().send("data: x\n\n").holdOpen());
    QSignalSpy closed(&server, &SseTestServer::connectionClosed);
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_COMPARE_WITH_TIMEOUT(fetch.received, "data: x\n\n", Timeout);
    QVERIFY(!fetch.finished);
    QCOMPARE(server.openConnections(), 1);
    server.closeAllConnections();
    QCOMPARE(closed.count(), 1); // synchronous: abort() emits disconnected
    QCOMPARE(server.openConnections(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::RemoteHostClosedError);
}

void tst_SseTestServer::redirectSameServer()
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

void tst_SseTestServer::redirectToSecondHost()
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

void tst_SseTestServer::queueThenHandler()
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

void tst_SseTestServer::concurrentConnections()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const SseTestServer::Request &r) {
        return Response::sse().send("data: " + r.target + "\n\n").holdOpen();
    });
    QSignalSpy closed(&server, &SseTestServer::connectionClosed);
    std::vector<std::unique_ptr<Fetch>> fetches;
    for (int i = 0; i < 3; ++i)
        fetches.push_back(
                std::make_unique<Fetch>(nam, QNetworkRequest(server.url(u"/%1"_s.arg(i)))));
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 3, Timeout);
    QCOMPARE(server.openConnections(), 3);
    QCOMPARE(server.connectionCount(), 3);
    QList<int> indexes;
    for (const SseTestServer::Request &r : server.requests())
        indexes.append(r.connection);
    std::sort(indexes.begin(), indexes.end());
    QCOMPARE(indexes, (QList<int> {0, 1, 2}));
    for (int i = 0; i < 3; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(fetches[i]->received, "data: /" + QByteArray::number(i) + "\n\n",
                                  Timeout);

    server.closeAllConnections();
    QCOMPARE(closed.count(), 3);
    QCOMPARE(server.openConnections(), 0);
    for (const auto &fetch : fetches)
        QTRY_VERIFY_WITH_TIMEOUT(fetch->finished, Timeout);

    // Still listening.
    RawClient client(server);
    client.write(getRequest("/again"));
    QTRY_VERIFY_WITH_TIMEOUT(client.received.endsWith("data: /again\n\n"), Timeout);
    QCOMPARE(server.requests().last().connection, 3);
    QCOMPARE(server.openConnections(), 1);
}

void tst_SseTestServer::stopListening()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("data: held\n\n").holdOpen());
    Fetch held(nam, QNetworkRequest(server.url()));
    QTRY_COMPARE_WITH_TIMEOUT(held.received, "data: held\n\n", Timeout);

    const QHostAddress address = server.address();
    const quint16 port = server.port();
    server.stopListening();
    QTcpSocket refused;
    QSignalSpy error(&refused, &QTcpSocket::errorOccurred);
    refused.connectToHost(address, port);
    QTRY_COMPARE_WITH_TIMEOUT(error.count(), 1, Timeout);
    QCOMPARE(refused.error(), QAbstractSocket::ConnectionRefusedError);

    QCOMPARE(server.openConnections(), 1); // the accepted connection is unaffected
    QVERIFY(!held.finished);
    server.closeAllConnections();
    QTRY_VERIFY_WITH_TIMEOUT(held.finished, Timeout);
}

void tst_SseTestServer::clientClosesFirst()
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

void tst_SseTestServer::deleteWithPendingSteps()
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

void tst_SseTestServer::deleteInsideRequestReceived()
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

void tst_SseTestServer::deleteInsideConnectionClosed()
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

void tst_SseTestServer::enqueueFromRequestReceived()
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

void tst_SseTestServer::dropBeforeResponse()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const SseTestServer::Request &) { return Response::raw({}).abort(); });
    Fetch fetch(nam, QNetworkRequest(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(fetch.finished, Timeout);
    QCOMPARE(fetch.reply->error(), QNetworkReply::RemoteHostClosedError);
    // Qt 6.4 resends a request once when the connection closes before any response byte.
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.connectionCount(), 2);
}

QTEST_MAIN(tst_SseTestServer)
#include "tst_ssetestserver.moc"
