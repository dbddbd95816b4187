// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSELLMSTREAM_P_H
#define SSELLMSTREAM_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.
//
// SseLlmStream's state, and the small interface each provider's dialect implements: the stream
// parses an event's data once and hands it to the dialect, which calls the stream back with what
// the event means (text, a tool call's pieces, the usage, the end, an error). One dialect per
// file: ssellmchatcompletions.cpp, ssellmresponses.cpp, ssellmanthropic.cpp, ssellmgemini.cpp.

#include "ssellmstream.h"

#include <QtCore/qhash.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>

#include <memory>

namespace QtSsePrivate {

class LlmStreamState;

// One event as the dialects see it: its type and data, and the data parsed once (json is
// empty unless the data is a JSON object).
struct LlmFrame
{
    const QString &type;
    const QString &data;
    const QJsonObject &json;
    bool isJson;
};

// A token count of a provider's usage object (its field names differ), -1 when absent.
inline int usageTokens(const QJsonObject &usage, const char *field)
{
    const QJsonValue v = usage.value(QLatin1String(field));
    return v.isDouble() ? v.toInt() : -1;
}

class LlmDialect
{
public:
    virtual ~LlmDialect();
    virtual void handle(const LlmFrame &frame, LlmStreamState &stream) = 0;
    // Whether the stream may end by the server closing it here (Gemini has no terminal event:
    // its last response carries a finishReason).
    virtual bool mayEndAtEof(const LlmStreamState &) const { return false; }
};

std::unique_ptr<LlmDialect> createChatCompletionsDialect();
std::unique_ptr<LlmDialect> createResponsesDialect();
std::unique_ptr<LlmDialect> createAnthropicDialect();
std::unique_ptr<LlmDialect> createGeminiDialect();
std::unique_ptr<LlmDialect> createLlmDialect(SseLlmStream::Dialect dialect);

// The dialect an event tells unambiguously, else AutoDialect (a ping, an error, a shape that
// several providers share).
SseLlmStream::Dialect detectLlmDialect(const LlmFrame &frame);

// A provider's error object in any of the documented shapes: {"error":{"type"|"status"|"code",
// "message"}} (OpenAI Chat, Anthropic, Gemini) or {"type":"error","code","message"} (OpenAI
// Responses). False when json is none of them.
bool extractProviderError(const QJsonObject &json, QString *type, QString *message);

// What the dialects change. Every call emits what it changes; after finish() or fail() the
// stream ignores further calls.
class LlmStreamState
{
public:
    explicit LlmStreamState(SseLlmStream *q) : q(q) { }
    virtual ~LlmStreamState() = default;

    bool isStreaming() const { return state == SseLlmStream::Streaming; }
    void appendText(const QString &delta);
    void appendReasoning(const QString &delta);
    // key: the provider's own index of the call (or of its content block, its output item);
    // the stream numbers tool calls 0, 1, 2... in the order they start.
    bool hasToolCall(qint64 key) const { return toolCallByKey.contains(key); }
    void startToolCall(qint64 key, const QString &id, const QString &name);
    void appendToolArguments(qint64 key, const QString &delta);
    // arguments, when given, replaces what the deltas said (a provider's final full copy).
    void completeToolCall(qint64 key, const QString *arguments = nullptr);
    void completeAllToolCalls();
    int toolCallCount() const { return int(toolCallList.size()); }
    void setFinishReason(const QString &reason);
    QString currentFinishReason() const { return finishReason; }
    // raw: the provider's usage object; merge adds its fields to what came before (Anthropic's
    // message_start and message_delta each carry part of it). -1: not given.
    void setUsage(const QJsonObject &raw, int input, int output, int total, bool merge = false);
    void setModel(const QString &model);
    void finish();
    void fail(SseLlmStream::Error error, const QString &type, const QString &message);

public:
    struct ToolCall
    {
        QString id;
        QString name;
        QString arguments;
        bool complete = false;
        QJsonObject json; // what toolCalls() shows
    };

    void setState(SseLlmStream::State s);
    void resetState();
    void closeClient();
    void rebuildToolCalls();

    SseLlmStream *q;
    SseLlmStream::State state = SseLlmStream::Idle;
    QString text;
    QString reasoning;
    QList<ToolCall> toolCallList;
    QHash<qint64, int> toolCallByKey;
    QJsonArray toolCallsJson;
    QString finishReason;
    QJsonObject usage;
    int inputTokens = -1;
    int outputTokens = -1;
    int totalTokens = -1;
    QString model;
    SseLlmStream::Error error = SseLlmStream::NoError;
    QString errorType;
    QString errorString;
    QPointer<SseClient> client;
};

} // namespace QtSsePrivate

class SseLlmStreamPrivate : public QtSsePrivate::LlmStreamState
{
public:
    explicit SseLlmStreamPrivate(SseLlmStream *q) : LlmStreamState(q) { }

    void attach(SseClient *c, bool owned);
    void begin(); // a new stream: everything cleared, Streaming
    void onEvent(const SseEvent &event);
    void onEndOfStream();
    void onClientClosed();
    void onReconnectScheduled();
    void setDetectedDialect(SseLlmStream::Dialect d);

    SseLlmStream::Dialect dialect = SseLlmStream::AutoDialect;
    SseLlmStream::Dialect detected = SseLlmStream::AutoDialect;
    std::unique_ptr<QtSsePrivate::LlmDialect> handler;
    bool ownsClient = false;
    bool clientOpened = false; // the client's stream opened since begin()

    friend class SseLlmStream;
};

#endif // SSELLMSTREAM_P_H
