// SPDX-License-Identifier: BSD-3-Clause
// "Threads and teardown" (threads.qdoc): a client in a worker thread.
#include "snippets.h"

#include <QtSse/SseClient>

#include <QtCore/QDebug>
#include <QtCore/QThread>

void runInWorkerThread(const QUrl &url)
{
    //! [worker]
    auto *thread = new QThread;
    auto *client = new SseClient(url); // no parent: it moves to the thread
    client->moveToThread(thread);
    // Its signals come in the worker thread; the slots run there (the context is the client).
    QObject::connect(client, &SseClient::eventReceived, client, [](const SseEvent &event) {
        qDebug() << QThread::currentThread() << event.data();
    });
    // Teardown: the client goes with the thread's end, in the thread; then the thread object.
    QObject::connect(thread, &QThread::finished, client, &QObject::deleteLater);
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    client->open(); // from another thread: queued to the client's, in the order called
    //! [worker]

    //! [stop]
    client->close(); // queued as well
    thread->quit(); // finished -> the client is deleted in its thread, then the thread
    //! [stop]
}
