// SPDX-License-Identifier: BSD-3-Clause
#include "geministream.h"

#include "httprequest.h"
#include "llmdemo.h"

#include <QtCore/qjsondocument.h>

namespace {

constexpr int WordsPerFrame = 2;

void sendError(QTcpSocket *socket, const QByteArray &message)
{
    sendLlmError(socket, LlmProvider::Gemini, 400, "INVALID_ARGUMENT", message);
}

QByteArray frame(const QJsonObject &response)
{
    return "data: " + compactJson(response) + "\r\n\r\n";
}

} // namespace

void GeminiStream::handle(QTcpSocket *socket, const HttpRequest &request, const QByteArray &model)
{
    if (request.query.queryItemValue(QStringLiteral("alt")) != QLatin1String("sse")) {
        sendError(socket, "this demo serves the SSE form only: add ?alt=sse");
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject()) {
        sendError(socket, "the body is not a JSON object: " + parseError.errorString().toUtf8());
        return;
    }
    const QJsonArray contents = document.object().value(QLatin1String("contents")).toArray();
    if (contents.isEmpty()) {
        sendError(socket, "contents is not specified");
        return;
    }
    const QString prompt = lastUserText(contents, "parts");
    const std::optional<LlmScenario> s =
            llmScenario(socket, request, LlmProvider::Gemini, prompt, QString::fromUtf8(model));
    if (!s)
        return;

    const int promptTokens = int(prompt.split(u' ', Qt::SkipEmptyParts).size()) + 8;
    const auto response = [&](const QJsonArray &parts, const QString &finishReason,
                              int candidatesTokens) {
        QJsonObject candidate {{QStringLiteral("content"),
                                QJsonObject {{QStringLiteral("parts"), parts},
                                             {QStringLiteral("role"), QStringLiteral("model")}}},
                               {QStringLiteral("index"), 0}};
        if (!finishReason.isEmpty())
            candidate.insert(QStringLiteral("finishReason"), finishReason);
        QJsonObject usage {{QStringLiteral("promptTokenCount"), promptTokens},
                           {QStringLiteral("totalTokenCount"), promptTokens + candidatesTokens}};
        if (candidatesTokens > 0)
            usage.insert(QStringLiteral("candidatesTokenCount"), candidatesTokens);
        return QJsonObject {{QStringLiteral("candidates"), QJsonArray {candidate}},
                            {QStringLiteral("usageMetadata"), usage},
                            {QStringLiteral("modelVersion"), s->model},
                            {QStringLiteral("responseId"), QStringLiteral("demo")}};
    };
    QList<QByteArray> frames;
    for (qsizetype i = 0; i < s->words.size(); i += WordsPerFrame) {
        if (s->error && i >= 3) {
            frames.append(frame(
                    {{QStringLiteral("error"),
                      QJsonObject {{QStringLiteral("code"), 503},
                                   {QStringLiteral("message"),
                                    QStringLiteral("The model is overloaded. Please "
                                                   "try again later.")},
                                   {QStringLiteral("status"), QStringLiteral("UNAVAILABLE")}}}}));
            LlmFrameWriter::start(socket, frames, s->intervalMs);
            return;
        }
        if (s->pings)
            frames.append(": keep-alive\r\n\r\n");
        const QString text = s->words.mid(i, WordsPerFrame).join(QString());
        frames.append(frame(response({QJsonObject {{QStringLiteral("text"), text}}}, {}, 0)));
    }
    QJsonArray last;
    if (s->toolCall) {
        last.append(QJsonObject {
                {QStringLiteral("functionCall"),
                 QJsonObject {{QStringLiteral("name"), QStringLiteral("get_weather")},
                              {QStringLiteral("args"),
                               QJsonDocument::fromJson(llmToolArguments().toUtf8()).object()}}}});
    } else {
        last.append(QJsonObject {{QStringLiteral("text"), QString()}});
    }
    frames.append(frame(
            response(last, QStringLiteral("STOP"), int(s->words.size()) + (s->toolCall ? 10 : 0))));
    LlmFrameWriter::start(socket, frames, s->intervalMs);
}
