// SPDX-License-Identifier: BSD-3-Clause
// SseLlmStream's private side: how an event reaches a dialect (its data parsed once), how the
// stream ends (terminal event, end of the body, the client's failure, abort) and what each
// change emits. The client is closed at every end, so that no end of an LLM stream is ever
// followed by a reconnect.
#include "ssellmstream_p.h"

#include "sseclient.h"

#include <QtCore/qjsondocument.h>
#include <QtCore/qloggingcategory.h>

Q_LOGGING_CATEGORY(lcSseLlm, "qtsse.llm", QtWarningMsg)

namespace QtSsePrivate {

LlmDialect::~LlmDialect() = default;

std::unique_ptr<LlmDialect> createLlmDialect(SseLlmStream::Dialect dialect)
{
    switch (dialect) {
    case SseLlmStream::OpenAIChatCompletions:
        return createChatCompletionsDialect();
    case SseLlmStream::OpenAIResponses:
        return createResponsesDialect();
    case SseLlmStream::AnthropicMessages:
        return createAnthropicDialect();
    case SseLlmStream::GeminiGenerateContent:
        return createGeminiDialect();
    case SseLlmStream::AutoDialect:
        break;
    }
    return nullptr;
}

SseLlmStream::Dialect detectLlmDialect(const LlmFrame &frame)
{
    if (frame.data == QLatin1String("[DONE]"))
        return SseLlmStream::OpenAIChatCompletions;
    // Typed events: Anthropic's names, or OpenAI Responses' "response." prefix. The data's own
    // "type" says the same, for relays that drop the event: lines.
    QString type = frame.type;
    if (type == QLatin1String("message"))
        type = frame.json.value(QLatin1String("type")).toString();
    if (type.startsWith(QLatin1String("response.")))
        return SseLlmStream::OpenAIResponses;
    if (type == QLatin1String("message_start") || type.startsWith(QLatin1String("content_block_"))
        || type == QLatin1String("message_delta") || type == QLatin1String("message_stop"))
        return SseLlmStream::AnthropicMessages;
    if (frame.type != QLatin1String("message") || !frame.isJson)
        return SseLlmStream::AutoDialect;
    if (frame.json.value(QLatin1String("object")).toString()
                == QLatin1String("chat.completion.chunk")
        || frame.json.contains(QLatin1String("choices")))
        return SseLlmStream::OpenAIChatCompletions;
    if (frame.json.contains(QLatin1String("candidates"))
        || frame.json.contains(QLatin1String("usageMetadata"))
        || frame.json.contains(QLatin1String("promptFeedback")))
        return SseLlmStream::GeminiGenerateContent;
    return SseLlmStream::AutoDialect;
}

bool extractProviderError(const QJsonObject &json, QString *type, QString *message)
{
    const QJsonValue error = json.value(QLatin1String("error"));
    QJsonObject object;
    if (error.isObject()) {
        object = error.toObject();
    } else if (json.value(QLatin1String("type")) == QLatin1String("error")) {
        object = json;
    } else {
        return false;
    }
    QString t;
    for (const char *field : {"type", "status", "code"}) {
        const QJsonValue v = object.value(QLatin1String(field));
        if (v.isString() && !v.toString().isEmpty() && v.toString() != QLatin1String("error")) {
            t = v.toString();
            break;
        }
        if (v.isDouble()) {
            t = QString::number(v.toInteger());
            break;
        }
    }
    *type = t;
    *message = object.value(QLatin1String("message")).toString();
    if (message->isEmpty())
        *message = QStringLiteral("The provider reported an error without a message");
    return true;
}

void LlmStreamState::setState(SseLlmStream::State s)
{
    if (state == s)
        return;
    state = s;
    Q_EMIT q->stateChanged(s);
}

void LlmStreamState::resetState()
{
    const bool hadText = !text.isEmpty();
    const bool hadReasoning = !reasoning.isEmpty();
    const bool hadTools = !toolCallList.isEmpty();
    const bool hadReason = !finishReason.isEmpty();
    const bool hadUsage =
            !usage.isEmpty() || inputTokens >= 0 || outputTokens >= 0 || totalTokens >= 0;
    const bool hadModel = !model.isEmpty();
    const bool hadError = error != SseLlmStream::NoError;
    text.clear();
    reasoning.clear();
    toolCallList.clear();
    toolCallByKey.clear();
    toolCallsJson = QJsonArray();
    finishReason.clear();
    usage = QJsonObject();
    inputTokens = outputTokens = totalTokens = -1;
    model.clear();
    error = SseLlmStream::NoError;
    errorType.clear();
    errorString.clear();
    if (hadText)
        Q_EMIT q->textChanged();
    if (hadReasoning)
        Q_EMIT q->reasoningChanged();
    if (hadTools)
        Q_EMIT q->toolCallsChanged();
    if (hadReason)
        Q_EMIT q->finishReasonChanged(finishReason);
    if (hadUsage)
        Q_EMIT q->usageChanged();
    if (hadModel)
        Q_EMIT q->modelChanged(model);
    if (hadError)
        Q_EMIT q->errorChanged();
}

void LlmStreamState::closeClient()
{
    if (client && client->state() != SseClient::Closed && client->state() != SseClient::Failed)
        client->close();
}

void LlmStreamState::appendText(const QString &delta)
{
    if (!isStreaming() || delta.isEmpty())
        return;
    text += delta;
    Q_EMIT q->textReceived(delta);
    Q_EMIT q->textChanged();
}

void LlmStreamState::appendReasoning(const QString &delta)
{
    if (!isStreaming() || delta.isEmpty())
        return;
    reasoning += delta;
    Q_EMIT q->reasoningReceived(delta);
    Q_EMIT q->reasoningChanged();
}

void LlmStreamState::rebuildToolCalls()
{
    QJsonArray array;
    for (const ToolCall &call : std::as_const(toolCallList))
        array.append(call.json);
    toolCallsJson = array;
}

void LlmStreamState::startToolCall(qint64 key, const QString &id, const QString &name)
{
    if (!isStreaming() || toolCallByKey.contains(key))
        return;
    const int index = int(toolCallList.size());
    ToolCall call;
    call.id = id;
    call.name = name;
    call.json = QJsonObject {{QLatin1String("index"), index},
                             {QLatin1String("id"), id},
                             {QLatin1String("name"), name},
                             {QLatin1String("complete"), false}};
    toolCallList.append(call);
    toolCallByKey.insert(key, index);
    rebuildToolCalls();
    Q_EMIT q->toolCallStarted(index, id, name);
    Q_EMIT q->toolCallsChanged();
}

void LlmStreamState::appendToolArguments(qint64 key, const QString &delta)
{
    const auto it = toolCallByKey.constFind(key);
    if (!isStreaming() || it == toolCallByKey.cend() || delta.isEmpty())
        return;
    ToolCall &call = toolCallList[*it];
    if (call.complete)
        return;
    call.arguments += delta;
    Q_EMIT q->toolCallArgumentsReceived(*it, delta);
}

void LlmStreamState::completeToolCall(qint64 key, const QString *arguments)
{
    const auto it = toolCallByKey.constFind(key);
    if (!isStreaming() || it == toolCallByKey.cend())
        return;
    const int index = *it;
    ToolCall &call = toolCallList[index];
    if (call.complete)
        return;
    call.complete = true;
    if (arguments)
        call.arguments = *arguments;
    // Parsed once, now that it is whole. No arguments at all is an empty object (a tool without
    // parameters); anything that is not a JSON object is said in "error", as the provider sent it.
    const QString text = call.arguments.trimmed();
    QJsonParseError parseError;
    const QJsonDocument document = text.isEmpty()
            ? QJsonDocument(QJsonObject())
            : QJsonDocument::fromJson(text.toUtf8(), &parseError);
    call.json.insert(QLatin1String("complete"), true);
    if (document.isObject()) {
        call.json.insert(QLatin1String("arguments"), document.object());
    } else {
        call.json.insert(QLatin1String("argumentsText"), call.arguments);
        call.json.insert(
                QLatin1String("error"),
                parseError.error != QJsonParseError::NoError
                        ? QStringLiteral("The arguments are not valid JSON: %1 at offset %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset)
                        : QStringLiteral("The arguments are not a JSON object"));
    }
    rebuildToolCalls();
    Q_EMIT q->toolCallCompleted(index, call.json);
    Q_EMIT q->toolCallsChanged();
}

void LlmStreamState::completeAllToolCalls()
{
    for (auto it = toolCallByKey.cbegin(); it != toolCallByKey.cend() && isStreaming(); ++it) {
        if (!toolCallList.at(*it).complete)
            completeToolCall(it.key());
    }
}

void LlmStreamState::setFinishReason(const QString &reason)
{
    if (!isStreaming() || reason.isEmpty() || reason == finishReason)
        return;
    finishReason = reason;
    Q_EMIT q->finishReasonChanged(finishReason);
}

void LlmStreamState::setUsage(const QJsonObject &raw, int input, int output, int total, bool merge)
{
    if (!isStreaming())
        return;
    const int in = input >= 0 ? input : (merge ? inputTokens : -1);
    const int out = output >= 0 ? output : (merge ? outputTokens : -1);
    int sum = total;
    if (sum < 0 && in >= 0 && out >= 0)
        sum = in + out;
    const bool sameCounts = in == inputTokens && out == outputTokens && sum == totalTokens;
    if (!merge) {
        // Gemini repeats its usage in every response: the common case is no change at all.
        if (sameCounts && raw == usage)
            return;
        usage = raw;
    } else {
        QJsonObject next = usage;
        for (auto it = raw.begin(); it != raw.end(); ++it)
            next.insert(it.key(), it.value());
        if (sameCounts && next == usage)
            return;
        usage = next;
    }
    inputTokens = in;
    outputTokens = out;
    totalTokens = sum;
    Q_EMIT q->usageChanged();
}

void LlmStreamState::setModel(const QString &m)
{
    if (!isStreaming() || m.isEmpty() || m == model)
        return;
    model = m;
    Q_EMIT q->modelChanged(model);
}

void LlmStreamState::finish()
{
    if (!isStreaming())
        return;
    completeAllToolCalls();
    if (!isStreaming())
        return; // a slot ended it
    setState(SseLlmStream::Finished);
    closeClient();
    if (state != SseLlmStream::Finished)
        return;
    qCDebug(lcSseLlm) << "finished:" << finishReason << text.size() << "characters";
    Q_EMIT q->finished(text, finishReason, usage);
}

void LlmStreamState::fail(SseLlmStream::Error e, const QString &type, const QString &message)
{
    if (!isStreaming())
        return;
    error = e;
    errorType = type;
    errorString = message;
    qCInfo(lcSseLlm) << "failed:" << e << type << message;
    setState(SseLlmStream::Failed);
    Q_EMIT q->errorChanged();
    closeClient();
    if (state == SseLlmStream::Failed && error == e)
        Q_EMIT q->errorOccurred(e);
}

} // namespace QtSsePrivate

void SseLlmStreamPrivate::attach(SseClient *c, bool owned)
{
    client = c;
    ownsClient = owned;
    QObject::connect(c, &SseClient::eventReceived, q, [this](const SseEvent &e) { onEvent(e); });
    QObject::connect(c, &SseClient::opened, q, [this] { clientOpened = true; });
    QObject::connect(c, &SseClient::closed, q, [this] { onClientClosed(); });
    QObject::connect(c, &SseClient::reconnectScheduled, q, [this] { onReconnectScheduled(); });
}

void SseLlmStreamPrivate::setDetectedDialect(SseLlmStream::Dialect d)
{
    if (detected == d)
        return;
    detected = d;
    handler = QtSsePrivate::createLlmDialect(d);
    Q_EMIT q->detectedDialectChanged(d);
}

void SseLlmStreamPrivate::begin()
{
    resetState();
    clientOpened = false;
    setDetectedDialect(dialect);
    handler = QtSsePrivate::createLlmDialect(dialect);
    setState(SseLlmStream::Streaming);
}

void SseLlmStreamPrivate::onEvent(const SseEvent &event)
{
    if (state == SseLlmStream::Idle)
        begin();
    if (!isStreaming())
        return;
    const QString &data = event.data();
    // Parsed once here; the dialects read the object. "[DONE]" is not JSON (Chat Completions'
    // end), and a ping's data need not be.
    QJsonObject json;
    bool isJson = false;
    if (!data.isEmpty() && data != QLatin1String("[DONE]")) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(data.toUtf8(), &parseError);
        isJson = document.isObject();
        if (isJson)
            json = document.object();
    }
    const QString type = event.type();
    const QtSsePrivate::LlmFrame frame {type, data, json, isJson};
    if (!handler) {
        const SseLlmStream::Dialect d = QtSsePrivate::detectLlmDialect(frame);
        if (d == SseLlmStream::AutoDialect) {
            // Nothing tells the dialect yet: an error ends the stream in any of them; a ping or
            // another unknown event is ignored.
            QString errorType, message;
            if (isJson && QtSsePrivate::extractProviderError(json, &errorType, &message))
                fail(SseLlmStream::ProviderError, errorType, message);
            else if (type == QLatin1String("message") && !isJson)
                fail(SseLlmStream::ProtocolError, QString(),
                     QStringLiteral("An event's data is not a JSON object: %1").arg(data.left(80)));
            return;
        }
        setDetectedDialect(d);
    }
    handler->handle(frame, *this);
}

void SseLlmStreamPrivate::onEndOfStream()
{
    if (!isStreaming())
        return;
    if (handler && handler->mayEndAtEof(*this)) {
        finish();
        return;
    }
    fail(SseLlmStream::IncompleteStreamError, QString(),
         handler ? QStringLiteral("The stream ended before its terminal event: the server ended "
                                  "the body")
                 : QStringLiteral("The stream ended before an event of a known LLM dialect"));
}

void SseLlmStreamPrivate::onClientClosed()
{
    if (!isStreaming() || !client)
        return;
    if (client->error() == SseClient::NoError) {
        onEndOfStream(); // the server ended the body, and the client does not re-send a POST
        return;
    }
    if (client->error() == SseClient::ConnectionError && clientOpened) {
        // Dropped mid-body: Qt reports that as a clean end or as a closed connection, as the
        // timing goes; either way the reply ended before its terminal event.
        if (handler && handler->mayEndAtEof(*this))
            finish();
        else
            fail(SseLlmStream::IncompleteStreamError, QString(),
                 QStringLiteral("The stream ended before its terminal event: %1")
                         .arg(client->errorString()));
        return;
    }
    // The request failed, or the stream broke. A provider's JSON error body (a 401, a 429, a
    // 529 "overloaded") says it in the provider's words.
    QString type, message;
    const QJsonDocument body = QJsonDocument::fromJson(client->errorBody());
    if (!body.isObject() || !QtSsePrivate::extractProviderError(body.object(), &type, &message))
        message = client->errorString();
    else if (client->httpStatus() > 0)
        message = QStringLiteral("HTTP %1: %2").arg(client->httpStatus()).arg(message);
    fail(SseLlmStream::NetworkError, type, message);
}

void SseLlmStreamPrivate::onReconnectScheduled()
{
    // The client would reconnect (a GET, or retryAnyMethod): an LLM stream that ended is never
    // requested again. A failure before any event is the client's to retry.
    if (!isStreaming() || !client)
        return;
    if (client->error() != SseClient::NoError && client->eventCount() == 0)
        return;
    client->close(); // closed(): onClientClosed() says how it ended
    if (isStreaming())
        onClientClosed();
}
