// SPDX-License-Identifier: BSD-3-Clause
#include "llmdemo.h"

#include <QtCore/qjsondocument.h>
#include <QtNetwork/qtcpsocket.h>

namespace {

constexpr int MaxEchoedWords = 8;
constexpr int SlowIntervalMs = 300;

QByteArrayView keyHeader(LlmProvider provider)
{
    switch (provider) {
    case LlmProvider::OpenAI:
        return "Authorization: Bearer";
    case LlmProvider::Anthropic:
        return "x-api-key";
    case LlmProvider::Gemini:
        return "x-goog-api-key";
    }
    return {};
}

QStringList replyWords(const QString &said)
{
    QStringList words =
            QStringLiteral("Hi! This is sse-demo-server, streaming offline. You said:").split(u' ');
    QStringList echoed = said.simplified().split(u' ', Qt::SkipEmptyParts);
    echoed.removeIf([](const QString &w) { return w.startsWith(u'/'); }); // the magic words
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
    for (qsizetype i = 0; i + 1 < words.size(); ++i)
        words[i].append(u' ');
    return words;
}

} // namespace

QByteArray jsonString(const QString &s)
{
    const QByteArray array = QJsonDocument(QJsonArray {s}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void sendLlmError(QTcpSocket *socket, LlmProvider provider, int status, const QByteArray &type,
                  const QByteArray &message)
{
    const HttpHeaders cors = {{"Access-Control-Allow-Origin", "*"}};
    QJsonObject body;
    switch (provider) {
    case LlmProvider::OpenAI:
        sendJsonError(socket, status, message, type, {}, cors);
        return;
    case LlmProvider::Anthropic:
        body = {{QStringLiteral("type"), QStringLiteral("error")},
                {QStringLiteral("error"),
                 QJsonObject {{QStringLiteral("type"), QString::fromUtf8(type)},
                              {QStringLiteral("message"), QString::fromUtf8(message)}}}};
        break;
    case LlmProvider::Gemini:
        body = {{QStringLiteral("error"),
                 QJsonObject {{QStringLiteral("code"), status},
                              {QStringLiteral("message"), QString::fromUtf8(message)},
                              {QStringLiteral("status"), QString::fromUtf8(type)}}}};
        break;
    }
    sendHttpResponse(socket, status, "application/json", compactJson(body) + '\n', cors);
}

bool checkLlmKey(QTcpSocket *socket, const HttpRequest &request, LlmProvider provider,
                 const QByteArray &token)
{
    QByteArray key;
    switch (provider) {
    case LlmProvider::OpenAI: {
        const QByteArray authorization = request.header("Authorization");
        if (authorization.size() > 7
            && QByteArrayView(authorization).first(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
            key = authorization.mid(7).trimmed();
        break;
    }
    case LlmProvider::Anthropic:
        key = request.header("x-api-key");
        break;
    case LlmProvider::Gemini:
        key = request.header("x-goog-api-key");
        if (key.isEmpty())
            key = request.query.queryItemValue(QStringLiteral("key")).toUtf8();
        break;
    }
    QByteArray message;
    if (key.isEmpty())
        message = "missing API key (" + keyHeader(provider).toByteArray() + ')';
    else if (!token.isEmpty() && key != token)
        message = "incorrect API key"; // never echoed: it may be a real secret
    if (message.isEmpty())
        return true;
    const QByteArray type = provider == LlmProvider::OpenAI ? "invalid_request_error"
            : provider == LlmProvider::Anthropic            ? "authentication_error"
                                                            : "UNAUTHENTICATED";
    sendLlmError(socket, provider, 401, type, message);
    return false;
}

QString lastUserText(const QJsonArray &messages, const char *contentField)
{
    QString said;
    for (const QJsonValue &message : messages) {
        const QJsonObject object = message.toObject();
        if (object.value(QLatin1String("role")).toString() != QLatin1String("user"))
            continue;
        const QJsonValue content = object.value(QLatin1String(contentField));
        if (content.isString()) {
            said = content.toString();
            continue;
        }
        QStringList parts;
        for (const QJsonValue &part : content.toArray())
            parts.append(part.toObject().value(QLatin1String("text")).toString());
        said = parts.join(u' ');
    }
    return said;
}

std::optional<LlmScenario> llmScenario(QTcpSocket *socket, const HttpRequest &request,
                                       LlmProvider provider, const QString &prompt,
                                       const QString &model)
{
    LlmScenario s;
    s.model = model;
    const QStringList said = prompt.split(u' ', Qt::SkipEmptyParts);
    const auto flag = [&](const char *name) {
        return said.contains(u'/' + QLatin1String(name))
                || request.query.queryItemValue(QLatin1String(name)) == QLatin1String("1");
    };
    s.toolCall = flag("tool");
    s.error = flag("error");
    s.pings = flag("ping");
    if (flag("slow"))
        s.intervalMs = SlowIntervalMs;
    if (request.query.hasQueryItem(QStringLiteral("interval"))) {
        bool ok = false;
        const int ms = request.query.queryItemValue(QStringLiteral("interval")).toInt(&ok);
        if (!ok || ms < 0 || ms > 5000) {
            sendLlmError(socket, provider, 400,
                         provider == LlmProvider::Gemini ? "INVALID_ARGUMENT"
                                                         : "invalid_request_error",
                         "interval must be an integer in [0, 5000] (milliseconds)");
            return std::nullopt;
        }
        s.intervalMs = ms;
    }
    s.words = replyWords(prompt);
    return s;
}

QStringList llmToolArgumentPieces()
{
    return {QStringLiteral("{\""),   QStringLiteral("location"), QStringLiteral("\":\""),
            QStringLiteral("Paris"), QStringLiteral(", France"), QStringLiteral("\",\""),
            QStringLiteral("unit"),  QStringLiteral("\":\""),    QStringLiteral("celsius"),
            QStringLiteral("\"}")};
}

QString llmToolArguments()
{
    return llmToolArgumentPieces().join(QString());
}

void LlmFrameWriter::start(QTcpSocket *socket, QList<QByteArray> frames, int intervalMs)
{
    auto writer = new LlmFrameWriter(socket, std::move(frames));
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->write(httpResponseHead(200,
                                   {{"Content-Type", "text/event-stream; charset=utf-8"},
                                    {"Cache-Control", "no-cache"},
                                    {"Transfer-Encoding", "chunked"},
                                    {"Connection", "close"},
                                    {"Access-Control-Allow-Origin", "*"}}));
    writer->sendNext();
    writer->m_timer.start(intervalMs);
}

LlmFrameWriter::LlmFrameWriter(QTcpSocket *socket, QList<QByteArray> frames)
    : QObject(socket), m_socket(socket), m_frames(std::move(frames))
{
    connect(&m_timer, &QTimer::timeout, this, &LlmFrameWriter::sendNext);
}

void LlmFrameWriter::sendNext()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        m_timer.stop();
        return;
    }
    if (m_next < m_frames.size()) {
        const QByteArray &frame = m_frames.at(m_next++);
        m_socket->write(QByteArray::number(frame.size(), 16) + "\r\n" + frame + "\r\n");
        return;
    }
    m_timer.stop();
    m_socket->write("0\r\n\r\n"); // the body ends here: a clean end, never a dropped connection
    closeGracefully(m_socket);
}
