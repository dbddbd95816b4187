// SPDX-License-Identifier: BSD-3-Clause
#include "ssellmstream.h"

#include "sseclient.h"
#include "ssellmstream_p.h"

#include <QtCore/qjsondocument.h>

/*!
    \class SseLlmStream
    \inmodule QtSse
    \brief Reads an LLM's token stream (OpenAI, Anthropic, Gemini) on top of SseClient.

    Every provider streams a reply as Server-Sent Events, each in its own dialect. SseLlmStream
    reads them on top of an SseClient. It puts the text deltas together, builds the tool calls
    from their pieces, and reads the finish reason and the token usage. It also sees the end of
    the stream, and an error event that arrives after a 200. Each event's data is parsed once.

    \list
    \li OpenAI Chat Completions: \c{data:} frames of \c chat.completion.chunk JSON ending with
        \c{data: [DONE]}.
    \li OpenAI Responses: typed events (\c response.output_text.delta, ...,
        \c response.completed, \c response.failed, \c response.incomplete, \c error).
    \li Anthropic Messages: \c message_start ... \c message_stop, with pings and \c error
        events.
    \li Gemini \c{streamGenerateContent?alt=sse}: each frame a whole GenerateContentResponse.
        The stream ends when the server closes it after a response with a \c finishReason.
    \endlist

    With AutoDialect (the default), the first event that only one dialect can produce sets
    detectedDialect(). The dialects that can be told apart this way are all four: \c{[DONE]},
    a \c chat.completion.chunk or \c choices means Chat Completions, \c response.* events mean
    Responses, Anthropic's event names mean Anthropic, and \c candidates or \c usageMetadata
    mean Gemini. Pings and error events tell nothing: an error ends the stream in any
    dialect.

    An LLM stream never reconnects. The stream closes its client when the terminal event
    arrives, when the server ends the body, and when the client would schedule a reconnect. If
    the body ends before the terminal event, the stream fails with IncompleteStreamError.
    abort() ends the stream at once and keeps what arrived.

    The request is the application's: the URL, the key and the JSON body. setRequest() is the
    one convenience. It sets the method to POST, the JSON body and the provider's key header.

    Recorded streams (a file, another transport) can be read without a client:
    feed SseParser's events to processEvent(), then call processEndOfStream().
*/

/*!
    \enum SseLlmStream::Dialect
    The provider's streaming format.
    \value AutoDialect Detected from the first event that tells it (see detectedDialect()).
    \value OpenAIChatCompletions OpenAI's \c{/v1/chat/completions} with \c{"stream": true},
           and the many servers that copy it.
    \value OpenAIResponses OpenAI's \c{/v1/responses} with \c{"stream": true}.
    \value AnthropicMessages Anthropic's \c{/v1/messages} with \c{"stream": true}.
    \value GeminiGenerateContent Google Gemini's \c{:streamGenerateContent?alt=sse}.
*/

/*!
    \enum SseLlmStream::State
    Where the stream stands.
    \value Idle Not started, or reset().
    \value Streaming The request is under way, or events are arriving.
    \value Finished The terminal event arrived (for Gemini: the server ended the body after a
           finish reason); finished() was emitted.
    \value Failed The stream ended with an error: see error().
    \value Aborted abort() ended it; what arrived before stays.
*/

/*!
    \enum SseLlmStream::Error
    Why the stream failed.
    \value NoError No error.
    \value NetworkError The request failed, or the stream broke in another way than a drop
           (a timeout, an event too large; SseClient::error() tells how).
           A provider's JSON error body, such as a 401 or a 429, fills errorType() and
           errorString().
    \value ProviderError The provider sent an error in the stream after the 200. Examples are
           Anthropic's \c{event: error} (\c overloaded_error), OpenAI's \c error object or
           \c response.failed, and Gemini's \c error. errorType() holds the provider's type or
           code.
    \value IncompleteStreamError The body ended, or the connection dropped, after the stream
           opened but before the dialect's terminal event.
    \value ProtocolError An event of the dialect carried data that is not a JSON object.
*/

/*!
    \property SseLlmStream::dialect
    \brief The dialect to read; AutoDialect (the default) detects it.
    A change applies from the next start().
*/
/*!
    \property SseLlmStream::detectedDialect
    \brief The dialect being read: dialect() when it is set, else the detected one
    (AutoDialect until an event tells it).
*/
/*!
    \property SseLlmStream::state
    \brief Where the stream stands.
*/
/*!
    \property SseLlmStream::text
    \brief The reply's text so far. It grows with every textReceived().
*/
/*!
    \property SseLlmStream::reasoning
    \brief The reasoning or thinking text so far (Anthropic thinking, OpenAI reasoning
    summaries, \c reasoning_content, Gemini thought parts).
*/
/*!
    \property SseLlmStream::toolCalls
    \brief The tool calls, in the order they started. Each is an object with \c index, \c id,
    \c name and \c complete. Once it is complete, the object also has \c arguments (the
    parsed JSON object). If the arguments were not a JSON object, it has \c argumentsText and
    \c error instead. The property changes when a call starts and when it completes. The
    argument pieces in between come by toolCallArgumentsReceived().
*/
/*!
    \property SseLlmStream::finishReason
    \brief The provider's word for why the reply ended: \c stop, \c tool_calls or \c length
    (Chat Completions); \c end_turn, \c tool_use or \c max_tokens (Anthropic); \c STOP or
    \c MAX_TOKENS (Gemini); \c completed or the incomplete reason (Responses).
*/
/*!
    \property SseLlmStream::usage
    \brief The provider's usage object as sent (Anthropic: the message_start and
    message_delta parts merged).
*/
/*!
    \property SseLlmStream::inputTokens
    \brief The prompt's tokens from the usage, -1 until the provider says.
*/
/*!
    \property SseLlmStream::outputTokens
    \brief The reply's tokens from the usage, -1 until the provider says.
*/
/*!
    \property SseLlmStream::totalTokens
    \brief The total from the usage (or input plus output), -1 until known.
*/
/*!
    \property SseLlmStream::model
    \brief The model that answers, as the stream names it.
*/
/*!
    \property SseLlmStream::error
    \brief Why the stream failed; NoError otherwise.
*/
/*!
    \property SseLlmStream::errorType
    \brief The provider's error type or code (\c overloaded_error, \c server_error,
    \c RESOURCE_EXHAUSTED), empty when it gave none.
*/
/*!
    \property SseLlmStream::errorString
    \brief The error in words: the provider's message when it sent one.
*/

/*!
    \fn void SseLlmStream::started()
    Emitted when start() sends the request.
*/
/*!
    \fn void SseLlmStream::textReceived(const QString &delta)
    Emitted for each piece of text, \a delta, after it was added to text().
*/
/*!
    \fn void SseLlmStream::reasoningReceived(const QString &delta)
    Emitted for each piece of reasoning or thinking, \a delta.
*/
/*!
    \fn void SseLlmStream::toolCallStarted(int index, const QString &id, const QString &name)
    Emitted when the tool call number \a index (0, 1, ... in the order they start) begins,
    with the provider's call \a id and the function's \a name.
*/
/*!
    \fn void SseLlmStream::toolCallArgumentsReceived(int index, const QString &delta)
    Emitted for each piece, \a delta, of the arguments of tool call \a index.
*/
/*!
    \fn void SseLlmStream::toolCallCompleted(int index, const QJsonObject &toolCall)
    Emitted when tool call \a index is whole, with \a toolCall as toolCalls() shows it (its
    arguments parsed).
*/
/*!
    \fn void SseLlmStream::finished(const QString &text, const QString &finishReason, const QJsonObject &usage)
    Emitted once when the stream ends as it should, with the whole \a text, the
    \a finishReason and the provider's \a usage. toolCalls() holds the tool calls.
*/
/*!
    \fn void SseLlmStream::errorOccurred(SseLlmStream::Error error)
    Emitted once when the stream fails with \a error; errorType() and errorString() say
    more.
*/
/*!
    \fn void SseLlmStream::aborted()
    Emitted when abort() ended a stream.
*/
/*!
    \fn void SseLlmStream::dialectChanged(SseLlmStream::Dialect dialect)
    Notifies the dialect property: \a dialect.
*/
/*!
    \fn void SseLlmStream::detectedDialectChanged(SseLlmStream::Dialect dialect)
    Notifies the detectedDialect property: \a dialect.
*/
/*!
    \fn void SseLlmStream::stateChanged(SseLlmStream::State state)
    Notifies the state property: \a state.
*/
/*!
    \fn void SseLlmStream::textChanged()
    Notifies the text property.
*/
/*!
    \fn void SseLlmStream::reasoningChanged()
    Notifies the reasoning property.
*/
/*!
    \fn void SseLlmStream::toolCallsChanged()
    Notifies the toolCalls property.
*/
/*!
    \fn void SseLlmStream::finishReasonChanged(const QString &finishReason)
    Notifies the finishReason property: \a finishReason.
*/
/*!
    \fn void SseLlmStream::usageChanged()
    Notifies the usage, inputTokens, outputTokens and totalTokens properties.
*/
/*!
    \fn void SseLlmStream::modelChanged(const QString &model)
    Notifies the model property: \a model.
*/
/*!
    \fn void SseLlmStream::errorChanged()
    Notifies the error, errorType and errorString properties.
*/

/*!
    Constructs a stream with a client of its own, with \a parent.
*/
SseLlmStream::SseLlmStream(QObject *parent)
    : QObject(parent), d_ptr(std::make_unique<SseLlmStreamPrivate>(this))
{
    d_ptr->attach(new SseClient(this), true);
}

/*!
    Constructs a stream that reads \a client (not owned; it must outlive the stream or be
    deleted first), with \a parent. The client's configuration stays the application's.
*/
SseLlmStream::SseLlmStream(SseClient *client, QObject *parent)
    : QObject(parent), d_ptr(std::make_unique<SseLlmStreamPrivate>(this))
{
    Q_ASSERT(client);
    d_ptr->attach(client, false);
}

/*!
    Destroys the stream. A client of its own is closed and deleted with it.
*/
SseLlmStream::~SseLlmStream()
{
    Q_D(SseLlmStream);
    if (d->client) {
        QObject::disconnect(d->client, nullptr, this, nullptr);
        if (d->ownsClient)
            d->client->close();
    }
}

/*!
    Returns the client that carries the stream: configure its timeouts, TLS or network access
    manager there.
*/
SseClient *SseLlmStream::client() const
{
    return d_func()->client;
}

SseLlmStream::Dialect SseLlmStream::dialect() const
{
    return d_func()->dialect;
}

void SseLlmStream::setDialect(Dialect dialect)
{
    Q_D(SseLlmStream);
    if (d->dialect == dialect)
        return;
    d->dialect = dialect;
    Q_EMIT dialectChanged(dialect);
}

SseLlmStream::Dialect SseLlmStream::detectedDialect() const
{
    return d_func()->detected;
}

/*!
    Sets the client's request: POST to \a url, the JSON \a body (compact, with
    \c{Content-Type: application/json}), and \a apiKey where dialect() expects it. For
    AnthropicMessages that is \c x-api-key, with \c{anthropic-version: 2023-06-01} unless the
    client already has a version header. For GeminiGenerateContent it is \c x-goog-api-key. For
    the OpenAI dialects and AutoDialect it is \c{Authorization: Bearer}. An empty \a apiKey
    sends no key header. The body is sent as given: \c{"stream": true} is the caller's.
*/
void SseLlmStream::setRequest(const QUrl &url, const QJsonObject &body, const QByteArray &apiKey)
{
    Q_D(SseLlmStream);
    SseClient *c = d->client;
    if (!c)
        return;
    c->setUrl(url);
    c->setMethod("POST");
    c->setBody(QJsonDocument(body).toJson(QJsonDocument::Compact));
    c->setRawHeader("Content-Type", "application/json");
    const QByteArray key = apiKey.trimmed();
    c->setRawHeader("Authorization", QByteArray());
    c->setRawHeader("x-api-key", QByteArray());
    c->setRawHeader("x-goog-api-key", QByteArray());
    if (key.isEmpty())
        return;
    switch (d->dialect) {
    case AnthropicMessages: {
        c->setRawHeader("x-api-key", key);
        bool hasVersion = false;
        for (const auto &header : c->rawHeaders())
            hasVersion = hasVersion
                    || header.first.compare("anthropic-version", Qt::CaseInsensitive) == 0;
        if (!hasVersion)
            c->setRawHeader("anthropic-version", "2023-06-01");
        break;
    }
    case GeminiGenerateContent:
        c->setRawHeader("x-goog-api-key", key);
        break;
    case AutoDialect:
    case OpenAIChatCompletions:
    case OpenAIResponses:
        c->setRawHeader("Authorization", "Bearer " + key);
        break;
    }
}

SseLlmStream::State SseLlmStream::state() const
{
    return d_func()->state;
}

QString SseLlmStream::text() const
{
    return d_func()->text;
}

QString SseLlmStream::reasoning() const
{
    return d_func()->reasoning;
}

QJsonArray SseLlmStream::toolCalls() const
{
    return d_func()->toolCallsJson;
}

QString SseLlmStream::finishReason() const
{
    return d_func()->finishReason;
}

QJsonObject SseLlmStream::usage() const
{
    return d_func()->usage;
}

int SseLlmStream::inputTokens() const
{
    return d_func()->inputTokens;
}

int SseLlmStream::outputTokens() const
{
    return d_func()->outputTokens;
}

int SseLlmStream::totalTokens() const
{
    return d_func()->totalTokens;
}

QString SseLlmStream::model() const
{
    return d_func()->model;
}

SseLlmStream::Error SseLlmStream::error() const
{
    return d_func()->error;
}

QString SseLlmStream::errorType() const
{
    return d_func()->errorType;
}

QString SseLlmStream::errorString() const
{
    return d_func()->errorString;
}

/*!
    Reads \a event as the next event of a stream that does not come from client(), such as
    SseParser's events from a recorded file. The first event after Idle starts a stream, as
    start() does but without a request. Events after the stream ended are ignored.
*/
void SseLlmStream::processEvent(const SseEvent &event)
{
    d_func()->onEvent(event);
}

/*!
    Says that the stream fed to processEvent() ended. Unless its terminal event came, the
    stream fails with IncompleteStreamError, as it does when a server ends the body early.
*/
void SseLlmStream::processEndOfStream()
{
    d_func()->onEndOfStream();
}

/*!
    Starts a new stream: clears what the last one left and opens client() with its request
    (see setRequest()).
*/
void SseLlmStream::start()
{
    Q_D(SseLlmStream);
    if (d->isStreaming())
        d->state = Idle; // silently: the client's closed() must not end it as a failure
    if (d->client)
        d->client->close();
    d->begin();
    Q_EMIT started();
    if (d->client && d->isStreaming())
        d->client->open();
}

/*!
    Ends the stream at once: the client is closed and what arrived (text, tool calls, usage)
    stays. A tool call that was still arriving stays incomplete. Does nothing unless the
    state is Streaming.
*/
void SseLlmStream::abort()
{
    Q_D(SseLlmStream);
    if (!d->isStreaming())
        return;
    d->setState(Aborted);
    d->closeClient();
    if (d->state == Aborted)
        Q_EMIT aborted();
}

/*!
    Returns to Idle: the client is closed and everything the last stream left is cleared.
*/
void SseLlmStream::reset()
{
    Q_D(SseLlmStream);
    d->setState(Idle); // first: the client's closed() must not end the stream as a failure
    d->closeClient();
    d->resetState();
}
