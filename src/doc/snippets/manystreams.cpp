// SPDX-License-Identifier: BSD-3-Clause
// "Many streams" (manystreams.qdoc) and SseConnectionPool's class documentation.
#include "snippets.h"

#include <QtSse/SseClient>
#include <QtSse/SseConnectionPool>

#include <QtCore/QDebug>

void openManyStreams(const QList<QUrl> &urls, QObject *owner)
{
    //! [pool]
    // Process-wide, before the streams start: at most 50 streams per HTTP/2 connection, and
    // at most 64 network threads per thread's pool (the rest wait, visibly).
    SseConnectionPool::setMaxHttp2Streams(50);
    SseConnectionPool::setMaxManagers(64);
    //! [pool]

    //! [streams]
    for (const QUrl &url : urls) {
        auto *client = new SseClient(url, owner);
        client->setHttpProtocol(SseClient::AutoProtocol); // HTTP/2 on https when ALPN agrees
        QObject::connect(client, &SseClient::waitingForConnectionChanged, client,
                         [url](bool waiting) {
                             if (waiting)
                                 qInfo() << url << "waits for a free connection";
                         });
        client->open();
    }
    qInfo() << SseConnectionPool::streamCount() << "streams on" << SseConnectionPool::managerCount()
            << "managers," << SseConnectionPool::waitingCount() << "waiting";
    //! [streams]
}
