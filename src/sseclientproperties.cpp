// SPDX-License-Identifier: BSD-3-Clause
// SseClient's properties: the configuration, and the state with its NOTIFY contract (each
// setter below emits its property's signal only when the value changed).
#include "sseclient_p.h"

#include <QtCore/qsettings.h>
#include <QtNetwork/qnetworkaccessmanager.h>

#define QTSSE_SETTER(member, value, notify) \
  do { \
    Q_D(SseClient); \
    if (d->member == (value)) \
      return; \
    d->member = (value); \
    Q_EMIT notify(d->member); \
  } while (false)

/*!
    \property SseClient::url
    \brief The URL of the stream.

    Reconnects go to this URL, not to where a redirect led. A change applies from the next
    attempt on: it does not reconnect by itself.
*/
/*!
    \property SseClient::method
    \brief The HTTP method, upper-cased; GET by default (an empty method is GET).

    A request that is not a GET is never sent again automatically unless retryAnyMethod is
    set. A body with GET is sent as is, with a warning: most servers ignore it.
*/
/*!
    \property SseClient::body
    \brief The request body, sent with every attempt (for POST streams such as an LLM's chat).
*/
/*!
    \property SseClient::lastEventId
    \brief The last event ID: sent as \c Last-Event-ID (or as resumeQueryParameter) on every
    request when it is not empty.

    It changes as events with an \c id: field are dispatched and survives reconnects; set it
    before open() to resume from a known point. An ID holding CR, LF or NUL is refused with a
    warning: it would end the header.
*/
/*!
    \property SseClient::reconnectionTime
    \brief The reconnection time in milliseconds (3000 by default).

    A server's \c retry: field overrides it until the next open(), without changing this
    property: see serverReconnectionTime. Negative values are taken as 0.
*/
/*!
    \property SseClient::maxRetryDelay
    \brief The cap of the exponential backoff in milliseconds (30000 by default), never
    below the server's \c retry:.
*/
/*!
    \property SseClient::maxRetries
    \brief How many attempts in a row may fail before the client gives up with
    RetriesExhaustedError; -1 (the default) for no limit, 0 never to reconnect.

    The count restarts when a stream opens.
*/
/*!
    \property SseClient::jitterEnabled
    \brief Whether reconnect delays are lengthened by a random share (true by default): up to
    50% after failures and up to 1.5 times the reconnection time after an opened stream, so
    that clients dropped together do not return together. Never shortened.
*/
/*!
    \property SseClient::retryAnyMethod
    \brief Whether a request that is not a GET is sent again after a failure or after its
    stream ended (false by default): replaying a POST could repeat expensive work.
*/
/*!
    \property SseClient::idleTimeout
    \brief Milliseconds an open stream may stay silent (not even a comment) before it counts
    as ended and the client reconnects with TimeoutError; 0 (the default) switches it off.
*/
/*!
    \property SseClient::connectTimeout
    \brief Milliseconds an attempt may wait for its response head (30000 by default); 0 for
    no limit.

    The time starts when the request is sent, not while it waits for a connection (see
    waitingForConnection). It is also the bound on a response head that never ends, and on
    how long the client waits for a deferred SseAuthenticator answer.
*/
/*!
    \property SseClient::maxEventSize
    \brief The largest line or event data in bytes (16 MiB by default).

    A larger one drops the stream with EventTooLargeError, and the attempt counts as a
    failure. It bounds the memory of a stream: see \l{Reliability: timeouts, limits, TLS and
    proxies}.
*/
/*!
    \property SseClient::duplicateWindow
    \brief How many of the latest events with an ID are remembered to drop duplicates; 0 (the
    default) switches it off.

    The same event again (the same ID, type and data: a server that resumed one event too
    early) is not delivered: duplicateDropped() tells it, duplicateCount counts it. An ID
    reused for another event (a server that restarted its numbering, as nchan does within a
    second) is a new event; an event repeated to the letter with its ID (a heartbeat with a
    fixed ID) is a duplicate. The window starts afresh at open() and holds across reconnects.
*/
/*!
    \property SseClient::sequenceField
    \brief Where an event's sequence number is, to detect gaps: empty (the default, off),
    \c{"id"} for integer IDs, or the name of a top-level field of the event's JSON data (such
    as OpenAI's \c sequence_number).

    A jump forward is a gap: gapDetected() tells it, gapCount counts it, and the event is
    still delivered. It starts afresh at open() and holds across reconnects.
*/
/*!
    \property SseClient::duplicateCount
    \brief Events dropped as duplicates since the last open() (see duplicateWindow).
*/
/*!
    \property SseClient::gapCount
    \brief Gaps detected since the last open() (see sequenceField).
*/
/*!
    \property SseClient::timeToFirstByte
    \brief Milliseconds from the current attempt's request to its response head; -1 until
    then.
*/
/*!
    \property SseClient::timeToFirstEvent
    \brief Milliseconds from the current attempt's request to its first event; -1 until then.
*/
/*!
    \property SseClient::reconnectCount
    \brief Reconnects scheduled since the last open().
*/
/*!
    \property SseClient::downtime
    \brief Milliseconds without an open stream while trying (Connecting, Reconnecting) since
    the last open(); live while it lasts.
*/
/*!
    \property SseClient::eventsPerSecond
    \brief Events delivered in the last complete second. Live: read it on a timer, since
    countersChanged() comes only with data.
*/
/*!
    \property SseClient::bytesPerSecond
    \brief Body bytes received in the last complete second. Live, like eventsPerSecond.
*/
/*!
    \property SseClient::rawHistorySize
    \brief How many of the last bytes received rawHistory() keeps; 0 (the default) switches
    it off.
*/
/*!
    \property SseClient::resumeQueryParameter
    \brief How a reconnect resumes: empty (the default) sends the \c Last-Event-ID header, as
    the standard says; a name sends the last event ID as that query parameter of the
    attempt's URL instead.

    For servers and proxies that drop unknown headers. The parameter is added after
    aboutToStartAttempt() to the attempt's first request; a redirect goes where the server
    says.
*/
/*!
    \property SseClient::httpProtocol
    \brief The HTTP version to use (AutoProtocol by default), from the next request on.
    \sa {Many streams: the connection pool and HTTP/2}
*/
/*!
    \property SseClient::state
    \brief Where the client is in its life cycle.
*/
/*!
    \property SseClient::readyState
    \brief The state as the browser's EventSource.readyState says it. Notified by
    stateChanged().
*/
/*!
    \property SseClient::waitingForConnection
    \brief Whether the client is Connecting but every connection it may use to the host is
    busy: the request is sent as soon as one frees up (see SseConnectionPool). The connect
    timeout starts only then.
*/
/*!
    \property SseClient::reconnectAttempt
    \brief The number of reconnects scheduled since the last opened stream (0 while a stream
    is open).
*/
/*!
    \property SseClient::nextRetryTime
    \brief When the next attempt starts while Reconnecting; invalid otherwise.
*/
/*!
    \property SseClient::openedTime
    \brief When the latest stream opened; invalid until one did.
*/
/*!
    \property SseClient::eventCount
    \brief Events delivered by eventReceived() since the last open().

    It counts across reconnects and is reset to 0 by open() only (reconnectNow() from Closed
    or Failed is an open()); not by a reconnect, nor by close(). Duplicates dropped by duplicateWindow are not counted; events after a gap are.
    Notified by countersChanged(), once per read from the network, not per event.
*/
/*!
    \property SseClient::byteCount
    \brief Body bytes fed to the parser since the last open(): after gzip or deflate
    decoding, without the response heads; reset like eventCount.
*/
/*!
    \property SseClient::serverReconnectionTime
    \brief The reconnection time set by the server's last \c retry: field (at least 100 ms),
    which the client uses instead of reconnectionTime; -1 when the server sent none since
    open().
*/
/*!
    \property SseClient::error
    \brief The last failure, until it is over.

    error, errorString, httpStatus and errorBody share one notifier, errorChanged(). error and
    errorString describe the last failure and stay while the client reconnects (Connecting,
    Reconnecting) or after it gave up (Failed); they are cleared when a stream opens, and by
    open().
*/
/*!
    \property SseClient::errorString
    \brief The last failure in words ("HTTP 401 Unauthorized", "Connection refused", ...).
    \sa error
*/
/*!
    \property SseClient::httpStatus
    \brief The latest response's status: 0 from each request on until its head arrives.
    \sa error
*/
/*!
    \property SseClient::errorBody
    \brief The first 4 KiB of the latest response's body when its status is an error (a
    401's JSON explanation, say); empty from each request on.
    \sa error
*/

/*!
    \fn QList<std::pair<QByteArray, QByteArray>> SseClient::rawHeaders() const
    Returns the extra request headers, sent on every request in this order.
    \sa setRawHeader()
*/
/*!
    \fn void SseClient::setRawHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers)
    Replaces the extra request headers by \a headers. A \c User-Agent among them replaces
    QtSse's own; a header holding CR, LF or NUL is not sent (with a warning).
*/
/*!
    \fn void SseClient::setRawHeader(const QByteArray &name, const QByteArray &value)
    Sets the request header \a name (any case) to \a value, replacing one of that name; an
    empty \a value removes it.
*/
/*!
    \fn void SseClient::setLastEventIdStorage(std::function<QString()> load, std::function<void(const QString &)> save)

    Makes the last event ID persistent: open() takes it from \a load (when that gives one),
    and \a save gets it as events arrive, batched (at most once a second), when a stream ends,
    at close() and in the destructor, so that the next process resumes where this one stopped.
    The functions run in the client's thread and must not call into the client. Empty
    functions switch it off.
    \sa setLastEventIdSettingsKey()
*/
/*!
    \fn void SseClient::setLastEventIdSettingsKey(const QString &key)
    Makes the last event ID persistent in QSettings() (the application's organization and
    name) under \a key, as setLastEventIdStorage() does; an empty \a key switches it off.
*/
/*!
    \fn void SseClient::addCaCertificates(const QList<QSslCertificate> &certificates)
    Adds \a certificates to the CAs trusted for this client's TLS connections (a private
    CA), besides the system's.
*/
/*!
    \fn void SseClient::setIgnoreSslErrors(bool ignore)
    Accepts any TLS certificate when \a ignore is true. For tests only, never in production.
*/
/*!
    \fn bool SseClient::ignoreSslErrors() const
    Returns whether TLS certificate errors are ignored.
    \sa setIgnoreSslErrors()
*/
/*!
    \fn QByteArray SseClient::rawHistory() const
    Returns the last rawHistorySize bytes received (decoded, as fed to the parser), to show
    what a stream said before an error.
*/
/*!
    \fn QNetworkAccessManager *SseClient::networkAccessManager() const
    Returns the application's manager set with setNetworkAccessManager(), else the pooled
    manager carrying the current request, else \c nullptr.
*/
/*!
    \fn void SseClient::setNetworkAccessManager(QNetworkAccessManager *manager)
    Makes the client use the application's \a manager instead of its thread's
    SseConnectionPool. The client does not own it; it must live in the client's thread. If it
    is destroyed first, the attempt ends with ConnectionError. Streams beyond its 6
    connections per host on HTTP/1.1 (SseConnectionPool::maxHttp2Streams() on HTTP/2) wait
    visibly (waitingForConnection). \c nullptr returns to the pool.
*/
/*!
    \fn QList<std::pair<QByteArray, QByteArray>> SseClient::responseHeaders() const
    Returns the latest response's headers as received (names in the server's case, in
    order); empty from each request on until its head arrives. Every response has them: a
    redirect's, an error's and the stream's. responseReceived() says when.
*/
/*!
    \fn void SseClient::countersChanged()
    Emitted when eventCount, byteCount, duplicateCount, gapCount or the metrics
    (timeToFirstByte, timeToFirstEvent, reconnectCount, downtime) changed: once per read from
    the network, not per event.
*/

QUrl SseClient::url() const
{
    return d_func()->url;
}
void SseClient::setUrl(const QUrl &url)
{
    QTSSE_SETTER(url, url, urlChanged);
}
QByteArray SseClient::method() const
{
    return d_func()->method;
}
void SseClient::setMethod(const QByteArray &method)
{
    QTSSE_SETTER(method, method.isEmpty() ? QByteArray("GET") : method.toUpper(), methodChanged);
}
QByteArray SseClient::body() const
{
    return d_func()->body;
}
void SseClient::setBody(const QByteArray &body)
{
    Q_D(SseClient);
    if (d->body == body)
        return;
    d->body = body;
    Q_EMIT bodyChanged();
}

QList<std::pair<QByteArray, QByteArray>> SseClient::rawHeaders() const
{
    return d_func()->headers;
}

void SseClient::setRawHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    d_func()->headers = headers;
}

void SseClient::setRawHeader(const QByteArray &name, const QByteArray &value)
{
    Q_D(SseClient);
    QtSsePrivate::setRawHeader(d->headers, name, value);
}

QString SseClient::lastEventId() const
{
    return d_func()->parser.lastEventId();
}
void SseClient::setLastEventId(const QString &id)
{
    Q_D(SseClient);
    if (d->parser.lastEventId() == id)
        return;
    // As in a stream's id: field, which cannot hold them (and NUL makes the spec ignore it): in
    // the Last-Event-ID header they would end it and add headers of their own.
    if (id.contains(u'\r') || id.contains(u'\n') || id.contains(QChar(0))) {
        qCWarning(lcSseConnection) << "setLastEventId: rejected, CR, LF or NUL in" << id;
        return;
    }
    d->parser.setLastEventId(id);
    d->notifyLastEventId();
}

void SseClient::setLastEventIdStorage(std::function<QString()> load,
                                      std::function<void(const QString &)> save)
{
    Q_D(SseClient);
    d->loadLastEventId = std::move(load);
    d->storeLastEventId = std::move(save);
    d->savedLastEventId.clear();
    d->storageLoaded = false;
    if (!d->storeLastEventId)
        d->saveTimer.stop();
}

void SseClient::setLastEventIdSettingsKey(const QString &key)
{
    if (key.isEmpty()) {
        setLastEventIdStorage({}, {});
        return;
    }
    setLastEventIdStorage([key] { return QSettings().value(key).toString(); },
                          [key](const QString &id) { QSettings().setValue(key, id); });
}

int SseClient::reconnectionTime() const
{
    return int(d_func()->retry.reconnectionTime());
}
void SseClient::setReconnectionTime(int ms)
{
    Q_D(SseClient);
    if (d->retry.reconnectionTime() == qMax(0, ms))
        return;
    d->retry.setReconnectionTime(ms); // in force unless the server sent retry:
    Q_EMIT reconnectionTimeChanged(reconnectionTime());
}
int SseClient::serverReconnectionTime() const
{
    return int(d_func()->retry.serverReconnectionTime());
}
int SseClient::maxRetryDelay() const
{
    return int(d_func()->retry.backoff.maxDelay);
}
void SseClient::setMaxRetryDelay(int ms)
{
    QTSSE_SETTER(retry.backoff.maxDelay, qMax(0, ms), maxRetryDelayChanged);
}
int SseClient::maxRetries() const
{
    return d_func()->retry.maxRetries;
}
void SseClient::setMaxRetries(int n)
{
    QTSSE_SETTER(retry.maxRetries, qMax(-1, n), maxRetriesChanged);
}
bool SseClient::isJitterEnabled() const
{
    return d_func()->retry.backoff.jitter;
}
void SseClient::setJitterEnabled(bool on)
{
    QTSSE_SETTER(retry.backoff.jitter, on, jitterEnabledChanged);
}
bool SseClient::retryAnyMethod() const
{
    return d_func()->retry.retryAnyMethod;
}
void SseClient::setRetryAnyMethod(bool on)
{
    QTSSE_SETTER(retry.retryAnyMethod, on, retryAnyMethodChanged);
}
int SseClient::idleTimeout() const
{
    return d_func()->idleTimeout;
}
void SseClient::setIdleTimeout(int ms)
{
    QTSSE_SETTER(idleTimeout, qMax(0, ms), idleTimeoutChanged);
}
int SseClient::connectTimeout() const
{
    return d_func()->connectTimeout;
}
void SseClient::setConnectTimeout(int ms)
{
    QTSSE_SETTER(connectTimeout, qMax(0, ms), connectTimeoutChanged);
}
qsizetype SseClient::maxEventSize() const
{
    return d_func()->parser.maxEventSize();
}
void SseClient::setMaxEventSize(qsizetype bytes)
{
    Q_D(SseClient);
    if (d->parser.maxEventSize() == bytes)
        return;
    d->parser.setMaxEventSize(bytes);
    Q_EMIT maxEventSizeChanged(d->parser.maxEventSize());
}
SseClient::HttpProtocol SseClient::httpProtocol() const
{
    return d_func()->httpProtocol;
}
void SseClient::setHttpProtocol(HttpProtocol protocol)
{
    QTSSE_SETTER(httpProtocol, protocol, httpProtocolChanged);
}
int SseClient::duplicateWindow() const
{
    return d_func()->resumeCheck.window();
}
void SseClient::setDuplicateWindow(int events)
{
    Q_D(SseClient);
    if (d->resumeCheck.window() == qMax(0, events))
        return;
    d->resumeCheck.setWindow(events);
    Q_EMIT duplicateWindowChanged(d->resumeCheck.window());
}
QString SseClient::sequenceField() const
{
    return d_func()->resumeCheck.sequenceField();
}
void SseClient::setSequenceField(const QString &field)
{
    Q_D(SseClient);
    if (d->resumeCheck.sequenceField() == field)
        return;
    d->resumeCheck.setSequenceField(field);
    Q_EMIT sequenceFieldChanged(field);
}
qint64 SseClient::duplicateCount() const
{
    return d_func()->duplicateCount;
}
qint64 SseClient::gapCount() const
{
    return d_func()->gapCount;
}
int SseClient::timeToFirstByte() const
{
    return d_func()->metrics.timeToFirstByte();
}
int SseClient::timeToFirstEvent() const
{
    return d_func()->metrics.timeToFirstEvent();
}
int SseClient::reconnectCount() const
{
    return d_func()->metrics.reconnects();
}
qint64 SseClient::downtime() const
{
    return d_func()->metrics.downtime();
}
double SseClient::eventsPerSecond() const
{
    return d_func()->metrics.eventsPerSecond();
}
double SseClient::bytesPerSecond() const
{
    return d_func()->metrics.bytesPerSecond();
}
int SseClient::rawHistorySize() const
{
    return int(d_func()->metrics.historySize());
}
void SseClient::setRawHistorySize(int bytes)
{
    Q_D(SseClient);
    if (d->metrics.historySize() == qMax(0, bytes))
        return;
    d->metrics.setHistorySize(bytes);
    Q_EMIT rawHistorySizeChanged(rawHistorySize());
}
QByteArray SseClient::rawHistory() const
{
    return d_func()->metrics.history();
}
QString SseClient::resumeQueryParameter() const
{
    return d_func()->resumeQueryParameter;
}
void SseClient::setResumeQueryParameter(const QString &name)
{
    QTSSE_SETTER(resumeQueryParameter, name, resumeQueryParameterChanged);
}
bool SseClient::isWaitingForConnection() const
{
    return d_func()->waitingForConnection;
}

#undef QTSSE_SETTER

void SseClient::addCaCertificates(const QList<QSslCertificate> &certificates)
{
    d_func()->caCertificates += certificates;
}
void SseClient::setIgnoreSslErrors(bool ignore)
{
    d_func()->ignoreSslErrors = ignore;
}
bool SseClient::ignoreSslErrors() const
{
    return d_func()->ignoreSslErrors;
}

QNetworkAccessManager *SseClient::networkAccessManager() const
{
    return const_cast<SseClientPrivate *>(d_func())->manager();
}

void SseClient::setNetworkAccessManager(QNetworkAccessManager *manager)
{
    Q_D(SseClient);
    d->userManager = manager;
    d->hasUserManager = manager != nullptr;
}

SseClient::State SseClient::state() const
{
    return d_func()->state;
}
SseClient::ReadyState SseClient::readyState() const
{
    switch (d_func()->state) {
    case Connecting:
    case Reconnecting:
        return CONNECTING;
    case Open:
        return OPEN;
    case Closed:
    case Failed:
        break;
    }
    return CLOSED;
}
int SseClient::reconnectAttempt() const
{
    return d_func()->retry.attempt();
}
QDateTime SseClient::nextRetryTime() const
{
    return d_func()->nextRetryTime;
}
QDateTime SseClient::openedTime() const
{
    return d_func()->openedTime;
}
qint64 SseClient::eventCount() const
{
    return d_func()->eventCount;
}
qint64 SseClient::byteCount() const
{
    return d_func()->byteCount;
}
SseClient::Error SseClient::error() const
{
    return d_func()->error;
}
QString SseClient::errorString() const
{
    return d_func()->errorString;
}
int SseClient::httpStatus() const
{
    return d_func()->httpStatus;
}
QByteArray SseClient::errorBody() const
{
    return d_func()->errorBody;
}
QList<std::pair<QByteArray, QByteArray>> SseClient::responseHeaders() const
{
    return d_func()->responseHeaders;
}

void SseClientPrivate::setState(SseClient::State s)
{
    Q_Q(SseClient);
    if (state == s)
        return;
    qCDebug(lcSseConnection) << "state" << state << "->" << s;
    state = s;
    metrics.setDown(s == SseClient::Connecting || s == SseClient::Reconnecting);
    bool wasWaiting = false;
    if (s != SseClient::Connecting && s != SseClient::Open) {
        lease.release(); // a waiting request leaves the queue; a backoff wait holds no slot
        wasWaiting = std::exchange(waitingForConnection, false);
    }
    const SseInterrupted interrupted(this);
    Q_EMIT q->stateChanged(s);
    if (wasWaiting && !interrupted)
        Q_EMIT q->waitingForConnectionChanged(false);
    if ((s == SseClient::Closed || s == SseClient::Failed || s == SseClient::Open) && !interrupted)
        setHold(Hold::None); // (close(), reconnectNow())
}

void SseClientPrivate::setWaitingForConnection(bool waiting)
{
    if (std::exchange(waitingForConnection, waiting) != waiting)
        Q_EMIT q_func()->waitingForConnectionChanged(waiting);
}

void SseClientPrivate::setError(SseClient::Error e, const QString &reason, const QByteArray *body)
{
    qCDebug(lcSseConnection) << "error" << e << reason;
    if (setErrorState(e, reason, httpStatus, body ? *body : errorBody))
        Q_EMIT q_func()->errorOccurred(e);
}

bool SseClientPrivate::setErrorState(SseClient::Error e, const QString &reason, int status,
                                     const QByteArray &body)
{
    if (error == e && errorString == reason && httpStatus == status && errorBody == body)
        return true;
    error = e;
    errorString = reason;
    httpStatus = status;
    errorBody = body;
    const SseInterrupted interrupted(this);
    Q_EMIT q_func()->errorChanged();
    return !interrupted;
}

void SseClientPrivate::setServerReconnectionTime(qint64 ms)
{
    const qint64 before = retry.serverReconnectionTime();
    retry.setServerReconnectionTime(ms);
    if (retry.serverReconnectionTime() != before)
        Q_EMIT q_func()->serverReconnectionTimeChanged(int(retry.serverReconnectionTime()));
}

void SseClientPrivate::notifyAttempt(int before)
{
    if (retry.attempt() != before)
        Q_EMIT q_func()->reconnectAttemptChanged(retry.attempt());
}

void SseClientPrivate::setNextRetryTime(const QDateTime &time)
{
    if (nextRetryTime == time)
        return;
    nextRetryTime = time;
    Q_EMIT q_func()->nextRetryTimeChanged(time);
}
