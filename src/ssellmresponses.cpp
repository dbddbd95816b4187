// SPDX-License-Identifier: BSD-3-Clause
// OpenAI Responses: typed events whose data repeats the type, with a sequence_number.
// response.created, response.output_item.added (a function_call item starts a tool call),
// response.output_text.delta, response.reasoning_summary_text.delta,
// response.function_call_arguments.delta / .done, response.completed / failed / incomplete,
// and "error". No [DONE]: response.completed, .failed and .incomplete are terminal.
#include "ssellmstream_p.h"

namespace QtSsePrivate {
namespace {

class ResponsesDialect : public LlmDialect
{
public:
    void handle(const LlmFrame &frame, LlmStreamState &s) override
    {
        QString type = frame.type;
        if (type == QLatin1String("message"))
            type = frame.json.value(QLatin1String("type")).toString();
        if (!type.startsWith(QLatin1String("response.")) && type != QLatin1String("error"))
            return; // unknown events never break the stream
        if (!frame.isJson) {
            s.fail(SseLlmStream::ProtocolError, QString(),
                   QStringLiteral("The data of a %1 event is not a JSON object").arg(type));
            return;
        }
        const QJsonObject &d = frame.json;
        const qint64 outputIndex = d.value(QLatin1String("output_index")).toInteger();
        if (type == QLatin1String("response.output_text.delta")) {
            s.appendText(d.value(QLatin1String("delta")).toString());
        } else if (type == QLatin1String("response.reasoning_summary_text.delta")
                   || type == QLatin1String("response.reasoning_text.delta")) {
            s.appendReasoning(d.value(QLatin1String("delta")).toString());
        } else if (type == QLatin1String("response.function_call_arguments.delta")) {
            s.appendToolArguments(outputIndex, d.value(QLatin1String("delta")).toString());
        } else if (type == QLatin1String("response.function_call_arguments.done")) {
            const QJsonValue arguments = d.value(QLatin1String("arguments"));
            const QString text = arguments.toString();
            s.completeToolCall(outputIndex, arguments.isString() ? &text : nullptr);
        } else if (type == QLatin1String("response.output_item.added")
                   || type == QLatin1String("response.output_item.done")) {
            const QJsonObject item = d.value(QLatin1String("item")).toObject();
            if (item.value(QLatin1String("type")) != QLatin1String("function_call"))
                return;
            s.startToolCall(outputIndex, item.value(QLatin1String("call_id")).toString(),
                            item.value(QLatin1String("name")).toString());
            if (type == QLatin1String("response.output_item.done")) {
                const QString arguments = item.value(QLatin1String("arguments")).toString();
                s.completeToolCall(outputIndex, &arguments);
            }
        } else if (type == QLatin1String("response.created")
                   || type == QLatin1String("response.in_progress")) {
            s.setModel(d.value(QLatin1String("response"))
                               .toObject()
                               .value(QLatin1String("model"))
                               .toString());
        } else if (type == QLatin1String("response.completed")
                   || type == QLatin1String("response.incomplete")) {
            const QJsonObject response = d.value(QLatin1String("response")).toObject();
            s.setModel(response.value(QLatin1String("model")).toString());
            const QJsonObject usage = response.value(QLatin1String("usage")).toObject();
            if (!usage.isEmpty())
                s.setUsage(usage, usageTokens(usage, "input_tokens"),
                           usageTokens(usage, "output_tokens"), usageTokens(usage, "total_tokens"));
            const QString reason = response.value(QLatin1String("incomplete_details"))
                                           .toObject()
                                           .value(QLatin1String("reason"))
                                           .toString();
            s.setFinishReason(!reason.isEmpty()
                                      ? reason
                                      : response.value(QLatin1String("status")).toString());
            s.finish();
        } else if (type == QLatin1String("response.failed")) {
            const QJsonObject response = d.value(QLatin1String("response")).toObject();
            QString errorType, message;
            if (!extractProviderError(response, &errorType, &message))
                message = QStringLiteral("The response failed");
            s.fail(SseLlmStream::ProviderError, errorType, message);
        } else if (type == QLatin1String("error")) {
            QString errorType, message;
            extractProviderError(d.contains(QLatin1String("error"))
                                         ? d
                                         : QJsonObject {{QLatin1String("error"), d}},
                                 &errorType, &message);
            s.fail(SseLlmStream::ProviderError, errorType, message);
        }
    }
};

} // namespace

std::unique_ptr<LlmDialect> createResponsesDialect()
{
    return std::make_unique<ResponsesDialect>();
}

} // namespace QtSsePrivate
