// SPDX-License-Identifier: BSD-3-Clause
// Anthropic Messages: message_start, then per content block content_block_start,
// content_block_delta (text_delta, input_json_delta with partial_json, thinking_delta,
// signature_delta) and content_block_stop, then message_delta (stop_reason, cumulative usage)
// and message_stop. Any number of "ping" events; "error" (overloaded_error, ...) may come
// mid-stream after the 200; other event types are ignored, as Anthropic asks of clients.
#include "ssellmstream_p.h"

namespace QtSsePrivate {
namespace {

class AnthropicDialect : public LlmDialect
{
public:
    void handle(const LlmFrame &frame, LlmStreamState &s) override
    {
        QString type = frame.type;
        if (type == QLatin1String("message"))
            type = frame.json.value(QLatin1String("type")).toString();
        const bool known = type == QLatin1String("message_start")
                || type.startsWith(QLatin1String("content_block_"))
                || type == QLatin1String("message_delta") || type == QLatin1String("message_stop")
                || type == QLatin1String("error");
        if (!known)
            return; // ping, and event types added later
        if (!frame.isJson) {
            s.fail(SseLlmStream::ProtocolError, QString(),
                   QStringLiteral("The data of a %1 event is not a JSON object").arg(type));
            return;
        }
        const QJsonObject &d = frame.json;
        const qint64 index = d.value(QLatin1String("index")).toInteger();
        if (type == QLatin1String("content_block_delta")) {
            const QJsonObject delta = d.value(QLatin1String("delta")).toObject();
            const QString deltaType = delta.value(QLatin1String("type")).toString();
            if (deltaType == QLatin1String("text_delta"))
                s.appendText(delta.value(QLatin1String("text")).toString());
            else if (deltaType == QLatin1String("input_json_delta"))
                s.appendToolArguments(index, delta.value(QLatin1String("partial_json")).toString());
            else if (deltaType == QLatin1String("thinking_delta"))
                s.appendReasoning(delta.value(QLatin1String("thinking")).toString());
        } else if (type == QLatin1String("content_block_start")) {
            const QJsonObject block = d.value(QLatin1String("content_block")).toObject();
            const QString blockType = block.value(QLatin1String("type")).toString();
            if (blockType == QLatin1String("tool_use")
                || blockType == QLatin1String("server_tool_use"))
                s.startToolCall(index, block.value(QLatin1String("id")).toString(),
                                block.value(QLatin1String("name")).toString());
            else if (blockType == QLatin1String("text"))
                s.appendText(block.value(QLatin1String("text")).toString());
        } else if (type == QLatin1String("content_block_stop")) {
            s.completeToolCall(index);
        } else if (type == QLatin1String("message_start")) {
            const QJsonObject message = d.value(QLatin1String("message")).toObject();
            s.setModel(message.value(QLatin1String("model")).toString());
            const QJsonObject usage = message.value(QLatin1String("usage")).toObject();
            if (!usage.isEmpty())
                s.setUsage(usage, usageTokens(usage, "input_tokens"),
                           usageTokens(usage, "output_tokens"), -1);
        } else if (type == QLatin1String("message_delta")) {
            s.setFinishReason(d.value(QLatin1String("delta"))
                                      .toObject()
                                      .value(QLatin1String("stop_reason"))
                                      .toString());
            const QJsonObject usage = d.value(QLatin1String("usage")).toObject();
            if (!usage.isEmpty()) // cumulative: replaces what message_start said
                s.setUsage(usage, usageTokens(usage, "input_tokens"),
                           usageTokens(usage, "output_tokens"), -1, true);
        } else if (type == QLatin1String("message_stop")) {
            s.finish();
        } else if (type == QLatin1String("error")) {
            QString errorType, message;
            if (!extractProviderError(d, &errorType, &message))
                message = QStringLiteral("The provider reported an error without a message");
            s.fail(SseLlmStream::ProviderError, errorType, message);
        }
    }
};

} // namespace

std::unique_ptr<LlmDialect> createAnthropicDialect()
{
    return std::make_unique<AnthropicDialect>();
}

} // namespace QtSsePrivate
