// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSESOURCE_H
#define SSESOURCE_H

#include "sseeventhandler.h"

#include <QtSse/sseclient.h>

#include <QtCore/qdatetime.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariantmap.h>
#include <QtQml/qqmllist.h>
#include <QtQml/qqmlparserstatus.h>
#include <QtQml/qqmlregistration.h>

#include <atomic>

// The QML face of SseClient (modelled on qtwebsockets' QML WebSocket: active, url, status).
class SseSource : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(SseSource)
    Q_CLASSINFO("DefaultProperty", "handlers")
    // Configuration
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QVariantMap headers READ headers WRITE setHeaders NOTIFY headersChanged)
    Q_PROPERTY(QString method READ method WRITE setMethod NOTIFY methodChanged)
    Q_PROPERTY(QString body READ body WRITE setBody NOTIFY bodyChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(int reconnectionTime READ reconnectionTime WRITE setReconnectionTime NOTIFY
                       reconnectionTimeChanged)
    Q_PROPERTY(
            int maxRetryDelay READ maxRetryDelay WRITE setMaxRetryDelay NOTIFY maxRetryDelayChanged)
    Q_PROPERTY(int maxRetries READ maxRetries WRITE setMaxRetries NOTIFY maxRetriesChanged)
    Q_PROPERTY(bool jitterEnabled READ isJitterEnabled WRITE setJitterEnabled NOTIFY
                       jitterEnabledChanged)
    Q_PROPERTY(bool retryAnyMethod READ retryAnyMethod WRITE setRetryAnyMethod NOTIFY
                       retryAnyMethodChanged)
    Q_PROPERTY(int idleTimeout READ idleTimeout WRITE setIdleTimeout NOTIFY idleTimeoutChanged)
    Q_PROPERTY(int connectTimeout READ connectTimeout WRITE setConnectTimeout NOTIFY
                       connectTimeoutChanged)
    Q_PROPERTY(int maxEventSize READ maxEventSize WRITE setMaxEventSize NOTIFY maxEventSizeChanged)
    Q_PROPERTY(bool ignoreSslErrors READ ignoreSslErrors WRITE setIgnoreSslErrors NOTIFY
                       ignoreSslErrorsChanged)
    Q_PROPERTY(HttpProtocol httpProtocol READ httpProtocol WRITE setHttpProtocol NOTIFY
                       httpProtocolChanged)
    Q_PROPERTY(QString resumeQueryParameter READ resumeQueryParameter WRITE setResumeQueryParameter
                       NOTIFY resumeQueryParameterChanged)
    Q_PROPERTY(QString lastEventIdSettingsKey READ lastEventIdSettingsKey WRITE
                       setLastEventIdSettingsKey NOTIFY lastEventIdSettingsKeyChanged)
    Q_PROPERTY(int duplicateWindow READ duplicateWindow WRITE setDuplicateWindow NOTIFY
                       duplicateWindowChanged)
    Q_PROPERTY(QString sequenceField READ sequenceField WRITE setSequenceField NOTIFY
                       sequenceFieldChanged)
    Q_PROPERTY(bool batchedDelivery READ batchedDelivery WRITE setBatchedDelivery NOTIFY
                       batchedDeliveryChanged)
    Q_PROPERTY(QQmlListProperty<SseEventHandler> handlers READ handlers)
    // State
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(ReadyState readyState READ readyState NOTIFY stateChanged)
    Q_PROPERTY(bool waitingForConnection READ isWaitingForConnection NOTIFY
                       waitingForConnectionChanged)
    Q_PROPERTY(
            bool networkAware READ isNetworkAware WRITE setNetworkAware NOTIFY networkAwareChanged)
    Q_PROPERTY(bool pauseWhenSuspended READ pauseWhenSuspended WRITE setPauseWhenSuspended NOTIFY
                       pauseWhenSuspendedChanged)
    Q_PROPERTY(bool waitingForNetwork READ isWaitingForNetwork NOTIFY waitingForNetworkChanged)
    Q_PROPERTY(bool paused READ isPaused NOTIFY pausedChanged)
    Q_PROPERTY(QString lastEventId READ lastEventId NOTIFY lastEventIdChanged)
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY reconnectAttemptChanged)
    Q_PROPERTY(QDateTime nextRetryTime READ nextRetryTime NOTIFY nextRetryTimeChanged)
    Q_PROPERTY(QDateTime openedTime READ openedTime NOTIFY openedTimeChanged)
    Q_PROPERTY(double eventCount READ eventCount NOTIFY countersChanged)
    Q_PROPERTY(double byteCount READ byteCount NOTIFY countersChanged)
    Q_PROPERTY(int timeToFirstByte READ timeToFirstByte NOTIFY countersChanged)
    Q_PROPERTY(int timeToFirstEvent READ timeToFirstEvent NOTIFY countersChanged)
    Q_PROPERTY(int reconnectCount READ reconnectCount NOTIFY countersChanged)
    Q_PROPERTY(double downtime READ downtime NOTIFY countersChanged)
    Q_PROPERTY(double eventsPerSecond READ eventsPerSecond NOTIFY countersChanged)
    Q_PROPERTY(double bytesPerSecond READ bytesPerSecond NOTIFY countersChanged)
    Q_PROPERTY(int rawHistorySize READ rawHistorySize WRITE setRawHistorySize NOTIFY
                       rawHistorySizeChanged)
    Q_PROPERTY(double duplicateCount READ duplicateCount NOTIFY countersChanged)
    Q_PROPERTY(double gapCount READ gapCount NOTIFY countersChanged)
    Q_PROPERTY(int serverReconnectionTime READ serverReconnectionTime NOTIFY
                       serverReconnectionTimeChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(int httpStatus READ httpStatus NOTIFY errorChanged)
    Q_PROPERTY(QString errorBody READ errorBody NOTIFY errorChanged)

public:
    // The same values as SseClient's enums (checked in ssesource.cpp).
    enum State { Closed = 0, Connecting, Open, Reconnecting, Failed };
    Q_ENUM(State)
    enum ReadyState { CONNECTING = 0, OPEN = 1, CLOSED = 2 }; // EventSource's
    Q_ENUM(ReadyState)
    enum Error {
        NoError = 0,
        ConnectionError,
        HttpStatusError,
        InvalidStreamError,
        EventTooLargeError,
        TimeoutError,
        RetriesExhaustedError,
        RedirectError,
        TlsError,
        BufferOverflowError,
    };
    Q_ENUM(Error)
    enum HttpProtocol { AutoProtocol = 0, Http1Only, Http2PriorKnowledge };
    Q_ENUM(HttpProtocol)

    explicit SseSource(QObject *parent = nullptr);
    ~SseSource() override;

    SseClient *client() const { return m_client; } // for C++ (SseEventModel, tests)
    // Opt-in: eventsReceived(events) once per network read, with that read's events, as well
    // as eventReceived(event) per event (one JavaScript call per read instead of per event).
    bool batchedDelivery() const { return m_batchedDelivery; }
    void setBatchedDelivery(bool enabled);

    QUrl url() const;
    void setUrl(const QUrl &url);
    QVariantMap headers() const { return m_headers; }
    void setHeaders(const QVariantMap &headers);
    QString method() const;
    void setMethod(const QString &method);
    QString body() const;
    void setBody(const QString &body);
    bool isActive() const { return m_active; }
    void setActive(bool active);
    int reconnectionTime() const { return m_client->reconnectionTime(); }
    void setReconnectionTime(int ms) { m_client->setReconnectionTime(ms); }
    int maxRetryDelay() const { return m_client->maxRetryDelay(); }
    void setMaxRetryDelay(int ms) { m_client->setMaxRetryDelay(ms); }
    int maxRetries() const { return m_client->maxRetries(); }
    void setMaxRetries(int attempts) { m_client->setMaxRetries(attempts); }
    bool isJitterEnabled() const { return m_client->isJitterEnabled(); }
    void setJitterEnabled(bool on) { m_client->setJitterEnabled(on); }
    bool retryAnyMethod() const { return m_client->retryAnyMethod(); }
    void setRetryAnyMethod(bool on) { m_client->setRetryAnyMethod(on); }
    int idleTimeout() const { return m_client->idleTimeout(); }
    void setIdleTimeout(int ms) { m_client->setIdleTimeout(ms); }
    int connectTimeout() const { return m_client->connectTimeout(); }
    void setConnectTimeout(int ms) { m_client->setConnectTimeout(ms); }
    int maxEventSize() const;
    void setMaxEventSize(int bytes) { m_client->setMaxEventSize(bytes); }
    bool ignoreSslErrors() const { return m_client->ignoreSslErrors(); }
    void setIgnoreSslErrors(bool ignore);
    HttpProtocol httpProtocol() const { return HttpProtocol(m_client->httpProtocol()); }
    void setHttpProtocol(HttpProtocol p) { m_client->setHttpProtocol(SseClient::HttpProtocol(p)); }
    QString resumeQueryParameter() const { return m_client->resumeQueryParameter(); }
    void setResumeQueryParameter(const QString &name) { m_client->setResumeQueryParameter(name); }
    // Persistent resume in QSettings (the application's organization and name) under this key.
    QString lastEventIdSettingsKey() const { return m_lastEventIdSettingsKey; }
    void setLastEventIdSettingsKey(const QString &key);
    int duplicateWindow() const { return m_client->duplicateWindow(); }
    void setDuplicateWindow(int events) { m_client->setDuplicateWindow(events); }
    QString sequenceField() const { return m_client->sequenceField(); }
    void setSequenceField(const QString &field) { m_client->setSequenceField(field); }
    QQmlListProperty<SseEventHandler> handlers();

    State state() const { return State(m_client->state()); }
    ReadyState readyState() const { return ReadyState(m_client->readyState()); }
    bool isWaitingForConnection() const { return m_client->isWaitingForConnection(); }
    bool isNetworkAware() const { return m_client->isNetworkAware(); }
    void setNetworkAware(bool on) { m_client->setNetworkAware(on); }
    bool pauseWhenSuspended() const { return m_client->pauseWhenSuspended(); }
    void setPauseWhenSuspended(bool on) { m_client->setPauseWhenSuspended(on); }
    bool isWaitingForNetwork() const { return m_client->isWaitingForNetwork(); }
    bool isPaused() const { return m_client->isPaused(); }
    QString lastEventId() const { return m_client->lastEventId(); }
    int reconnectAttempt() const { return m_client->reconnectAttempt(); }
    QDateTime nextRetryTime() const { return m_client->nextRetryTime(); }
    QDateTime openedTime() const { return m_client->openedTime(); }
    // Numbers in QML (exact up to 2^53): Qt 6.4's tools do not know qint64.
    double eventCount() const { return double(m_client->eventCount()); }
    double byteCount() const { return double(m_client->byteCount()); }
    int timeToFirstByte() const { return m_client->timeToFirstByte(); }
    int timeToFirstEvent() const { return m_client->timeToFirstEvent(); }
    int reconnectCount() const { return m_client->reconnectCount(); }
    double downtime() const { return double(m_client->downtime()); }
    double eventsPerSecond() const { return m_client->eventsPerSecond(); }
    double bytesPerSecond() const { return m_client->bytesPerSecond(); }
    int rawHistorySize() const { return m_client->rawHistorySize(); }
    void setRawHistorySize(int bytes) { m_client->setRawHistorySize(bytes); }
    // The last rawHistorySize bytes received, as text (invalid UTF-8 replaced).
    Q_INVOKABLE QString rawHistory() const { return QString::fromUtf8(m_client->rawHistory()); }
    double duplicateCount() const { return double(m_client->duplicateCount()); }
    double gapCount() const { return double(m_client->gapCount()); }
    int serverReconnectionTime() const { return m_client->serverReconnectionTime(); }
    Error error() const { return Error(m_client->error()); }
    QString errorString() const { return m_client->errorString(); }
    int httpStatus() const { return m_client->httpStatus(); }
    QString errorBody() const { return QString::fromUtf8(m_client->errorBody()); }

    void classBegin() override { }
    void componentComplete() override;

public Q_SLOTS:
    void open();
    void close();
    void reconnectNow();

Q_SIGNALS:
    void eventReceived(const SseEvent &event);
    void eventsReceived(const QList<SseEvent> &events); // see batchedDelivery
    // The same batch as three lists of strings, each event's at one index: no sseEvent made
    // per element in JavaScript (1.6x the events/s of eventsReceived in bench_qml). Built only
    // while connected.
    void batchReceived(const QStringList &types, const QStringList &data,
                       const QStringList &lastEventIds);
    void commentReceived(const QString &comment);
    // SseClient::rawDataReceived(), forwarded only while connected (free otherwise).
    void rawDataReceived(const QByteArray &data);
    void opened();
    void disconnected();
    void closed();
    void reconnectScheduled(int attempt, int delayMs);
    void errorOccurred(SseSource::Error error);
    void duplicateDropped(const SseEvent &event); // see duplicateWindow
    void gapDetected(double expected, double received); // see sequenceField

    void urlChanged();
    void headersChanged();
    void methodChanged();
    void bodyChanged();
    void activeChanged();
    void reconnectionTimeChanged();
    void maxRetryDelayChanged();
    void maxRetriesChanged();
    void jitterEnabledChanged();
    void retryAnyMethodChanged();
    void idleTimeoutChanged();
    void connectTimeoutChanged();
    void maxEventSizeChanged();
    void ignoreSslErrorsChanged();
    void httpProtocolChanged();
    void resumeQueryParameterChanged();
    void lastEventIdSettingsKeyChanged();
    void duplicateWindowChanged();
    void sequenceFieldChanged();
    void batchedDeliveryChanged();
    void rawHistorySizeChanged();
    void stateChanged();
    void waitingForConnectionChanged();
    void networkAwareChanged();
    void pauseWhenSuspendedChanged();
    void waitingForNetworkChanged();
    void pausedChanged();
    void lastEventIdChanged();
    void reconnectAttemptChanged();
    void nextRetryTimeChanged();
    void openedTimeChanged();
    void countersChanged();
    void serverReconnectionTimeChanged();
    void errorChanged();

protected:
    // lastEventIdChanged is forwarded from the client only while something (a binding) listens:
    // a connected lastEventIdChanged makes the client compare the ID after every event. They
    // also keep whether eventReceived is connected (forwardEvent()).
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    void requestChanged(bool newStream);
    void restart();
    void start();
    void attach(SseEventHandler *handler);
    void detach(SseEventHandler *handler);
    void forwardEvent(const SseEvent &event);
    void dispatchToHandlers(const SseEvent &event, const bool &alive);
    void handlersChanged() { ++m_handlersGeneration; } // the dispatch cache is stale
    friend class SseEventHandler; // tells its sources of a new type and of its destruction
    void handlerDestroyed(SseEventHandler *handler);
    void flushBatch(); // after each read (the client's countersChanged())
    // An event from a stream that a new url, method or body is about to replace: not delivered.
    bool isStale() const { return m_restartPending && m_newStream; }
    // Whether the event being delivered still goes to the next handler: not once a slot closed
    // the stream (close(), active false, reconnectNow()) or made it stale.
    bool isDelivering() const { return !isStale() && m_client->state() == SseClient::Open; }

    static void appendHandler(QQmlListProperty<SseEventHandler> *list, SseEventHandler *handler);
    static qsizetype handlerCount(QQmlListProperty<SseEventHandler> *list);
    static SseEventHandler *handlerAt(QQmlListProperty<SseEventHandler> *list, qsizetype index);
    static void clearHandlers(QQmlListProperty<SseEventHandler> *list);
    static void replaceHandler(QQmlListProperty<SseEventHandler> *list, qsizetype index,
                               SseEventHandler *handler);
    static void removeLastHandler(QQmlListProperty<SseEventHandler> *list);

    SseClient *m_client;
    QVariantMap m_headers;
    QString m_lastEventIdSettingsKey;
    QList<SseEventHandler *> m_handlers; // as listed (a handler may be listed twice)
    // The handlers of the previous event's type, in list order, each once: a stream's events
    // mostly have the type of the one before, so the handlers are not looked up per event.
    QList<SseEventHandler *> m_dispatchTargets;
    QString m_dispatchType;
    quint64 m_handlersGeneration = 1; // bumped by every change of the handlers or their types
    quint64 m_dispatchGeneration = 0; // the generation m_dispatchTargets was built for
    bool *m_alive = nullptr; // the running forwardEvent()'s flag, cleared by the destructor
    // Kept by connectNotify(), not asked per event (atomic: a connection may be made in
    // another thread).
    std::atomic<bool> m_eventReceivedConnected = false;
    QMetaObject::Connection m_lastEventIdForward;
    QMetaObject::Connection m_rawDataForward;
    QList<SseEvent> m_batch; // this read's events (batchedDelivery)
    bool m_batchedDelivery = false;
    bool m_active = false;
    bool m_complete = false;
    bool m_restartPending = false; // a request property changed: reconnect in the next turn
    bool m_newStream = false; // url, method or body changed: do not resume (no Last-Event-ID)
};

#endif // SSESOURCE_H
