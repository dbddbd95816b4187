// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSELLMSOURCE_H
#define SSELLMSOURCE_H

#include <QtSse/ssellmstream.h>

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qobject.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariantlist.h>
#include <QtCore/qvariantmap.h>
#include <QtQml/qqmlregistration.h>

// The QML face of SseLlmStream: the request as properties (url, dialect, apiKey, body, headers),
// start() and abort(), and the stream's state as bindable properties; text grows as tokens
// arrive.
class SseLlmSource : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(SseLlmSource)
    // Configuration
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(Dialect dialect READ dialect WRITE setDialect NOTIFY dialectChanged)
    Q_PROPERTY(QString apiKey READ apiKey WRITE setApiKey NOTIFY apiKeyChanged)
    Q_PROPERTY(QJsonObject body READ body WRITE setBody NOTIFY bodyChanged)
    Q_PROPERTY(QVariantMap headers READ headers WRITE setHeaders NOTIFY headersChanged)
    // State
    Q_PROPERTY(Dialect detectedDialect READ detectedDialect NOTIFY detectedDialectChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool streaming READ isStreaming NOTIFY stateChanged)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString reasoning READ reasoning NOTIFY reasoningChanged)
    Q_PROPERTY(QVariantList toolCalls READ toolCalls NOTIFY toolCallsChanged)
    Q_PROPERTY(QString finishReason READ finishReason NOTIFY finishReasonChanged)
    Q_PROPERTY(QVariantMap usage READ usage NOTIFY usageChanged)
    Q_PROPERTY(int inputTokens READ inputTokens NOTIFY usageChanged)
    Q_PROPERTY(int outputTokens READ outputTokens NOTIFY usageChanged)
    Q_PROPERTY(int totalTokens READ totalTokens NOTIFY usageChanged)
    Q_PROPERTY(QString model READ model NOTIFY modelChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorType READ errorType NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)

public:
    // The same values as SseLlmStream's enums (checked in ssellmsource.cpp).
    enum Dialect {
        AutoDialect = 0,
        OpenAIChatCompletions,
        OpenAIResponses,
        AnthropicMessages,
        GeminiGenerateContent,
    };
    Q_ENUM(Dialect)
    enum State { Idle = 0, Streaming, Finished, Failed, Aborted };
    Q_ENUM(State)
    enum Error { NoError = 0, NetworkError, ProviderError, IncompleteStreamError, ProtocolError };
    Q_ENUM(Error)

    explicit SseLlmSource(QObject *parent = nullptr);
    ~SseLlmSource() override;

    SseLlmStream *stream() const { return m_stream; } // for C++

    QUrl url() const { return m_url; }
    void setUrl(const QUrl &url);
    Dialect dialect() const { return Dialect(m_stream->dialect()); }
    void setDialect(Dialect dialect);
    QString apiKey() const { return m_apiKey; }
    void setApiKey(const QString &key);
    QJsonObject body() const { return m_body; }
    void setBody(const QJsonObject &body);
    QVariantMap headers() const { return m_headers; }
    void setHeaders(const QVariantMap &headers);

    Dialect detectedDialect() const { return Dialect(m_stream->detectedDialect()); }
    State state() const { return State(m_stream->state()); }
    bool isStreaming() const { return m_stream->state() == SseLlmStream::Streaming; }
    QString text() const { return m_stream->text(); }
    QString reasoning() const { return m_stream->reasoning(); }
    // As QML's types (qmllint knows no QJsonArray), converted when read.
    QVariantList toolCalls() const { return m_stream->toolCalls().toVariantList(); }
    QString finishReason() const { return m_stream->finishReason(); }
    QVariantMap usage() const { return m_stream->usage().toVariantMap(); }
    int inputTokens() const { return m_stream->inputTokens(); }
    int outputTokens() const { return m_stream->outputTokens(); }
    int totalTokens() const { return m_stream->totalTokens(); }
    QString model() const { return m_stream->model(); }
    Error error() const { return Error(m_stream->error()); }
    QString errorType() const { return m_stream->errorType(); }
    QString errorString() const { return m_stream->errorString(); }

public Q_SLOTS:
    void start();
    void abort();
    void reset();

Q_SIGNALS:
    void urlChanged();
    void dialectChanged();
    void apiKeyChanged();
    void bodyChanged();
    void headersChanged();
    void detectedDialectChanged();
    void stateChanged();
    void textChanged();
    void reasoningChanged();
    void toolCallsChanged();
    void finishReasonChanged();
    void usageChanged();
    void modelChanged();
    void errorChanged();

    void started();
    void textReceived(const QString &delta);
    void reasoningReceived(const QString &delta);
    void toolCallStarted(int index, const QString &id, const QString &name);
    void toolCallArgumentsReceived(int index, const QString &delta);
    void toolCallCompleted(int index, const QJsonObject &toolCall);
    void finished(const QString &text, const QString &finishReason, const QJsonObject &usage);
    void errorOccurred(SseLlmSource::Error error);
    void aborted();

private:
    SseLlmStream *m_stream;
    QUrl m_url;
    QString m_apiKey;
    QJsonObject m_body;
    QVariantMap m_headers;
};

#endif // SSELLMSOURCE_H
