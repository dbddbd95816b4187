// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECLIENT_H
#define SSECLIENT_H

#include <QtSse/qtsse_export.h>
#include <QtSse/sseevent.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qurl.h>

#include <functional>
#include <memory>
#include <utility>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkRequest;
class QSslCertificate;
QT_END_NAMESPACE

class SseClientPrivate;
class SseRequest;
class SseAuthenticator;
class SseReachability;

class QTSSE_EXPORT SseClient : public QObject
{
    Q_OBJECT
    // Configuration
    Q_PROPERTY(QUrl url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QByteArray method READ method WRITE setMethod NOTIFY methodChanged)
    Q_PROPERTY(QByteArray body READ body WRITE setBody NOTIFY bodyChanged)
    Q_PROPERTY(QString lastEventId READ lastEventId WRITE setLastEventId NOTIFY lastEventIdChanged)
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
    Q_PROPERTY(qsizetype maxEventSize READ maxEventSize WRITE setMaxEventSize NOTIFY
                       maxEventSizeChanged)
    Q_PROPERTY(int duplicateWindow READ duplicateWindow WRITE setDuplicateWindow NOTIFY
                       duplicateWindowChanged)
    Q_PROPERTY(QString sequenceField READ sequenceField WRITE setSequenceField NOTIFY
                       sequenceFieldChanged)
    Q_PROPERTY(qint64 duplicateCount READ duplicateCount NOTIFY countersChanged)
    Q_PROPERTY(qint64 gapCount READ gapCount NOTIFY countersChanged)
    Q_PROPERTY(int timeToFirstByte READ timeToFirstByte NOTIFY countersChanged)
    Q_PROPERTY(int timeToFirstEvent READ timeToFirstEvent NOTIFY countersChanged)
    Q_PROPERTY(int reconnectCount READ reconnectCount NOTIFY countersChanged)
    Q_PROPERTY(qint64 downtime READ downtime NOTIFY countersChanged)
    Q_PROPERTY(double eventsPerSecond READ eventsPerSecond NOTIFY countersChanged)
    Q_PROPERTY(double bytesPerSecond READ bytesPerSecond NOTIFY countersChanged)
    Q_PROPERTY(int rawHistorySize READ rawHistorySize WRITE setRawHistorySize NOTIFY
                       rawHistorySizeChanged)
    Q_PROPERTY(QString resumeQueryParameter READ resumeQueryParameter WRITE setResumeQueryParameter
                       NOTIFY resumeQueryParameterChanged)
    Q_PROPERTY(HttpProtocol httpProtocol READ httpProtocol WRITE setHttpProtocol NOTIFY
                       httpProtocolChanged)
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
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY reconnectAttemptChanged)
    Q_PROPERTY(QDateTime nextRetryTime READ nextRetryTime NOTIFY nextRetryTimeChanged)
    Q_PROPERTY(QDateTime openedTime READ openedTime NOTIFY openedTimeChanged)
    Q_PROPERTY(qint64 eventCount READ eventCount NOTIFY countersChanged)
    Q_PROPERTY(qint64 byteCount READ byteCount NOTIFY countersChanged)
    Q_PROPERTY(int serverReconnectionTime READ serverReconnectionTime NOTIFY
                       serverReconnectionTimeChanged)
    Q_PROPERTY(Error error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(int httpStatus READ httpStatus NOTIFY errorChanged)
    Q_PROPERTY(QByteArray errorBody READ errorBody NOTIFY errorChanged)

public:
    enum State {
        Closed = 0, // not started, or close()d, or ended for good without an error
        Connecting, // a request is in flight, no stream yet
        Open, // a stream is open and events flow
        Reconnecting, // waiting for the next attempt (see nextRetryTime)
        Failed, // ended for good with an error (see error())
    };
    Q_ENUM(State)

    // The browser's EventSource.readyState.
    enum ReadyState { CONNECTING = 0, OPEN = 1, CLOSED = 2 };
    Q_ENUM(ReadyState)

    enum Error {
        NoError = 0,
        ConnectionError, // refused, reset, host not found, dropped before the stream opened
        HttpStatusError, // a status that is not retried (401, 403, 404...), or one that was
        InvalidStreamError, // a 200 whose Content-Type is not text/event-stream
        EventTooLargeError, // a line or event over maxEventSize
        TimeoutError, // connect timeout, or the stream stayed idle past idleTimeout
        RetriesExhaustedError, // maxRetries attempts in a row failed
        RedirectError, // https -> http, a redirect without Location, or too many redirects
        TlsError, // the certificate was not trusted, or the TLS handshake failed
        // More unread data than the cap arrived while a slot kept the event loop busy (HTTP/2
        // has no backpressure in Qt 6.4): the stream was dropped, to resume by Last-Event-ID
        BufferOverflowError,
    };
    Q_ENUM(Error)

    enum HttpProtocol {
        AutoProtocol = 0, // HTTP/2 on https when the server agrees (ALPN), else HTTP/1.1
        Http1Only, // never HTTP/2
        Http2PriorKnowledge, // HTTP/2 without negotiation, also h2c on http: the server must
        // speak it (an HTTP/1.1-only server never answers)
    };
    Q_ENUM(HttpProtocol)

    explicit SseClient(QObject *parent = nullptr);
    explicit SseClient(const QUrl &url, QObject *parent = nullptr);
    ~SseClient() override;

    QUrl url() const;
    void setUrl(const QUrl &url);
    QByteArray method() const;
    void setMethod(const QByteArray &method);
    QByteArray body() const;
    void setBody(const QByteArray &body);

    // Extra request headers, sent on every request (in this order).
    QList<std::pair<QByteArray, QByteArray>> rawHeaders() const;
    void setRawHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers);
    void setRawHeader(const QByteArray &name, const QByteArray &value); // replaces; empty removes

    QString lastEventId() const;
    void setLastEventId(const QString &id);
    // Persistent resume, opt-in: open() takes the last event ID from load() (when it gives one),
    // and save() gets it as events arrive, batched (at most once a second), and when a stream
    // ends, at close() and in the destructor, so that the next process resumes where this one
    // stopped. The callbacks run in the client's thread and must not call into the client.
    // Empty functions switch it off.
    void setLastEventIdStorage(std::function<QString()> load,
                               std::function<void(const QString &)> save);
    // The same in QSettings() (the application's organization and name) under key; an empty
    // key switches it off.
    void setLastEventIdSettingsKey(const QString &key);
    // The reconnection time set here (3000 ms by default). A server's "retry:" field overrides
    // it until the next open() without changing it: see serverReconnectionTime().
    int reconnectionTime() const;
    void setReconnectionTime(int milliseconds);
    int maxRetryDelay() const;
    void setMaxRetryDelay(int milliseconds);
    int maxRetries() const;
    void setMaxRetries(int attempts); // -1: unlimited (default)
    bool isJitterEnabled() const;
    void setJitterEnabled(bool enabled);
    bool retryAnyMethod() const;
    void setRetryAnyMethod(bool enabled);
    int idleTimeout() const;
    void setIdleTimeout(int milliseconds); // 0: off (default)
    int connectTimeout() const;
    void setConnectTimeout(int milliseconds); // 0: off; default 30000
    qsizetype maxEventSize() const;
    void setMaxEventSize(qsizetype bytes);

    // TLS: certificates are verified by default. Add CAs to trust (a private CA), or switch
    // verification off (never in production).
    void addCaCertificates(const QList<QSslCertificate> &certificates);
    void setIgnoreSslErrors(bool ignore);
    bool ignoreSslErrors() const;

    HttpProtocol httpProtocol() const;
    void setHttpProtocol(HttpProtocol protocol); // applies from the next request on
    // How a reconnect resumes: empty (the default), the Last-Event-ID header, as the standard
    // says; a name, the last event ID as that query parameter of the attempt's URL instead (for
    // servers and proxies that drop unknown headers), added after aboutToStartAttempt() to the
    // attempt's first request (a redirect goes where the server says, as it gives it).
    QString resumeQueryParameter() const;
    void setResumeQueryParameter(const QString &name);
    // Resume verification, opt-in. duplicateWindow: that many of the latest events (those with
    // an id: field) are remembered, and the same event again (the same ID, type and data; a
    // reused ID with new data is a new event) is a duplicate (a server that resumed one event
    // too early): dropped, counted in
    // duplicateCount, and told by duplicateDropped() instead of eventReceived(). 0 (the
    // default) switches it off. sequenceField: where an event's sequence number is: "id" (its
    // id: field as an integer) or a top-level field of its JSON data (OpenAI's
    // "sequence_number"); a jump forward is a gap (events lost between two streams): counted in
    // gapCount and told by gapDetected(); the event itself is delivered. Empty (the default)
    // switches it off. Both start afresh at open(); both hold across reconnects.
    int duplicateWindow() const;
    void setDuplicateWindow(int events);
    QString sequenceField() const;
    void setSequenceField(const QString &field);
    qint64 duplicateCount() const;
    qint64 gapCount() const;
    // What the client can tell about itself. timeToFirstByte and timeToFirstEvent: milliseconds
    // from the current attempt's request to its response head and to its first event (-1
    // until then); reconnectCount: reconnects scheduled since open(); downtime: milliseconds
    // without an open stream while trying (Connecting, Reconnecting) since open(), live;
    // eventsPerSecond and bytesPerSecond: in the last complete second, live (read them on a
    // timer: countersChanged() comes only with data). rawHistorySize (0: off, the default): how
    // many of the last bytes received (decoded, as fed to the parser) rawHistory() keeps, to
    // show what a stream said before an error.
    int timeToFirstByte() const;
    int timeToFirstEvent() const;
    int reconnectCount() const;
    qint64 downtime() const;
    double eventsPerSecond() const;
    double bytesPerSecond() const;
    int rawHistorySize() const;
    void setRawHistorySize(int bytes);
    QByteArray rawHistory() const;

    // By default clients share their thread's SseConnectionPool. Set the application's own
    // QNetworkAccessManager instead (not owned; it must outlive the client and live in the
    // client's thread): streams beyond its 6 per host on HTTP/1.1 (SseConnectionPool's limit on
    // HTTP/2) wait visibly (isWaitingForConnection()). Returns the application's manager, else
    // the pooled one carrying the current request, else nullptr.
    QNetworkAccessManager *networkAccessManager() const;
    void setNetworkAccessManager(QNetworkAccessManager *manager);

    // Network awareness. While the client's SseReachability says the network is down, no
    // attempt is made (nor counted against maxRetries): the client waits, Connecting or
    // Reconnecting, with isWaitingForNetwork() set; when the network returns it connects at once,
    // its backoff reset. An open stream is left alone (its data says more than the system
    // does). On by default, following SseReachability::system() (which says nothing of loopback
    // hosts, and "unknown" when no backend loads); setReachability() gives a source of the
    // application's own (nullptr: the system's again), setNetworkAware(false) switches it off.
    // pauseWhenSuspended, opt-in: while the application is suspended (a mobile application in
    // the background) the stream is closed and no attempt made (isPaused()); on its return the
    // client reconnects at once, resuming from the last event ID. reconnectNow() connects
    // whatever the source says.
    bool isNetworkAware() const;
    void setNetworkAware(bool enabled);
    bool pauseWhenSuspended() const;
    void setPauseWhenSuspended(bool enabled);
    SseReachability *reachability() const;
    void setReachability(SseReachability *source); // not owned
    bool isWaitingForNetwork() const;
    bool isPaused() const;

    State state() const;
    ReadyState readyState() const;
    // Connecting, but every connection the client may use to the host is busy: the request is
    // sent as soon as one frees up (see SseConnectionPool).
    bool isWaitingForConnection() const;
    int reconnectAttempt() const;
    QDateTime nextRetryTime() const;
    QDateTime openedTime() const;
    qint64 eventCount() const;
    qint64 byteCount() const;
    // The reconnection time the server's last "retry:" field set (at least 100 ms), which the
    // client uses instead of reconnectionTime(); -1 when the server has sent none since open().
    int serverReconnectionTime() const;
    // What went wrong, until it is over: error() and errorString() describe the last failure
    // and stay while the client reconnects (Connecting, Reconnecting) or has given up (Failed);
    // they are cleared when a stream opens, and by open(). httpStatus() and errorBody() describe
    // the latest response: 0 and empty from each request on until its head (and, for an error
    // status, the start of its body) arrives. errorChanged() notifies all four.
    Error error() const;
    QString errorString() const;
    int httpStatus() const;
    QByteArray errorBody() const;
    // The latest response's headers, as received (names in the server's case, in order);
    // empty from each request on until its head arrives, like httpStatus(). Every response
    // has them: a redirect's, an error's and the stream's. responseReceived() says when.
    QList<std::pair<QByteArray, QByteArray>> responseHeaders() const;

    // Calls slot(event) for each event of the given type, in the context object's thread;
    // the listener is removed when the context is destroyed, by removeEventListener(type), or
    // by QObject::disconnect() on the returned connection.
    template<typename Functor>
    QMetaObject::Connection addEventListener(const QString &type, const QObject *context,
                                             Functor &&slot)
    {
        return addEventListenerImpl(
                type, context, std::function<void(const SseEvent &)>(std::forward<Functor>(slot)));
    }
    template<typename Receiver>
    QMetaObject::Connection addEventListener(const QString &type, Receiver *receiver,
                                             void (Receiver::*slot)(const SseEvent &))
    {
        return addEventListenerImpl(type, receiver,
                                    [receiver, slot](const SseEvent &e) { (receiver->*slot)(e); });
    }
    void removeEventListener(const QString &type);
    bool removeEventListener(const QMetaObject::Connection &connection);

public Q_SLOTS:
    void open();
    void close();
    void reconnectNow();

Q_SIGNALS:
    void eventReceived(const SseEvent &event);
    void commentReceived(const QString &comment);
    // The stream's body bytes of each read, exactly as fed to the parser (after HTTP chunking
    // and content decoding), before the events they complete: a recorder's raw stream. Only the
    // bytes of an opened stream (after opened(), before its disconnected()), never an error
    // response's. After disconnected(), errorOccurred() comes before the next stateChanged(),
    // reconnectScheduled(), closed(), opened() or rawDataReceived() if the stream ended with an
    // error. Free when nothing is connected.
    void rawDataReceived(const QByteArray &data);
    void opened();
    void disconnected(); // an opened stream ended; a reconnect may follow
    void closed(); // no further attempt will be made (Closed or Failed)
    void reconnectScheduled(int attempt, int delayMs);
    void errorOccurred(SseClient::Error error); // a failure: error() and errorString() say it
    // Emitted just before each request is sent: adjust it (e.g. refresh a bearer token).
    // Connect with a direct connection.
    void aboutToSendRequest(QNetworkRequest *request);
    // Emitted when a response's head arrives, for every response (a redirect, an error, the
    // stream's), before anything else about it: httpStatus() and responseHeaders() hold it.
    void responseReceived();
    // Emitted before each attempt (the first after open() and every reconnect; not before a
    // redirect, which belongs to its attempt): change the URL, method, body, headers or the
    // last event ID to resume from, for this attempt only (a fresh token, a ?since= cursor, a
    // POST stream resumed by a GET elsewhere). Connect with a direct connection. A request that
    // is not a GET is only retried with retryAnyMethod set, whatever the slot makes of it.
    void aboutToStartAttempt(SseRequest *request);
    // Emitted when a response is 401 and a slot is connected: answer with new credentials,
    // now or later (SseAuthenticator); without an answer the 401 stands.
    void authenticationRequired(SseAuthenticator *authenticator);
    void duplicateDropped(const SseEvent &event); // see duplicateWindow
    void gapDetected(qint64 expected, qint64 received); // see sequenceField

    void urlChanged(const QUrl &url);
    void methodChanged(const QByteArray &method);
    void bodyChanged();
    void lastEventIdChanged(const QString &lastEventId);
    void reconnectionTimeChanged(int milliseconds);
    void maxRetryDelayChanged(int milliseconds);
    void maxRetriesChanged(int attempts);
    void jitterEnabledChanged(bool enabled);
    void retryAnyMethodChanged(bool enabled);
    void idleTimeoutChanged(int milliseconds);
    void connectTimeoutChanged(int milliseconds);
    void maxEventSizeChanged(qsizetype bytes);
    void httpProtocolChanged(SseClient::HttpProtocol protocol);
    void resumeQueryParameterChanged(const QString &name);
    void duplicateWindowChanged(int events);
    void sequenceFieldChanged(const QString &field);
    void rawHistorySizeChanged(int bytes);
    void waitingForConnectionChanged(bool waiting);
    void networkAwareChanged(bool enabled);
    void pauseWhenSuspendedChanged(bool enabled);
    void waitingForNetworkChanged(bool waiting);
    void pausedChanged(bool paused);
    void stateChanged(SseClient::State state);
    void reconnectAttemptChanged(int attempt);
    void nextRetryTimeChanged(const QDateTime &time);
    void openedTimeChanged(const QDateTime &time);
    void countersChanged();
    void serverReconnectionTimeChanged(int milliseconds);
    void errorChanged(); // error(), errorString(), httpStatus() or errorBody()

private:
    QMetaObject::Connection addEventListenerImpl(const QString &type, const QObject *context,
                                                 std::function<void(const SseEvent &)> slot);

    Q_DISABLE_COPY(SseClient)
    Q_DECLARE_PRIVATE(SseClient)
    std::unique_ptr<SseClientPrivate> d_ptr;
};

#endif // SSECLIENT_H
