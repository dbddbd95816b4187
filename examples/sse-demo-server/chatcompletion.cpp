// SPDX-License-Identifier: BSD-3-Clause
#include "chatcompletion.h"

#include "httprequest.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtNetwork/qtcpsocket.h>

namespace {

constexpr int MaxEchoedWords = 8;

// A JSON string literal, quotes included.
QByteArray jsonString(const QString &s)
{
    const QByteArray array = QJsonDocument(QJsonArray {s}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

void sendError(QTcpSocket *socket, int status, const QByteArray &message, const QByteArray &code)
{
    sendJsonError(socket, status, message, "invalid_request_error", code);
}

// The text of a message's "content": a string, or an array of {"type":"text","text":...} parts.
QString contentText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QStringList parts;
    const QJsonArray array = content.toArray();
    for (const QJsonValue &part : array)
        parts.append(part.toObject().value(QLatin1String("text")).toString());
    return parts.join(u' ');
}

QStringList replyWords(const QJsonArray &messages)
{
    QString said;
    for (const QJsonValue &message : messages) {
        const QJsonObject object = message.toObject();
        if (object.value(QLatin1String("role")).toString() == QLatin1String("user"))
            said = contentText(object.value(QLatin1String("content")));
    }
    QStringList words =
            QStringLiteral("Hi! This is sse-demo-server, streaming offline. You said:").split(u' ');
    QStringList echoed = said.simplified().split(u' ', Qt::SkipEmptyParts);
    if (echoed.isEmpty()) {
        words.append(QStringLiteral("nothing."));
    } else {
        if (echoed.size() > MaxEchoedWords) {
            echoed = echoed.first(MaxEchoedWords);
            echoed.append(QStringLiteral("..."));
        }
        echoed.first().prepend(u'"');
        echoed.last().append(u'"');
        words += echoed;
    }
    return words;
}

} // namespace

void ChatCompletion::handle(QTcpSocket *socket, const HttpRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject()) {
        sendError(socket, 400,
                  "the body is not a JSON object: " + parseError.errorString().toUtf8(), {});
        return;
    }
    const QJsonObject body = document.object();
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty()) {
        sendError(socket, 400, "'messages' must be a non-empty array", {});
        return;
    }
    QByteArray model = body.value(QLatin1String("model")).toString().toUtf8();
    if (model.isEmpty())
        model = "demo-model";
    const QStringList words = replyWords(messages);

    if (body.value(QLatin1String("stream")) == QJsonValue(false)) {
        const QJsonObject completion {
                {QLatin1String("id"), QLatin1String("chatcmpl-demo")},
                {QLatin1String("object"), QLatin1String("chat.completion")},
                {QLatin1String("created"), QDateTime::currentSecsSinceEpoch()},
                {QLatin1String("model"), QString::fromUtf8(model)},
                {QLatin1String("choices"),
                 QJsonArray {QJsonObject {
                         {QLatin1String("index"), 0},
                         {QLatin1String("message"),
                          QJsonObject {{QLatin1String("role"), QLatin1String("assistant")},
                                       {QLatin1String("content"), words.join(u' ')}}},
                         {QLatin1String("finish_reason"), QLatin1String("stop")}}}}};
        sendHttpResponse(socket, 200, "application/json",
                         QJsonDocument(completion).toJson(QJsonDocument::Compact) + '\n');
        return;
    }
    (new ChatCompletion(socket, model, words))->start();
}

ChatCompletion::ChatCompletion(QTcpSocket *socket, QByteArray model, QStringList words)
    : QObject(socket),
      m_socket(socket),
      m_model(std::move(model)),
      m_words(std::move(words)),
      m_created(QDateTime::currentSecsSinceEpoch())
{
    connect(&m_timer, &QTimer::timeout, this, &ChatCompletion::sendNext);
}

void ChatCompletion::start()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->write(httpResponseHead(200,
                                     {{"Content-Type", "text/event-stream; charset=utf-8"},
                                      {"Cache-Control", "no-cache"},
                                      {"Connection", "close"},
                                      {"Access-Control-Allow-Origin", "*"}}));
    sendNext();
    m_timer.start(ChunkIntervalMs);
}

QByteArray ChatCompletion::chunk(const QByteArray &delta, const QByteArray &finishReason) const
{
    return "data: {\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"created\":"
            + QByteArray::number(m_created) + ",\"model\":" + jsonString(QString::fromUtf8(m_model))
            + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason
            + "}]}\n\n";
}

void ChatCompletion::sendNext()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        m_timer.stop();
        return;
    }
    if (m_next < 0) {
        m_socket->write(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
    } else if (m_next < m_words.size()) {
        const bool last = m_next == m_words.size() - 1;
        const QString piece = m_words.at(m_next) + (last ? QString() : QStringLiteral(" "));
        m_socket->write(chunk("{\"content\":" + jsonString(piece) + '}', "null"));
    } else {
        m_timer.stop();
        m_socket->write(chunk("{}", "\"stop\"") + "data: [DONE]\n\n");
        closeGracefully(m_socket);
        return;
    }
    ++m_next;
}
