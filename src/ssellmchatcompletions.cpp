// SPDX-License-Identifier: BSD-3-Clause
// OpenAI Chat Completions (and the servers that copy it): data-only chat.completion.chunk
// frames, "data: [DONE]" at the end. Tool calls are keyed by their index; the name comes once,
// the arguments in pieces. With stream_options.include_usage, a last chunk with empty "choices"
// carries the usage. An {"error": {...}} object may arrive instead of a chunk.
#include "ssellmstream_p.h"

#include <QtCore/qjsonarray.h>

namespace QtSsePrivate {
namespace {

class ChatCompletionsDialect : public LlmDialect
{
public:
    void handle(const LlmFrame &frame, LlmStreamState &s) override
    {
        if (frame.type != QLatin1String("message"))
            return; // data-only frames; typed events are someone else's and ignored
        if (frame.data == QLatin1String("[DONE]")) {
            s.finish();
            return;
        }
        if (!frame.isJson) {
            s.fail(SseLlmStream::ProtocolError, QString(),
                   QStringLiteral("A Chat Completions event is neither JSON nor [DONE]: %1")
                           .arg(frame.data.left(80)));
            return;
        }
        QString type, message;
        if (extractProviderError(frame.json, &type, &message)) {
            s.fail(SseLlmStream::ProviderError, type, message);
            return;
        }
        s.setModel(frame.json.value(QLatin1String("model")).toString());
        const QJsonArray choices = frame.json.value(QLatin1String("choices")).toArray();
        for (const QJsonValue &choiceValue : choices) {
            const QJsonObject choice = choiceValue.toObject();
            if (choice.value(QLatin1String("index")).toInt() != 0)
                continue; // n > 1: the first choice is the reply
            const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
            s.appendReasoning(delta.value(QLatin1String("reasoning_content")).toString());
            s.appendReasoning(delta.value(QLatin1String("reasoning")).toString());
            s.appendText(delta.value(QLatin1String("content")).toString());
            const QJsonArray calls = delta.value(QLatin1String("tool_calls")).toArray();
            for (const QJsonValue &callValue : calls) {
                const QJsonObject call = callValue.toObject();
                const qint64 key = call.value(QLatin1String("index")).toInteger();
                const QJsonObject function = call.value(QLatin1String("function")).toObject();
                if (!s.hasToolCall(key))
                    s.startToolCall(key, call.value(QLatin1String("id")).toString(),
                                    function.value(QLatin1String("name")).toString());
                s.appendToolArguments(key, function.value(QLatin1String("arguments")).toString());
            }
            const QJsonValue reason = choice.value(QLatin1String("finish_reason"));
            if (reason.isString()) {
                s.completeAllToolCalls();
                s.setFinishReason(reason.toString());
            }
        }
        const QJsonObject usage = frame.json.value(QLatin1String("usage")).toObject();
        if (!usage.isEmpty())
            s.setUsage(usage, usageTokens(usage, "prompt_tokens"),
                       usageTokens(usage, "completion_tokens"), usageTokens(usage, "total_tokens"));
    }
};

} // namespace

std::unique_ptr<LlmDialect> createChatCompletionsDialect()
{
    return std::make_unique<ChatCompletionsDialect>();
}

} // namespace QtSsePrivate
