// SPDX-License-Identifier: BSD-3-Clause
// "The reconnect and HTTP policy" (reconnect.qdoc), SseRequest's and SseAuthenticator's class
// documentation.
#include "snippets.h"

#include <QtSse/SseAuthenticator>
#include <QtSse/SseClient>
#include <QtSse/SseRequest>

#include <QtCore/QPointer>
#include <QtCore/QUrlQuery>

void configureReconnects(SseClient &client)
{
    //! [knobs]
    client.setReconnectionTime(1000); // after an opened stream ends (a server's retry: wins)
    client.setMaxRetryDelay(60000); // the cap of the exponential backoff after failures
    client.setMaxRetries(10); // give up after 10 failed attempts in a row (RetriesExhaustedError)
    client.setJitterEnabled(true); // the default: clients dropped together return apart
    //! [knobs]

    //! [resume]
    client.setLastEventId(QStringLiteral("1041")); // resume from a known point
    client.setLastEventIdSettingsKey(QStringLiteral("prices/lastEventId")); // across restarts
    client.setDuplicateWindow(1000); // drop events a server replays twice
    client.setSequenceField(QStringLiteral("id")); // tell gaps in integer IDs
    //! [resume]
}

void shapeAttempts(SseClient &client, std::function<QByteArray()> currentToken)
{
    //! [attempt]
    QObject::connect(
            &client, &SseClient::aboutToStartAttempt, &client,
            [currentToken](SseRequest *request) {
                request->setRawHeader("Authorization", "Bearer " + currentToken());
                if (request->attempt() > 0 && !request->lastEventId().isEmpty()) {
                    // This server resumes from a cursor in the URL, not from Last-Event-ID.
                    QUrl url = request->url();
                    QUrlQuery query(url);
                    query.addQueryItem(QStringLiteral("since"), request->lastEventId());
                    url.setQuery(query);
                    request->setUrl(url);
                    request->setLastEventId(QString());
                }
            },
            Qt::DirectConnection);
    //! [attempt]
}

void refreshTokenOn401(SseClient &client,
                       std::function<void(std::function<void(const QByteArray &)>)> fetchToken)
{
    //! [auth]
    QObject::connect(&client, &SseClient::authenticationRequired, &client,
                     [fetchToken](SseAuthenticator *authenticator) {
                         authenticator->defer(); // the answer is a round trip away
                         QPointer<SseAuthenticator> guard(authenticator);
                         fetchToken([guard](const QByteArray &token) {
                             if (!guard)
                                 return; // the client went, or gave up waiting
                             if (token.isEmpty()) {
                                 guard->abandon(); // the 401 stands
                                 return;
                             }
                             guard->setRawHeader("Authorization", "Bearer " + token);
                             guard->retry();
                         });
                     });
    //! [auth]
}
