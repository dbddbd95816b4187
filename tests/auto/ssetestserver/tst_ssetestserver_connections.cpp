// SPDX-License-Identifier: BSD-3-Clause
// How SseTestServer ends responses and handles connections: close or abort, silence, held open
// until closed, several at once, no longer listening, dropped before a response.
#include "ssetestservertest.h"

#include <algorithm>
#include <vector>

class tst_SseTestServerConnections : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endOfStream_data();
    void endOfStream();
    void silence();
    void holdOpenUntilClosed();
    void concurrentConnections();
    void stopListening();
    void dropBeforeResponse();

private:
    QNetworkAccessManager nam;
};

void tst_SseTestServerConnections::endOfStream_data()
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

void tst_SseTestServerConnections::endOfStream()
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

void tst_SseTestServerConnections::silence()
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

void tst_SseTestServerConnections::holdOpenUntilClosed()
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

void tst_SseTestServerConnections::concurrentConnections()
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

void tst_SseTestServerConnections::stopListening()
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

void tst_SseTestServerConnections::dropBeforeResponse()
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

QTEST_MAIN(tst_SseTestServerConnections)
#include "tst_ssetestserver_connections.moc"
