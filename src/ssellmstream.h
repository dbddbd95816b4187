// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSELLMSTREAM_H
#define SSELLMSTREAM_H

#include <QtSse/qtsse_export.h>
#include <QtSse/sseevent.h>

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qobject.h>
#include <QtCore/qurl.h>

#include <memory>

class SseClient;
class SseLlmStreamPrivate;

class QTSSE_EXPORT SseLlmStream : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Dialect dialect READ dialect WRITE setDialect NOTIFY dialectChanged)
    Q_PROPERTY(Dialect detectedDialect READ detectedDialect NOTIFY detectedDialectChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString reasoning READ reasoning NOTIFY reasoningChanged)
    Q_PROPERTY(QJsonArray toolCalls READ toolCalls NOTIFY toolCallsChanged)
    Q_PROPERTY(QString finishReason READ finishReason NOTIFY finishReasonChanged)
    Q_PROPERTY(QJsonObject usage READ usage NOTIFY usageChanged)
    Q_PROPERTY(int inputTokens READ inputTokens NOTIFY usageChanged)
    Q_PROPERTY(int outputTokens READ outputTokens NOTIFY usageChanged)
    Q_PROPERTY(int totalTokens READ totalTokens NOTIFY usageChanged)
    Q_PROPERTY(QString model READ model NOTIFY modelChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorType READ errorType NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)

public:
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

    enum Error {
        NoError = 0,
        NetworkError,
        ProviderError,
        IncompleteStreamError,
        ProtocolError,
    };
    Q_ENUM(Error)

    explicit SseLlmStream(QObject *parent = nullptr);
    explicit SseLlmStream(SseClient *client, QObject *parent = nullptr);
    ~SseLlmStream() override;

    SseClient *client() const;

    Dialect dialect() const;
    void setDialect(Dialect dialect);
    Dialect detectedDialect() const;

    void setRequest(const QUrl &url, const QJsonObject &body, const QByteArray &apiKey);

    State state() const;
    QString text() const;
    QString reasoning() const;
    QJsonArray toolCalls() const;
    QString finishReason() const;
    QJsonObject usage() const;
    int inputTokens() const;
    int outputTokens() const;
    int totalTokens() const;
    QString model() const;

    Error error() const;
    QString errorType() const;
    QString errorString() const;

    void processEvent(const SseEvent &event);
    void processEndOfStream();

public Q_SLOTS:
    void start();
    void abort();
    void reset();

Q_SIGNALS:
    void started();
    void textReceived(const QString &delta);
    void reasoningReceived(const QString &delta);
    void toolCallStarted(int index, const QString &id, const QString &name);
    void toolCallArgumentsReceived(int index, const QString &delta);
    void toolCallCompleted(int index, const QJsonObject &toolCall);
    void finished(const QString &text, const QString &finishReason, const QJsonObject &usage);
    void errorOccurred(SseLlmStream::Error error);
    void aborted();

    void dialectChanged(SseLlmStream::Dialect dialect);
    void detectedDialectChanged(SseLlmStream::Dialect dialect);
    void stateChanged(SseLlmStream::State state);
    void textChanged();
    void reasoningChanged();
    void toolCallsChanged();
    void finishReasonChanged(const QString &finishReason);
    void usageChanged();
    void modelChanged(const QString &model);
    void errorChanged();

private:
    Q_DISABLE_COPY(SseLlmStream)
    Q_DECLARE_PRIVATE(SseLlmStream)
    std::unique_ptr<SseLlmStreamPrivate> d_ptr;
};

#endif // SSELLMSTREAM_H
