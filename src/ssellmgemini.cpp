// SPDX-License-Identifier: BSD-3-Clause
// Gemini streamGenerateContent?alt=sse: each frame a whole GenerateContentResponse
// (candidates[].content.parts[] with text, thought parts, functionCall), a finishReason on the
// last candidate and usageMetadata (the last one holds the totals). No terminal event: the
// stream is whole when the server ends it after a finishReason. An {"error": {...}} object may
// arrive instead.
#include "ssellmstream_p.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>

namespace QtSsePrivate {
namespace {

class GeminiDialect : public LlmDialect
{
public:
    void handle(const LlmFrame &frame, LlmStreamState &s) override
    {
        if (frame.type != QLatin1String("message"))
            return; // Gemini sends no typed events; others are ignored
        if (!frame.isJson) {
            s.fail(SseLlmStream::ProtocolError, QString(),
                   QStringLiteral("A Gemini event is not a JSON object: %1")
                           .arg(frame.data.left(80)));
            return;
        }
        QString type, message;
        if (extractProviderError(frame.json, &type, &message)) {
            s.fail(SseLlmStream::ProviderError, type, message);
            return;
        }
        s.setModel(frame.json.value(QLatin1String("modelVersion")).toString());
        const QJsonArray candidates = frame.json.value(QLatin1String("candidates")).toArray();
        if (!candidates.isEmpty()) {
            const QJsonObject candidate = candidates.first().toObject();
            const QJsonArray parts = candidate.value(QLatin1String("content"))
                                             .toObject()
                                             .value(QLatin1String("parts"))
                                             .toArray();
            for (const QJsonValue &partValue : parts) {
                const QJsonObject part = partValue.toObject();
                if (part.contains(QLatin1String("functionCall"))) {
                    // Whole in one part: started, its arguments in one piece, complete.
                    const QJsonObject call = part.value(QLatin1String("functionCall")).toObject();
                    const qint64 key = s.toolCallCount();
                    s.startToolCall(key, call.value(QLatin1String("id")).toString(),
                                    call.value(QLatin1String("name")).toString());
                    const QString arguments = QString::fromUtf8(
                            QJsonDocument(call.value(QLatin1String("args")).toObject())
                                    .toJson(QJsonDocument::Compact));
                    s.appendToolArguments(key, arguments);
                    s.completeToolCall(key);
                } else if (part.value(QLatin1String("thought")).toBool()) {
                    s.appendReasoning(part.value(QLatin1String("text")).toString());
                } else {
                    s.appendText(part.value(QLatin1String("text")).toString());
                }
            }
            s.setFinishReason(candidate.value(QLatin1String("finishReason")).toString());
        }
        const QString blocked = frame.json.value(QLatin1String("promptFeedback"))
                                        .toObject()
                                        .value(QLatin1String("blockReason"))
                                        .toString();
        s.setFinishReason(blocked);
        const QJsonObject usage = frame.json.value(QLatin1String("usageMetadata")).toObject();
        if (!usage.isEmpty())
            s.setUsage(usage, usageTokens(usage, "promptTokenCount"),
                       usageTokens(usage, "candidatesTokenCount"),
                       usageTokens(usage, "totalTokenCount"));
    }

    bool mayEndAtEof(const LlmStreamState &s) const override
    {
        return !s.currentFinishReason().isEmpty();
    }
};

} // namespace

std::unique_ptr<LlmDialect> createGeminiDialect()
{
    return std::make_unique<GeminiDialect>();
}

} // namespace QtSsePrivate
