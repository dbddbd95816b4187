// SPDX-License-Identifier: BSD-3-Clause
// "Getting started in C++" (gettingstarted.qdoc) and SseClient's and SseEvent's class
// documentation.
#include "snippets.h"

//! [includes]
#include <QtSse/SseClient>

#include <QtCore/QCoreApplication>
#include <QtCore/QDebug>
#include <QtCore/QJsonObject> // event.json().toObject()
//! [includes]

int gettingStartedMain(int argc, char *argv[])
{
    //! [client]
    QCoreApplication app(argc, argv);

    SseClient client(QUrl(QStringLiteral("http://127.0.0.1:8080/stream")));
    QObject::connect(&client, &SseClient::eventReceived, &app, [](const SseEvent &event) {
        qDebug() << event.type() << event.data() << "id" << event.lastEventId();
    });
    QObject::connect(&client, &SseClient::errorOccurred, &app, [&client](SseClient::Error) {
        // Retried errors come here too: state() says whether the client goes on.
        qWarning() << client.errorString() << client.errorBody();
    });
    QObject::connect(&client, &SseClient::closed, &app, &QCoreApplication::quit);
    client.open();
    //! [client]

    //! [listener]
    client.addEventListener(QStringLiteral("price"), &app, [](const SseEvent &event) {
        qDebug() << "price event:" << event.data();
    });
    //! [listener]

    //! [json]
    client.addEventListener(QStringLiteral("metric"), &app, [](const SseEvent &event) {
        if (!event.isJson()) {
            qWarning() << "not JSON:" << event.jsonErrorString();
            return;
        }
        const QJsonObject metric = event.json().toObject();
        qDebug() << metric.value(QLatin1String("host")).toString() << "cpu"
                 << metric.value(QLatin1String("cpu")).toDouble();
    });
    //! [json]

    //! [exec]
    return app.exec();
    //! [exec]
}
