// SPDX-License-Identifier: BSD-3-Clause
#include "sseclient_p.h"

#include <QtCore/qcoreevent.h>

#include <limits>

#include <QtNetwork/qnetworkaccessmanager.h>

/*!
    \class SseClient
    \brief A Server-Sent Events client on QNetworkAccessManager.

    Set the url (and, for LLM-style APIs, the method, body and headers), connect to
    eventReceived() or add per-type listeners with addEventListener(), and call open().
    The client parses the stream incrementally, keeps the last event ID and sends it as
    Last-Event-ID on every reconnection, and reconnects politely: the server's retry:,
    exponential backoff with jitter after failures, and Retry-After on 408/429/5xx.

    A request whose method is not GET is never sent again automatically unless retryAnyMethod
    is set: replaying it could repeat expensive, non-idempotent work.

    close(), or deleting the client, is safe at any moment, also from a slot connected to it:
    the reply is aborted, pending timers stop, and no further signal is emitted.
*/

/*!
    \fn void SseClient::eventReceived(const SseEvent &event)
    Emitted for each dispatched event, in stream order.
*/
/*!
    \fn void SseClient::opened()
    Emitted when a response with status 200 and Content-Type text/event-stream arrived.
*/
/*!
    \fn void SseClient::disconnected()
    Emitted when an opened stream ended; the incomplete event, if any, is discarded.
*/
/*!
    \fn void SseClient::closed()
    Emitted when no further attempt will be made: after close(), a 204, or a failure for good.
*/
/*!
    \fn void SseClient::reconnectScheduled(int attempt, int delayMs)
    Emitted when the next attempt is scheduled, \a delayMs from now.
*/
/*!
    \fn void SseClient::errorOccurred(SseClient::Error error)
    Emitted for every error, also those after which the client retries; state() tells
    whether the client goes on (Reconnecting) or stopped (Failed).
*/

Q_LOGGING_CATEGORY(lcSseConnection, "qtsse.connection", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSsePolicy, "qtsse.policy", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSseParser, "qtsse.parser", QtWarningMsg)

SseClientPrivate::SseClientPrivate(SseClient *q) : q_ptr(q) { }

SseClientPrivate::~SseClientPrivate()
{
    if (alivePtr)
        *alivePtr = false; // destroyed from a slot while feeding: onReadyRead() must stop
}

SseClient::SseClient(QObject *parent) : QObject(parent), d_ptr(new SseClientPrivate(this))
{
    Q_D(SseClient);
    d->parser.setEventHandler([d](const SseEvent &event) { d->handleEvent(event); });
    d->parser.setCommentHandler(
            [this](const QString &comment) { Q_EMIT commentReceived(comment); });
    d->parser.setRetryHandler([d](qint64 ms) {
        qCDebug(lcSsePolicy) << "server retry:" << ms << "ms";
        d->setServerReconnectionTime(int(qBound<qint64>(QtSsePrivate::MinServerRetryMs, ms,
                                                        std::numeric_limits<int>::max())));
    });
}

void SseClient::timerEvent(QTimerEvent *event)
{
    Q_D(SseClient);
    // Single-shot, like the QTimers they replace: stopped before their handler runs.
    const int id = event->timerId();
    if (id == d->retryTimer.timerId()) {
        d->retryTimer.stop();
        d->startRequest();
    } else if (id == d->connectTimer.timerId()) {
        d->connectTimer.stop();
        d->onConnectTimeout();
    } else if (id == d->idleTimer.timerId()) {
        d->idleTimer.stop();
        d->onIdleTimeout();
    } else if (id == d->unsentTimer.timerId()) {
        d->unsentTimer.stop();
        d->onUnsentCheck();
    } else {
        QObject::timerEvent(event);
    }
}

SseClient::SseClient(const QUrl &url, QObject *parent) : SseClient(parent)
{
    d_func()->url = url;
}

SseClient::~SseClient()
{
    Q_D(SseClient);
    d->dropReply(); // silently: no signal from a dying client
    d->lease.release(); // the pool deletes an idle manager later, never under a reply's signal
}

QMetaObject::Connection SseClient::addEventListenerImpl(const QString &type, const QObject *context,
                                                        std::function<void(const SseEvent &)> slot)
{
    Q_D(SseClient);
    d->dropUnusedChannels();
    SseEventChannel *&channel = d->channels[type];
    if (!channel)
        channel = new SseEventChannel(this);
    return connect(channel, &SseEventChannel::eventReceived, context ? context : this,
                   std::move(slot));
}

/*! Removes every listener of events of \a type. */
void SseClient::removeEventListener(const QString &type)
{
    if (SseEventChannel *channel = d_func()->channels.take(type)) {
        channel->disconnect(); // no event reaches them from now on, also not this one's rest
        channel->deleteLater(); // it may be emitting (called from one of its listeners)
    }
}

/*! Removes one listener; returns false if it was not connected. */
bool SseClient::removeEventListener(const QMetaObject::Connection &connection)
{
    const bool removed = QObject::disconnect(connection);
    d_func()->dropUnusedChannels();
    return removed;
}

void SseClientPrivate::dropUnusedChannels()
{
    for (auto it = channels.begin(); it != channels.end();) {
        if (it.value()->hasListeners()) {
            ++it;
        } else {
            it.value()->deleteLater();
            it = channels.erase(it);
        }
    }
}

/*!
    Connects to url. Does nothing while connecting or open; from Reconnecting it connects now.
*/
void SseClient::open()
{
    Q_D(SseClient);
    if (d->state == Connecting || d->state == Open)
        return;
    d->retryTimer.stop();
    const SseInterrupted interrupted(d);
    d->setNextRetryTime(QDateTime());
    if (interrupted)
        return; // closed or deleted from a slot
    d->setReconnectAttempt(0);
    if (interrupted)
        return;
    d->consecutiveFailures = 0;
    // A new session: the application's reconnection time, no error, counters from zero.
    d->setServerReconnectionTime(-1);
    if (interrupted || !d->setErrorState(NoError, QString(), 0, QByteArray()))
        return;
    if (d->method == "GET" && !d->body.isEmpty()) {
        // As sent: a GET with a body is legal HTTP, but most servers ignore the body, and an API
        // that streams an answer to a JSON body wants POST. Said, not guessed.
        qCWarning(lcSseConnection).nospace()
                << "open(): a body with the GET method is sent as is, and most servers ignore it;"
                   " for an API that answers a body (an LLM's chat), setMethod(\"POST\")";
    }
    const bool counted = d->eventCount != 0 || d->byteCount != 0;
    d->eventCount = d->byteCount = 0;
    if (counted) {
        Q_EMIT countersChanged();
        if (interrupted)
            return;
    }
    d->startRequest();
}

/*!
    Stops everything: aborts the request or stream, cancels a pending retry. Safe to call at
    any moment, also from a slot connected to this client; no signal follows it but the
    state change to Closed and closed().
*/
void SseClient::close()
{
    Q_D(SseClient);
    ++d->epoch; // a transition running in a caller (close() from a slot) stops
    d->dropReply();
    d->retryTimer.stop();
    const SseInterrupted interrupted(d);
    d->setNextRetryTime(QDateTime());
    if (interrupted)
        return; // reopened or deleted from a slot
    if (d->state != Closed && d->state != Failed)
        d->finishFor(Closed);
}

/*!
    Reconnects at once: skips a pending retry delay, or ends the current stream and connects
    again (the last event ID is sent). From Closed or Failed it is open().
*/
void SseClient::reconnectNow()
{
    Q_D(SseClient);
    if (d->state == Closed || d->state == Failed) {
        open();
        return;
    }
    const bool wasOpen = d->streamOpen;
    d->dropReply();
    if (wasOpen) {
        const SseInterrupted interrupted(d);
        Q_EMIT disconnected();
        if (interrupted || d->state != Open)
            return;
    }
    d->startRequest();
}

void SseClientPrivate::setState(SseClient::State s)
{
    Q_Q(SseClient);
    if (state == s)
        return;
    qCDebug(lcSseConnection) << "state" << state << "->" << s;
    state = s;
    bool wasWaiting = false;
    if (s != SseClient::Connecting && s != SseClient::Open) {
        lease.release(); // a waiting request leaves the queue; a backoff wait holds no slot
        wasWaiting = std::exchange(waitingForConnection, false);
    }
    const SseInterrupted interrupted(this);
    Q_EMIT q->stateChanged(s);
    if (wasWaiting && !interrupted)
        Q_EMIT q->waitingForConnectionChanged(false);
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

void SseClientPrivate::setServerReconnectionTime(int ms)
{
    backoff.reconnectionTime = ms >= 0 ? ms : reconnectionTime;
    if (std::exchange(serverReconnectionTime, ms) != ms)
        Q_EMIT q_func()->serverReconnectionTimeChanged(ms);
}

void SseClientPrivate::setReconnectAttempt(int a)
{
    if (attempt == a)
        return;
    attempt = a;
    Q_EMIT q_func()->reconnectAttemptChanged(a);
}

void SseClientPrivate::setNextRetryTime(const QDateTime &time)
{
    if (nextRetryTime == time)
        return;
    nextRetryTime = time;
    Q_EMIT q_func()->nextRetryTimeChanged(time);
}

void SseClientPrivate::finishFor(SseClient::State s)
{
    Q_Q(SseClient);
    QPointer<SseClient> guard(q);
    setState(s);
    if (guard && state == s) // not deleted or reopened from a slot
        Q_EMIT q->closed();
}
