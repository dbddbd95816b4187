// SPDX-License-Identifier: BSD-3-Clause
#include "ssellmsource.h"

#include <QtSse/sseclient.h>

/*!
    \qmltype SseLlmSource
    \inqmlmodule QtSse
    \brief An LLM's token stream (OpenAI, Anthropic, Gemini), the QML face of SseLlmStream.

    \qml
    import QtSse
    SseLlmSource {
        id: llm
        url: "https://api.anthropic.com/v1/messages"
        dialect: SseLlmSource.AnthropicMessages
        apiKey: keyFromTheEnvironment
        body: ({ model: "claude-sonnet-4-5", max_tokens: 1024, stream: true,
                 messages: [{ role: "user", content: prompt }] })
    }
    Text { text: llm.text }   // grows as tokens arrive
    \endqml

    start() sends the request: a POST of \l body as JSON, with \l apiKey in the provider's
    header (see SseLlmStream::setRequest()) and the extra \l headers. abort() stops it and keeps
    what arrived. The stream never reconnects; \l state says how it ended.
*/

/*!
    \qmlproperty url SseLlmSource::url
    The endpoint: the provider's streaming URL (Gemini's with \c{?alt=sse}).
*/
/*!
    \qmlproperty enumeration SseLlmSource::dialect
    The provider's format:
    \list
    \li \c SseLlmSource.AutoDialect (the default): detected from the stream
    \li \c SseLlmSource.OpenAIChatCompletions: OpenAI Chat Completions
    \li \c SseLlmSource.OpenAIResponses: OpenAI Responses
    \li \c SseLlmSource.AnthropicMessages: Anthropic Messages
    \li \c SseLlmSource.GeminiGenerateContent: Gemini streamGenerateContent
    \endlist
*/
/*!
    \qmlproperty string SseLlmSource::apiKey
    The key, sent in the dialect's header; never stored by the type.
*/
/*!
    \qmlproperty object SseLlmSource::body
    The request's JSON body, sent as given (\c{stream: true} is the caller's).
*/
/*!
    \qmlproperty object SseLlmSource::headers
    Extra request headers, name to value.
*/
/*!
    \qmlproperty enumeration SseLlmSource::detectedDialect
    The dialect being read (see SseLlmStream::detectedDialect).
*/
/*!
    \qmlproperty enumeration SseLlmSource::state
    \c SseLlmSource.Idle, \c Streaming, \c Finished, \c Failed or \c Aborted.
*/
/*!
    \qmlproperty bool SseLlmSource::streaming
    Whether state is \c SseLlmSource.Streaming.
*/
/*!
    \qmlproperty string SseLlmSource::text
    The reply so far; it grows as tokens arrive.
*/
/*!
    \qmlproperty string SseLlmSource::reasoning
    The reasoning or thinking text so far.
*/
/*!
    \qmlproperty list SseLlmSource::toolCalls
    The tool calls (see SseLlmStream::toolCalls).
*/
/*!
    \qmlproperty string SseLlmSource::finishReason
    The provider's reason for the end of the reply.
*/
/*!
    \qmlproperty object SseLlmSource::usage
    The provider's usage object.
*/
/*!
    \qmlproperty int SseLlmSource::inputTokens
    The prompt's tokens, -1 until known.
*/
/*!
    \qmlproperty int SseLlmSource::outputTokens
    The reply's tokens, -1 until known.
*/
/*!
    \qmlproperty int SseLlmSource::totalTokens
    The total tokens, -1 until known.
*/
/*!
    \qmlproperty string SseLlmSource::model
    The model that answers, as the stream names it.
*/
/*!
    \qmlproperty enumeration SseLlmSource::error
    \c SseLlmSource.NoError, \c NetworkError, \c ProviderError, \c IncompleteStreamError or
    \c ProtocolError (see SseLlmStream::Error).
*/
/*!
    \qmlproperty string SseLlmSource::errorType
    The provider's error type or code.
*/
/*!
    \qmlproperty string SseLlmSource::errorString
    The error in words.
*/
/*!
    \qmlsignal SseLlmSource::started()
    Emitted when the request goes out.
*/
/*!
    \qmlsignal SseLlmSource::reasoningReceived(string delta)
    Emitted for each piece of the model's reasoning (thinking), \a delta, as it arrives.
*/
/*!
    \qmlsignal SseLlmSource::toolCallStarted(int index, string id, string name)
    Emitted when the model starts the tool call number \a index, with the provider's \a id
    for it and the function's \a name.
*/
/*!
    \qmlsignal SseLlmSource::toolCallArgumentsReceived(int index, string delta)
    Emitted for each piece, \a delta, of the arguments of the tool call number \a index (a
    JSON text that is whole only at the end).
*/
/*!
    \qmlsignal SseLlmSource::toolCallCompleted(int index, object toolCall)
    Emitted when the tool call number \a index is whole: \a toolCall holds its id, name and
    arguments, parsed as JSON.
*/
/*!
    \qmlsignal SseLlmSource::aborted()
    Emitted when abort() ended the stream; what arrived before stays.
*/
/*!
    \qmlsignal SseLlmSource::textReceived(string delta)
    Emitted for each piece of text, \a delta, as it arrives.
*/
/*!
    \qmlsignal SseLlmSource::finished(string text, string finishReason, object usage)
    Emitted when the stream ends as it should, with the whole \a text, the provider's
    \a finishReason and its \a usage (token counts).
*/
/*!
    \qmlsignal SseLlmSource::errorOccurred(enumeration error)
    Emitted when the stream fails, with the kind of \a error (errorType and errorString say
    more).
*/

#define QTSSE_SAME(e) static_assert(int(SseLlmSource::e) == int(SseLlmStream::e), #e)
QTSSE_SAME(AutoDialect);
QTSSE_SAME(OpenAIChatCompletions);
QTSSE_SAME(OpenAIResponses);
QTSSE_SAME(AnthropicMessages);
QTSSE_SAME(GeminiGenerateContent);
QTSSE_SAME(Idle);
QTSSE_SAME(Streaming);
QTSSE_SAME(Finished);
QTSSE_SAME(Failed);
QTSSE_SAME(Aborted);
QTSSE_SAME(NoError);
QTSSE_SAME(NetworkError);
QTSSE_SAME(ProviderError);
QTSSE_SAME(IncompleteStreamError);
QTSSE_SAME(ProtocolError);
#undef QTSSE_SAME

SseLlmSource::SseLlmSource(QObject *parent) : QObject(parent), m_stream(new SseLlmStream(this))
{
    SseLlmStream *s = m_stream;
    connect(s, &SseLlmStream::dialectChanged, this, &SseLlmSource::dialectChanged);
    connect(s, &SseLlmStream::detectedDialectChanged, this, &SseLlmSource::detectedDialectChanged);
    connect(s, &SseLlmStream::stateChanged, this, &SseLlmSource::stateChanged);
    connect(s, &SseLlmStream::textChanged, this, &SseLlmSource::textChanged);
    connect(s, &SseLlmStream::reasoningChanged, this, &SseLlmSource::reasoningChanged);
    connect(s, &SseLlmStream::toolCallsChanged, this, &SseLlmSource::toolCallsChanged);
    connect(s, &SseLlmStream::finishReasonChanged, this, &SseLlmSource::finishReasonChanged);
    connect(s, &SseLlmStream::usageChanged, this, &SseLlmSource::usageChanged);
    connect(s, &SseLlmStream::modelChanged, this, &SseLlmSource::modelChanged);
    connect(s, &SseLlmStream::errorChanged, this, &SseLlmSource::errorChanged);
    connect(s, &SseLlmStream::started, this, &SseLlmSource::started);
    connect(s, &SseLlmStream::textReceived, this, &SseLlmSource::textReceived);
    connect(s, &SseLlmStream::reasoningReceived, this, &SseLlmSource::reasoningReceived);
    connect(s, &SseLlmStream::toolCallStarted, this, &SseLlmSource::toolCallStarted);
    connect(s, &SseLlmStream::toolCallArgumentsReceived, this,
            &SseLlmSource::toolCallArgumentsReceived);
    connect(s, &SseLlmStream::toolCallCompleted, this, &SseLlmSource::toolCallCompleted);
    connect(s, &SseLlmStream::finished, this, &SseLlmSource::finished);
    connect(s, &SseLlmStream::errorOccurred, this,
            [this](SseLlmStream::Error e) { Q_EMIT errorOccurred(Error(e)); });
    connect(s, &SseLlmStream::aborted, this, &SseLlmSource::aborted);
}

SseLlmSource::~SseLlmSource() = default;

void SseLlmSource::setUrl(const QUrl &url)
{
    if (m_url == url)
        return;
    m_url = url;
    Q_EMIT urlChanged();
}

void SseLlmSource::setDialect(Dialect dialect)
{
    m_stream->setDialect(SseLlmStream::Dialect(dialect)); // emits dialectChanged if it changed
}

void SseLlmSource::setApiKey(const QString &key)
{
    if (m_apiKey == key)
        return;
    m_apiKey = key;
    Q_EMIT apiKeyChanged();
}

void SseLlmSource::setBody(const QJsonObject &body)
{
    if (m_body == body)
        return;
    m_body = body;
    Q_EMIT bodyChanged();
}

void SseLlmSource::setHeaders(const QVariantMap &headers)
{
    if (m_headers == headers)
        return;
    m_headers = headers;
    Q_EMIT headersChanged();
}

/*!
    \qmlmethod void SseLlmSource::start()
    Sends the request and reads the new stream; what the last one left is cleared.
*/
void SseLlmSource::start()
{
    SseClient *client = m_stream->client();
    client->setRawHeaders({});
    for (auto it = m_headers.cbegin(); it != m_headers.cend(); ++it)
        client->setRawHeader(it.key().toUtf8(), it.value().toString().toUtf8());
    m_stream->setRequest(m_url, m_body, m_apiKey.toUtf8());
    m_stream->start();
}

/*!
    \qmlmethod void SseLlmSource::abort()
    Stops the stream at once; what arrived stays.
*/
void SseLlmSource::abort()
{
    m_stream->abort();
}

/*!
    \qmlmethod void SseLlmSource::reset()
    Back to Idle, everything cleared.
*/
void SseLlmSource::reset()
{
    m_stream->reset();
}
