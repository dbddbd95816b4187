// SPDX-License-Identifier: BSD-3-Clause
#include "responsesstream.h"

#include "httprequest.h"
#include "llmdemo.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qjsondocument.h>

namespace {

class EventMaker
{
public:
    QByteArray event(const QString &type, QJsonObject data)
    {
        data.insert(QStringLiteral("type"), type);
        data.insert(QStringLiteral("sequence_number"), m_sequence++);
        return "event: " + type.toUtf8() + "\ndata: " + compactJson(data) + "\n\n";
    }

private:
    int m_sequence = 0;
};

void sendError(QTcpSocket *socket, const QByteArray &message)
{
    sendLlmError(socket, LlmProvider::OpenAI, 400, "invalid_request_error", message);
}

} // namespace

void ResponsesStream::handle(QTcpSocket *socket, const HttpRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject()) {
        sendError(socket, "the body is not a JSON object: " + parseError.errorString().toUtf8());
        return;
    }
    const QJsonObject body = document.object();
    const QJsonValue input = body.value(QLatin1String("input"));
    const QString prompt = input.isString() ? input.toString() : lastUserText(input.toArray());
    if (prompt.isEmpty() && !input.isArray()) {
        sendError(socket, "'input' must be a string or an array of messages");
        return;
    }
    if (body.value(QLatin1String("stream")) != QJsonValue(true)) {
        sendError(socket, "this demo streams only: set \"stream\": true");
        return;
    }
    QString model = body.value(QLatin1String("model")).toString();
    if (model.isEmpty())
        model = QStringLiteral("demo-model");
    const std::optional<LlmScenario> s =
            llmScenario(socket, request, LlmProvider::OpenAI, prompt, model);
    if (!s)
        return;

    const QString id = QStringLiteral("resp_demo");
    const auto response = [&](const QString &status, const QJsonArray &output,
                              const QJsonValue &usage) {
        return QJsonObject {{QStringLiteral("id"), id},
                            {QStringLiteral("object"), QStringLiteral("response")},
                            {QStringLiteral("created_at"), QDateTime::currentSecsSinceEpoch()},
                            {QStringLiteral("status"), status},
                            {QStringLiteral("model"), model},
                            {QStringLiteral("output"), output},
                            {QStringLiteral("usage"), usage}};
    };
    EventMaker e;
    QList<QByteArray> frames;
    frames.append(e.event(QStringLiteral("response.created"),
                          {{QStringLiteral("response"),
                            response(QStringLiteral("in_progress"), {}, QJsonValue::Null)}}));
    frames.append(e.event(QStringLiteral("response.in_progress"),
                          {{QStringLiteral("response"),
                            response(QStringLiteral("in_progress"), {}, QJsonValue::Null)}}));
    const QString messageId = QStringLiteral("msg_demo");
    QJsonObject message {{QStringLiteral("id"), messageId},
                         {QStringLiteral("type"), QStringLiteral("message")},
                         {QStringLiteral("status"), QStringLiteral("in_progress")},
                         {QStringLiteral("role"), QStringLiteral("assistant")},
                         {QStringLiteral("content"), QJsonArray()}};
    frames.append(
            e.event(QStringLiteral("response.output_item.added"),
                    {{QStringLiteral("output_index"), 0}, {QStringLiteral("item"), message}}));
    const QJsonObject textPart {{QStringLiteral("type"), QStringLiteral("output_text")},
                                {QStringLiteral("annotations"), QJsonArray()},
                                {QStringLiteral("text"), QString()}};
    const QJsonObject at {{QStringLiteral("item_id"), messageId},
                          {QStringLiteral("output_index"), 0},
                          {QStringLiteral("content_index"), 0}};
    QJsonObject partAdded = at;
    partAdded.insert(QStringLiteral("part"), textPart);
    frames.append(e.event(QStringLiteral("response.content_part.added"), partAdded));
    for (qsizetype i = 0; i < s->words.size(); ++i) {
        if (s->error && i == 3) {
            frames.append(e.event(
                    QStringLiteral("error"),
                    {{QStringLiteral("code"), QStringLiteral("server_error")},
                     {QStringLiteral("message"),
                      QStringLiteral("The server had an error while processing your request "
                                     "(demo: /error).")},
                     {QStringLiteral("param"), QJsonValue::Null}}));
            LlmFrameWriter::start(socket, frames, s->intervalMs);
            return;
        }
        if (s->pings)
            frames.append(": keep-alive\n\n");
        QJsonObject delta = at;
        delta.insert(QStringLiteral("delta"), s->words.at(i));
        delta.insert(QStringLiteral("logprobs"), QJsonArray());
        frames.append(e.event(QStringLiteral("response.output_text.delta"), delta));
    }
    const QString text = s->words.join(QString());
    QJsonObject textDone = at;
    textDone.insert(QStringLiteral("text"), text);
    frames.append(e.event(QStringLiteral("response.output_text.done"), textDone));
    QJsonObject donePart = textPart;
    donePart.insert(QStringLiteral("text"), text);
    QJsonObject partDone = at;
    partDone.insert(QStringLiteral("part"), donePart);
    frames.append(e.event(QStringLiteral("response.content_part.done"), partDone));
    message.insert(QStringLiteral("status"), QStringLiteral("completed"));
    message.insert(QStringLiteral("content"), QJsonArray {donePart});
    frames.append(
            e.event(QStringLiteral("response.output_item.done"),
                    {{QStringLiteral("output_index"), 0}, {QStringLiteral("item"), message}}));
    QJsonArray output {message};
    int outputTokens = int(s->words.size());
    if (s->toolCall) {
        QJsonObject call {{QStringLiteral("id"), QStringLiteral("fc_demo")},
                          {QStringLiteral("type"), QStringLiteral("function_call")},
                          {QStringLiteral("status"), QStringLiteral("in_progress")},
                          {QStringLiteral("arguments"), QString()},
                          {QStringLiteral("call_id"), QStringLiteral("call_demo1")},
                          {QStringLiteral("name"), QStringLiteral("get_weather")}};
        frames.append(
                e.event(QStringLiteral("response.output_item.added"),
                        {{QStringLiteral("output_index"), 1}, {QStringLiteral("item"), call}}));
        for (const QString &piece : llmToolArgumentPieces()) {
            frames.append(e.event(QStringLiteral("response.function_call_arguments.delta"),
                                  {{QStringLiteral("item_id"), QStringLiteral("fc_demo")},
                                   {QStringLiteral("output_index"), 1},
                                   {QStringLiteral("delta"), piece}}));
            ++outputTokens;
        }
        frames.append(e.event(QStringLiteral("response.function_call_arguments.done"),
                              {{QStringLiteral("item_id"), QStringLiteral("fc_demo")},
                               {QStringLiteral("output_index"), 1},
                               {QStringLiteral("arguments"), llmToolArguments()}}));
        call.insert(QStringLiteral("status"), QStringLiteral("completed"));
        call.insert(QStringLiteral("arguments"), llmToolArguments());
        frames.append(
                e.event(QStringLiteral("response.output_item.done"),
                        {{QStringLiteral("output_index"), 1}, {QStringLiteral("item"), call}}));
        output.append(call);
    }
    const int inputTokens = int(prompt.split(u' ', Qt::SkipEmptyParts).size()) + 8;
    const QJsonObject usage {{QStringLiteral("input_tokens"), inputTokens},
                             {QStringLiteral("output_tokens"), outputTokens},
                             {QStringLiteral("total_tokens"), inputTokens + outputTokens}};
    frames.append(e.event(
            QStringLiteral("response.completed"),
            {{QStringLiteral("response"), response(QStringLiteral("completed"), output, usage)}}));
    LlmFrameWriter::start(socket, frames, s->intervalMs);
}
