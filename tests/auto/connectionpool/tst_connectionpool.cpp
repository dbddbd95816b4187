// SPDX-License-Identifier: BSD-3-Clause
// SseConnectionPool against the in-process server: how streams share managers, and how a stream
// that cannot have a connection waits visibly instead of stalling inside Qt.
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseConnectionPool>

#include <QtCore/qhash.h>
#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using Clients = std::vector<std::unique_ptr<SseClient>>;

static constexpr int Timeout = 20000; // generous: the suite must pass on a loaded machine
#define TRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, Timeout)

class tst_ConnectionPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void sharesManagers_data();
    void sharesManagers();
    void waitsAtMaxManagers();
    void applicationManagerWaits();
    void closeAndDeleteWhileWaiting();
    void protocolAndTlsSplitThePool_data();
    void protocolAndTlsSplitThePool();
    void redirectKeepsItsSlot();
    void priorKnowledgeAgainstHttp1Server();
    void workerThreadPoolEndsWithThread();

private:
    // Streams that stay open; each request's target is echoed as the first event's data.
    void serveEndless()
    {
        m_server->setHandler([](const SseTestServer::Request &r) {
            return Response::sse().chunked().send("data: " + r.target + "\n\n").holdOpen();
        });
    }
    Clients makeClients(int count, const QString &path = u"/s"_s)
    {
        Clients clients;
        for (int i = 0; i < count; ++i) {
            auto client = std::make_unique<SseClient>(m_server->url(path + u"?n=%1"_s.arg(i)));
            client->setReconnectionTime(50);
            clients.push_back(std::move(client));
        }
        return clients;
    }
    static int countIn(const Clients &clients, SseClient::State state, bool waiting = false)
    {
        int n = 0;
        for (const auto &c : clients)
            n += c && c->state() == state && c->isWaitingForConnection() == waiting;
        return n;
    }
    std::unique_ptr<SseTestServer> m_server; // a fresh one per test
};

void tst_ConnectionPool::init()
{
    m_server = std::make_unique<SseTestServer>();
    QVERIFY(m_server->listen());
    serveEndless();
}

void tst_ConnectionPool::cleanup()
{
    SseConnectionPool::setMaxManagers(4096);
    // Every test leaves the pool empty: idle managers are deleted, and the pool with them.
    TRY_COMPARE(SseConnectionPool::managerCount(), 0);
    QCOMPARE(SseConnectionPool::streamCount(), 0);
    QCOMPARE(SseConnectionPool::waitingCount(), 0);
    m_server.reset();
}

void tst_ConnectionPool::sharesManagers_data()
{
    QTest::addColumn<int>("streams");
    for (int n : {1, 6, 7, 13, 40})
        QTest::addRow("%d streams", n) << n;
}

void tst_ConnectionPool::sharesManagers()
{
    QFETCH(int, streams);
    Clients clients = makeClients(streams);
    for (auto &c : clients)
        c->open();
    TRY_COMPARE(countIn(clients, SseClient::Open), streams);
    QCOMPARE(m_server->openConnections(), streams);
    QCOMPARE(SseConnectionPool::managerCount(), (streams + 5) / 6);
    QCOMPARE(SseConnectionPool::streamCount(), streams);
    QHash<QNetworkAccessManager *, int> perManager;
    for (auto &c : clients)
        ++perManager[c->networkAccessManager()];
    QCOMPARE(perManager.size(), (streams + 5) / 6);
    for (int n : std::as_const(perManager))
        QVERIFY2(n <= 6, QByteArray::number(n));
    clients.clear();
}

void tst_ConnectionPool::waitsAtMaxManagers()
{
    SseConnectionPool::setMaxManagers(2); // 12 HTTP/1.1 streams
    Clients clients = makeClients(15);
    std::vector<std::unique_ptr<QSignalSpy>> waitingSpies;
    for (auto &c : clients) {
        c->setConnectTimeout(300); // runs only once a request is sent
        waitingSpies.push_back(
                std::make_unique<QSignalSpy>(c.get(), &SseClient::waitingForConnectionChanged));
        c->open();
    }
    TRY_COMPARE(countIn(clients, SseClient::Open), 12);
    QCOMPARE(countIn(clients, SseClient::Connecting, true), 3);
    QCOMPARE(SseConnectionPool::waitingCount(), 3);
    QCOMPARE(SseConnectionPool::managerCount(), 2);
    QCOMPARE(m_server->requestCount(), 12);
    for (int i = 12; i < 15; ++i) {
        QVERIFY(clients[i]->isWaitingForConnection());
        QCOMPARE(clients[i]->networkAccessManager(), nullptr);
        QCOMPARE(waitingSpies[i]->size(), 1);
        QCOMPARE(waitingSpies[i]->at(0).at(0).toBool(), true);
    }
    // Waiting is not connecting: the connect timeout does not run.
    QSignalSpy errors(clients[12].get(), &SseClient::errorOccurred);
    QVERIFY(!errors.wait(900));

    // Slots free up: the longest waiting streams go first.
    clients[0]->close();
    clients[5]->close();
    TRY_COMPARE(countIn(clients, SseClient::Open), 12);
    QCOMPARE(clients[12]->state(), SseClient::Open);
    QCOMPARE(clients[13]->state(), SseClient::Open);
    QCOMPARE(clients[14]->state(), SseClient::Connecting);
    QVERIFY(clients[14]->isWaitingForConnection());
    QCOMPARE(waitingSpies[12]->size(), 2);
    QCOMPARE(waitingSpies[12]->at(1).at(0).toBool(), false);
    QCOMPARE(SseConnectionPool::waitingCount(), 1);
    clients.clear();
}

void tst_ConnectionPool::applicationManagerWaits()
{
    QNetworkAccessManager manager;
    Clients clients = makeClients(8);
    for (auto &c : clients) {
        c->setNetworkAccessManager(&manager);
        c->open();
    }
    TRY_COMPARE(countIn(clients, SseClient::Open), 6);
    QCOMPARE(countIn(clients, SseClient::Connecting, true), 2);
    QCOMPARE(SseConnectionPool::managerCount(), 0); // the application's manager is not ours
    for (auto &c : clients)
        QCOMPARE(c->networkAccessManager(), &manager);
    clients[2]->close();
    TRY_COMPARE(clients[6]->state(), SseClient::Open);
    QCOMPARE(clients[7]->state(), SseClient::Connecting);
    QCOMPARE(m_server->requestCount(), 7);
    clients.clear();
}

void tst_ConnectionPool::closeAndDeleteWhileWaiting()
{
    SseConnectionPool::setMaxManagers(1);
    Clients clients = makeClients(9);
    for (auto &c : clients)
        c->open();
    TRY_COMPARE(countIn(clients, SseClient::Open), 6);
    QCOMPARE(SseConnectionPool::waitingCount(), 3);
    QSignalSpy closed(clients[6].get(), &SseClient::closed);
    clients[6]->close();
    QCOMPARE(clients[6]->state(), SseClient::Closed);
    QVERIFY(!clients[6]->isWaitingForConnection());
    QCOMPARE(closed.size(), 1);
    clients[7].reset();
    QCOMPARE(SseConnectionPool::waitingCount(), 1);
    clients[0]->close();
    TRY_COMPARE(clients[8]->state(), SseClient::Open); // the queue skipped the two that left
    QCOMPARE(m_server->requestCount(), 7);
    clients.clear();
}

void tst_ConnectionPool::protocolAndTlsSplitThePool_data()
{
    QTest::addColumn<int>("protocol");
    QTest::addColumn<bool>("extraCa");
    QTest::addRow("HTTP/1.1 only") << int(SseClient::Http1Only) << false;
    QTest::addRow("an extra CA") << int(SseClient::AutoProtocol) << true;
}

void tst_ConnectionPool::protocolAndTlsSplitThePool()
{
    QFETCH(int, protocol);
    QFETCH(bool, extraCa);
    Clients clients = makeClients(2);
    clients[1]->setHttpProtocol(SseClient::HttpProtocol(protocol));
    if (extraCa) {
        const QList<QSslCertificate> cas =
                QSslCertificate::fromPath(u"/etc/ssl/certs/ca-certificates.crt"_s, QSsl::Pem);
        QVERIFY(!cas.isEmpty());
        clients[1]->addCaCertificates({cas.first()});
    }
    for (auto &c : clients)
        c->open();
    TRY_COMPARE(countIn(clients, SseClient::Open), 2);
    QVERIFY(clients[0]->networkAccessManager() != clients[1]->networkAccessManager());
    QCOMPARE(SseConnectionPool::managerCount(), 2);
    clients.clear();
}

void tst_ConnectionPool::redirectKeepsItsSlot()
{
    SseConnectionPool::setMaxManagers(1);
    m_server->setHandler([](const SseTestServer::Request &r) {
        if (r.target.startsWith("/old"))
            return Response::redirect(307, "/s" + r.target.mid(4));
        return Response::sse().chunked().send("data: " + r.target + "\n\n").holdOpen();
    });
    Clients clients = makeClients(7, u"/old"_s);
    for (auto &c : clients)
        c->open();
    TRY_COMPARE(countIn(clients, SseClient::Open), 6);
    QCOMPARE(countIn(clients, SseClient::Connecting, true), 1);
    QCOMPARE(m_server->requestCount(), 12); // each redirect went on its own slot
    clients.clear();
}

void tst_ConnectionPool::priorKnowledgeAgainstHttp1Server()
{
    // HTTP/2 without negotiation towards a server that only speaks HTTP/1.1: Qt 6.4 may never
    // answer; the connect timeout ends the attempt with a reason that points at the cause.
    SseClient client(m_server->url(u"/s"_s));
    client.setHttpProtocol(SseClient::Http2PriorKnowledge);
    client.setConnectTimeout(500);
    client.setMaxRetries(0);
    QSignalSpy closed(&client, &SseClient::closed);
    client.open();
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(client.state(), SseClient::Failed);
    QVERIFY2(client.errorString().contains(u"HTTP/2"_s), qPrintable(client.errorString()));
}

void tst_ConnectionPool::workerThreadPoolEndsWithThread()
{
    // Clients in a worker thread use that thread's pool. The thread's event loop ends right
    // after the client goes, before the pool's deferred clean-up could run: the managers (and
    // their network threads) must still go, with the thread.
    QThread worker;
    QPointer<QNetworkAccessManager> manager;
    bool opened = false;
    const QUrl url = m_server->url(u"/worker"_s);
    QObject context;
    context.moveToThread(&worker);
    worker.start();
    QMetaObject::invokeMethod(&context, [&] {
        auto *client = new SseClient(url);
        connect(client, &SseClient::opened, client, [&, client] {
            opened = true;
            manager = client->networkAccessManager();
            delete client;
            QThread::currentThread()->quit();
        });
        client->open();
    });
    // The server runs in this thread: keep its event loop going while the worker works.
    QTRY_VERIFY_WITH_TIMEOUT(worker.isFinished(), Timeout);
    QVERIFY(worker.wait());
    QVERIFY(opened);
    QVERIFY(manager.isNull());
    QCOMPARE(SseConnectionPool::managerCount(), 0); // the main thread's pool was never used
}

QTEST_MAIN(tst_ConnectionPool)
#include "tst_connectionpool.moc"
