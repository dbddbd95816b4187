// SPDX-License-Identifier: BSD-3-Clause
// "Streaming an LLM's answer" (llm.qdoc): an OpenAI-style chat completion over SseClient.
#include "snippets.h"

#include <QtSse/SseClient>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

//! [delta]
// The text of one chat.completion.chunk: choices[0].delta.content.
static QString deltaText(const SseEvent &event)
{
    const QJsonArray choices = event.json()[QLatin1String("choices")].toArray();
    return choices.at(0)[QLatin1String("delta")][QLatin1String("content")].toString();
}
//! [delta]

void streamChat(SseClient &client, const QUrl &endpoint, const QByteArray &apiKey,
                const QString &question, std::function<void(const QString &)> onText,
                std::function<void(const QString &)> onDone)
{
    //! [request]
    const QJsonObject message {{QStringLiteral("role"), QStringLiteral("user")},
                               {QStringLiteral("content"), question}};
    const QJsonObject body {{QStringLiteral("model"), QStringLiteral("demo")},
                            {QStringLiteral("stream"), true},
                            {QStringLiteral("messages"), QJsonArray {message}}};
    client.setUrl(endpoint); // e.g. http://127.0.0.1:8080/v1/chat/completions
    client.setMethod("POST");
    client.setBody(QJsonDocument(body).toJson(QJsonDocument::Compact));
    client.setRawHeader("Content-Type", "application/json");
    client.setRawHeader("Authorization", "Bearer " + apiKey);
    client.setIdleTimeout(60000); // a model that stalls for a minute is gone
    //! [request]

    //! [events]
    QObject::connect(&client, &SseClient::eventReceived, &client,
                     [&client, onText, onDone](const SseEvent &event) {
                         if (event.data() == u"[DONE]") {
                             client.close(); // the answer is complete
                             onDone(QString());
                             return;
                         }
                         const QString text = deltaText(event);
                         if (!text.isEmpty())
                             onText(text);
                     });
    //! [events]

    //! [errors]
    QObject::connect(&client, &SseClient::errorOccurred, &client, [&client, onDone] {
        // A POST is not re-sent on its own (retryAnyMethod is off): an error ends the answer.
        // A 401 or 429 explains itself in the body: {"error":{"message":...}}.
        const QJsonObject error = QJsonDocument::fromJson(client.errorBody())
                                          .object()
                                          .value(QLatin1String("error"))
                                          .toObject();
        const QString message = error.value(QLatin1String("message")).toString();
        onDone(message.isEmpty() ? client.errorString() : message);
    });
    client.open();
    //! [errors]
}
