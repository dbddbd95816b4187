// SPDX-License-Identifier: BSD-3-Clause
#include "anthropicstream.h"

#include "httprequest.h"
#include "llmdemo.h"

#include <QtCore/qjsondocument.h>

namespace {

QByteArray event(const QString &type, QJsonObject data)
{
    data.insert(QStringLiteral("type"), type);
    return "event: " + type.toUtf8() + "\ndata: " + compactJson(data) + "\n\n";
}

const QByteArray Ping = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

void sendError(QTcpSocket *socket, const QByteArray &message)
{
    sendLlmError(socket, LlmProvider::Anthropic, 400, "invalid_request_error", message);
}

QJsonObject delta(int index, const char *type, const char *field, const QString &value)
{
    return {{QStringLiteral("index"), index},
            {QStringLiteral("delta"),
             QJsonObject {{QStringLiteral("type"), QLatin1String(type)},
                          {QLatin1String(field), value}}}};
}

} // namespace

void AnthropicStream::handle(QTcpSocket *socket, const HttpRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject()) {
        sendError(socket, "the body is not a JSON object: " + parseError.errorString().toUtf8());
        return;
    }
    const QJsonObject body = document.object();
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty()) {
        sendError(socket, "messages: must be a non-empty array");
        return;
    }
    if (!body.value(QLatin1String("max_tokens")).isDouble()) {
        sendError(socket, "max_tokens: Field required");
        return;
    }
    if (body.value(QLatin1String("stream")) != QJsonValue(true)) {
        sendError(socket, "this demo streams only: set \"stream\": true");
        return;
    }
    QString model = body.value(QLatin1String("model")).toString();
    if (model.isEmpty())
        model = QStringLiteral("demo-model");
    const QString prompt = lastUserText(messages);
    const std::optional<LlmScenario> s =
            llmScenario(socket, request, LlmProvider::Anthropic, prompt, model);
    if (!s)
        return;

    const int inputTokens = int(prompt.split(u' ', Qt::SkipEmptyParts).size()) + 8;
    QList<QByteArray> frames;
    frames.append(event(QStringLiteral("message_start"),
                        {{QStringLiteral("message"),
                          QJsonObject {{QStringLiteral("id"), QStringLiteral("msg_demo")},
                                       {QStringLiteral("type"), QStringLiteral("message")},
                                       {QStringLiteral("role"), QStringLiteral("assistant")},
                                       {QStringLiteral("content"), QJsonArray()},
                                       {QStringLiteral("model"), model},
                                       {QStringLiteral("stop_reason"), QJsonValue::Null},
                                       {QStringLiteral("stop_sequence"), QJsonValue::Null},
                                       {QStringLiteral("usage"),
                                        QJsonObject {{QStringLiteral("input_tokens"), inputTokens},
                                                     {QStringLiteral("output_tokens"), 1}}}}}}));
    frames.append(event(QStringLiteral("content_block_start"),
                        {{QStringLiteral("index"), 0},
                         {QStringLiteral("content_block"),
                          QJsonObject {{QStringLiteral("type"), QStringLiteral("text")},
                                       {QStringLiteral("text"), QString()}}}}));
    frames.append(Ping);
    for (qsizetype i = 0; i < s->words.size(); ++i) {
        if (s->error && i == 3) {
            frames.append("event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": "
                          "\"overloaded_error\", \"message\": \"Overloaded\"}}\n\n");
            LlmFrameWriter::start(socket, frames, s->intervalMs);
            return;
        }
        if (s->pings)
            frames.append(Ping);
        frames.append(event(QStringLiteral("content_block_delta"),
                            delta(0, "text_delta", "text", s->words.at(i))));
    }
    frames.append(event(QStringLiteral("content_block_stop"), {{QStringLiteral("index"), 0}}));
    int outputTokens = int(s->words.size());
    if (s->toolCall) {
        frames.append(event(QStringLiteral("content_block_start"),
                            {{QStringLiteral("index"), 1},
                             {QStringLiteral("content_block"),
                              QJsonObject {{QStringLiteral("type"), QStringLiteral("tool_use")},
                                           {QStringLiteral("id"), QStringLiteral("toolu_demo1")},
                                           {QStringLiteral("name"), QStringLiteral("get_weather")},
                                           {QStringLiteral("input"), QJsonObject()}}}}));
        frames.append(event(QStringLiteral("content_block_delta"),
                            delta(1, "input_json_delta", "partial_json", QString())));
        for (const QString &piece : llmToolArgumentPieces()) {
            frames.append(event(QStringLiteral("content_block_delta"),
                                delta(1, "input_json_delta", "partial_json", piece)));
            ++outputTokens;
        }
        frames.append(event(QStringLiteral("content_block_stop"), {{QStringLiteral("index"), 1}}));
    }
    frames.append(event(
            QStringLiteral("message_delta"),
            {{QStringLiteral("delta"),
              QJsonObject {{QStringLiteral("stop_reason"),
                            s->toolCall ? QStringLiteral("tool_use") : QStringLiteral("end_turn")},
                           {QStringLiteral("stop_sequence"), QJsonValue::Null}}},
             {QStringLiteral("usage"),
              QJsonObject {{QStringLiteral("output_tokens"), outputTokens}}}}));
    frames.append(event(QStringLiteral("message_stop"), {}));
    LlmFrameWriter::start(socket, frames, s->intervalMs);
}
