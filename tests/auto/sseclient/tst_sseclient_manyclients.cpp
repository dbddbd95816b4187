// SPDX-License-Identifier: BSD-3-Clause
// Many SseClients at once: each gets its own stream, and the connection pool shares managers
// (at most 6 HTTP/1.1 streams each) and releases them once idle.
#include "sseclienttest.h"

#include <QtSse/SseConnectionPool>

#include <QtCore/qhash.h>
#include <QtNetwork/qnetworkaccessmanager.h>

#include <memory>
#include <vector>

class tst_SseClientManyClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 19. many clients
    void manyClients();
};

// ---- 19. many clients -----------------------------------------------------------------------

void tst_SseClientManyClients::manyClients()
{
    constexpr int count = 20;
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &r) {
        return Response::sse()
                .send("data: 1 " + r.target + "\n\ndata: 2\n\n")
                .pause(10)
                .send("data: 3\n\n")
                .holdOpen();
    });

    std::vector<std::unique_ptr<SseClient>> clients;
    std::vector<QStringList> received(count);
    int total = 0;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<SseClient>();
        configure(*client, server.url(u"/events?client=%1"_s.arg(i)));
        connect(client.get(), &SseClient::eventReceived, this, [&, i](const SseEvent &e) {
            received[i].append(e.data());
            ++total;
        });
        QCOMPARE(client->networkAccessManager(), nullptr); // none until a request is sent
        clients.push_back(std::move(client));
    }
    for (auto &client : clients)
        client->open();
    TRY_COMPARE(total, 3 * count);
    // The pool: at most 6 HTTP/1.1 streams per manager (Qt queues a 7th silently), no more
    // managers than needed.
    QHash<QNetworkAccessManager *, int> streamsPerManager;
    for (auto &client : clients)
        ++streamsPerManager[client->networkAccessManager()];
    QCOMPARE(streamsPerManager.size(), (count + 5) / 6);
    QCOMPARE(SseConnectionPool::managerCount(), (count + 5) / 6);
    for (int streams : std::as_const(streamsPerManager))
        QVERIFY2(streams <= 6, QByteArray::number(streams));
    for (int i = 0; i < count; ++i) {
        QCOMPARE(received[i], QStringList({u"1 /events?client=%1"_s.arg(i), u"2"_s, u"3"_s}));
        QCOMPARE(clients[i]->state(), SseClient::Open);
    }
    QCOMPARE(server.requestCount(), count);
    QCOMPARE(server.openConnections(), count);
    for (auto &client : clients)
        client->close();
    TRY_COMPARE(server.openConnections(), 0);
    TRY_COMPARE(SseConnectionPool::managerCount(), 0); // released once idle
}

QTEST_MAIN(tst_SseClientManyClients)
#include "tst_sseclient_manyclients.moc"
