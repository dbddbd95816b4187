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
