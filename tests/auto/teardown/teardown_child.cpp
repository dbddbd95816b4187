// SPDX-License-Identifier: BSD-3-Clause
// teardown_child MODE: one teardown order of SseClient, its thread, its connection pool, its
// QNetworkAccessManager and the application, against an in-process server. Exits 0 and prints
// "ok" when the order went as documented; a crash, a sanitizer report or any other exit status
// is a failure (tst_teardown).
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseConnectionPool>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qnetworkaccessmanager.h>

#include <cstdio>
#include <memory>

namespace {
using Response = SseTestServer::Response;

// Processes events until done() or 30 s; false on the time-out.
template<typename Done> bool waitFor(Done done)
{
    QDeadlineTimer deadline(30000);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::yieldCurrentThread();
    }
    return true;
}

int fail(const char *what)
{
    std::fprintf(stderr, "teardown_child: %s\n", what);
    return 1;
}

// A server that answers every request with an open stream of one event (in this thread).
void serveStreams(SseTestServer &server)
{
    server.setHandler([](const SseTestServer::Request &) {
        return Response::sse().send("id: 1\ndata: a\n\n").holdOpen();
    });
}

// A client made and opened in a worker thread; the caller decides how it ends.
struct WorkerClient
{
    QThread thread;
    QPointer<SseClient> client;
    QAtomicInt open = 0;

    bool start(const QUrl &url)
    {
        thread.start();
        QObject context;
        context.moveToThread(&thread);
        QMetaObject::invokeMethod(
                &context,
                [this, url] {
                    client = new SseClient(url);
                    QObject::connect(client, &SseClient::opened, client,
                                     [this] { open.storeRelease(1); });
                    client->open();
                },
                Qt::BlockingQueuedConnection);
        return waitFor([this] { return open.loadAcquire() == 1; });
    }
};

// Qt's documented pattern: the worker's objects go with QThread::finished → deleteLater. The
// thread's pool goes on finished too: the client is deleted after its pool and its manager.
int workerDeleteLater(SseTestServer &server)
{
    WorkerClient worker;
    if (!worker.start(server.url(QStringLiteral("/events"))))
        return fail("the stream did not open");
    QObject::connect(&worker.thread, &QThread::finished, worker.client, &QObject::deleteLater);
    worker.thread.quit();
    worker.thread.wait();
    return worker.client ? fail("the client was not deleted") : 0;
}

// The worker ended with the stream open; the main thread deletes the client afterwards.
int workerEndedDeleteFromMain(SseTestServer &server)
{
    WorkerClient worker;
    if (!worker.start(server.url(QStringLiteral("/events"))))
        return fail("the stream did not open");
    worker.thread.quit();
    worker.thread.wait();
    delete worker.client.data();
    return 0;
}

// The client is deleted in its thread while the stream is open, then the thread ends (the pool
// deletes its idle manager later, or with the thread).
int workerDeleteInThread(SseTestServer &server)
{
    WorkerClient worker;
    if (!worker.start(server.url(QStringLiteral("/events"))))
        return fail("the stream did not open");
    QMetaObject::invokeMethod(
            worker.client, [&worker] { delete worker.client.data(); },
            Qt::BlockingQueuedConnection);
    worker.thread.quit();
    worker.thread.wait();
    return 0;
}

// The application quits with requests in every state: open, waiting for a response, waiting
// for a pool slot, waiting to reconnect. The clients are the application's children.
int appQuitsInFlight(SseTestServer &server, QCoreApplication &app)
{
    SseTestServer silent;
    if (!silent.listen())
        return fail("no port");
    silent.setHandler([](const SseTestServer::Request &) { return Response::silent(); });
    auto *open = new SseClient(server.url(QStringLiteral("/events")), &app);
    open->open();
    auto *retrying = new SseClient(QUrl(QStringLiteral("http://127.0.0.1:1/refused")), &app);
    retrying->setReconnectionTime(60000);
    retrying->open();
    // A client waiting to reconnect holds no manager: one for the open stream, one more for
    // the silent server at most: 6 streams per manager on HTTP/1.1, the 7th waits.
    if (!waitFor([&] {
            return retrying->state() == SseClient::Reconnecting
                    && SseConnectionPool::managerCount() == 1;
        }))
        return fail("the refused client is not waiting to reconnect");
    SseConnectionPool::setMaxManagers(2);
    QList<SseClient *> clients;
    for (int i = 0; i < 7; ++i) {
        auto *client = new SseClient(silent.url(QStringLiteral("/silent")), &app);
        client->open();
        clients.append(client);
    }
    if (!waitFor([&] {
            return open->state() == SseClient::Open && retrying->state() == SseClient::Reconnecting
                    && silent.requestCount() == 6;
        }))
        return fail(qPrintable(QStringLiteral("the clients did not reach their states: %1 %2 %3")
                                       .arg(open->state())
                                       .arg(retrying->state())
                                       .arg(silent.requestCount())));
    if (!clients.last()->isWaitingForConnection())
        return fail("the 7th client is not waiting for a connection");
    QTimer::singleShot(0, &app, &QCoreApplication::quit);
    return app.exec(); // the clients go with the application, in its destructor
}

// A client that outlives the application (declared before it, or leaked until after it).
int clientOutlivesApp(int argc, char **argv)
{
    std::unique_ptr<SseClient> client;
    {
        QCoreApplication app(argc, argv);
        SseTestServer server;
        if (!server.listen())
            return fail("no port");
        serveStreams(server);
        client = std::make_unique<SseClient>(server.url(QStringLiteral("/events")));
        client->open();
        if (!waitFor([&] { return client->state() == SseClient::Open; }))
            return fail("the stream did not open");
    }
    client.reset(); // after the application and the server are gone
    return 0;
}

// The application's QNetworkAccessManager is destroyed before the client (declared after it in
// a class): the client fails with a clear error, and close() and its destructor are safe.
int userManagerFirst(SseTestServer &server)
{
    auto manager = std::make_unique<QNetworkAccessManager>();
    SseClient client(server.url(QStringLiteral("/events")));
    client.setNetworkAccessManager(manager.get());
    client.open();
    if (!waitFor([&] { return client.state() == SseClient::Open; }))
        return fail("the stream did not open");
    manager.reset();
    if (!waitFor([&] { return client.state() == SseClient::Failed; }))
        return fail("the client did not fail when its manager went");
    if (client.error() != SseClient::ConnectionError
        || !client.errorString().contains(QStringLiteral("setNetworkAccessManager")))
        return fail(qPrintable(QStringLiteral("unexpected error: ") + client.errorString()));
    client.open(); // nothing to connect with: fails at once, says why
    if (client.state() != SseClient::Failed)
        return fail("open() without a manager did not fail");
    client.close();
    return 0;
}

// The pool's manager goes while a client in a worker thread is open and the client is deleted
// from a slot of the very thread's finished signal, before the pool (connected after it).
int clientBeforePoolOnFinished(SseTestServer &server)
{
    QThread thread;
    QPointer<SseClient> client;
    QAtomicInt open = 0;
    thread.start();
    QObject context;
    context.moveToThread(&thread);
    QMetaObject::invokeMethod(
            &context,
            [&] {
                client = new SseClient(server.url(QStringLiteral("/events")));
                // Connected before the pool exists (it is made by open()): runs first.
                QObject::connect(
                        &thread, &QThread::finished, client, [&] { delete client; },
                        Qt::DirectConnection);
                QObject::connect(client, &SseClient::opened, client, [&] { open.storeRelease(1); });
                client->open();
            },
            Qt::BlockingQueuedConnection);
    if (!waitFor([&] { return open.loadAcquire() == 1; }))
        return fail("the stream did not open");
    thread.quit();
    thread.wait();
    return client ? fail("the client was not deleted") : 0;
}
} // namespace

int main(int argc, char **argv)
{
    if (argc < 2)
        return fail("usage: teardown_child MODE");
    const QByteArray mode = argv[1];
    if (mode == "client-outlives-app") {
        const int status = clientOutlivesApp(argc, argv);
        if (status == 0)
            std::puts("ok");
        return status;
    }
    QCoreApplication app(argc, argv);
    SseTestServer server;
    if (!server.listen())
        return fail("no port");
    serveStreams(server);
    int status = 2;
    if (mode == "worker-deletelater")
        status = workerDeleteLater(server);
    else if (mode == "worker-ended-delete-from-main")
        status = workerEndedDeleteFromMain(server);
    else if (mode == "worker-delete-in-thread")
        status = workerDeleteInThread(server);
    else if (mode == "client-before-pool-on-finished")
        status = clientBeforePoolOnFinished(server);
    else if (mode == "app-quits-in-flight")
        status = appQuitsInFlight(server, app);
    else if (mode == "user-manager-first")
        status = userManagerFirst(server);
    else
        return fail("unknown mode");
    if (status == 0)
        std::puts("ok");
    return status;
}
