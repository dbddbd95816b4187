// SPDX-License-Identifier: BSD-3-Clause
#include "chatcompletion.h"

#include "httprequest.h"
#include "llmdemo.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>

namespace {

void sendError(QTcpSocket *socket, const QByteArray &message)
{
    sendLlmError(socket, LlmProvider::OpenAI, 400, "invalid_request_error", message);
}

class ChunkMaker
{
public:
    explicit ChunkMaker(const QString &model)
        : m_head("data: {\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"created\":"
                 + QByteArray::number(QDateTime::currentSecsSinceEpoch())
                 + ",\"model\":" + jsonString(model))
    {
    }
    QByteArray chunk(const QByteArray &delta, const QByteArray &finishReason = "null") const
    {
        return m_head + ",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }
    QByteArray usage(int prompt, int completion) const
    {
        return m_head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + QByteArray::number(prompt)
                + ",\"completion_tokens\":" + QByteArray::number(completion)
                + ",\"total_tokens\":" + QByteArray::number(prompt + completion) + "}}\n\n";
    }

private:
    QByteArray m_head;
};

} // namespace

void ChatCompletion::handle(QTcpSocket *socket, const HttpRequest &request)
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
        sendError(socket, "'messages' must be a non-empty array");
        return;
    }
    QString model = body.value(QLatin1String("model")).toString();
    if (model.isEmpty())
        model = QStringLiteral("demo-model");
    const QString prompt = lastUserText(messages);
    const std::optional<LlmScenario> s =
            llmScenario(socket, request, LlmProvider::OpenAI, prompt, model);
    if (!s)
        return;

    if (body.value(QLatin1String("stream")) == QJsonValue(false)) {
        const QJsonObject completion {
                {QLatin1String("id"), QLatin1String("chatcmpl-demo")},
                {QLatin1String("object"), QLatin1String("chat.completion")},
                {QLatin1String("created"), QDateTime::currentSecsSinceEpoch()},
                {QLatin1String("model"), model},
                {QLatin1String("choices"),
                 QJsonArray {QJsonObject {
                         {QLatin1String("index"), 0},
                         {QLatin1String("message"),
                          QJsonObject {{QLatin1String("role"), QLatin1String("assistant")},
                                       {QLatin1String("content"), s->words.join(QString())}}},
                         {QLatin1String("finish_reason"), QLatin1String("stop")}}}}};
        sendHttpResponse(socket, 200, "application/json", compactJson(completion) + '\n');
        return;
    }

    const ChunkMaker maker(model);
    QList<QByteArray> frames;
    frames.append(maker.chunk("{\"role\":\"assistant\",\"content\":\"\"}"));
    for (qsizetype i = 0; i < s->words.size(); ++i) {
        if (s->error && i == 3) {
            frames.append("data: {\"error\":{\"message\":\"The server had an error while "
                          "processing your request (demo: /error).\",\"type\":\"server_error\","
                          "\"param\":null,\"code\":null}}\n\n");
            LlmFrameWriter::start(socket, frames, s->intervalMs);
            return;
        }
        if (s->pings)
            frames.append(": keep-alive\n\n");
        frames.append(maker.chunk("{\"content\":" + jsonString(s->words.at(i)) + '}'));
    }
    int completion = int(s->words.size());
    if (s->toolCall) {
        frames.append(maker.chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_demo1\",\"type\":"
                                  "\"function\",\"function\":{\"name\":\"get_weather\","
                                  "\"arguments\":\"\"}}]}"));
        for (const QString &piece : llmToolArgumentPieces()) {
            frames.append(maker.chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                                      + jsonString(piece) + "}}]}"));
            ++completion;
        }
    }
    frames.append(maker.chunk("{}", s->toolCall ? "\"tool_calls\"" : "\"stop\""));
    const bool includeUsage = body.value(QLatin1String("stream_options"))
                                      .toObject()
                                      .value(QLatin1String("include_usage"))
                                      .toBool();
    if (includeUsage)
        frames.append(
                maker.usage(int(prompt.split(u' ', Qt::SkipEmptyParts).size()) + 8, completion));
    frames.append("data: [DONE]\n\n");
    LlmFrameWriter::start(socket, frames, s->intervalMs);
}
