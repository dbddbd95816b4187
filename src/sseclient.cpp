// SPDX-License-Identifier: BSD-3-Clause
#include "sseauthenticator_p.h"
#include "sseclient_p.h"

#include <QtCore/qthread.h>

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

namespace {
// open(), close() and reconnectNow() from another thread than the client's: queued to the
// client's thread, where its reply and timers live (called directly they would fail with Qt's
// "Timers cannot be started from another thread", or worse). They then take effect later, as
// any queued call does. True if queued.
bool queuedFromOtherThread(SseClient *client, void (SseClient::*call)())
{
    if (QThread::currentThread() == client->thread())
        return false;
    QMetaObject::invokeMethod(client, call, Qt::QueuedConnection);
    return true;
}
} // namespace

SseClientPrivate::SseClientPrivate(SseClient *q)
    : q_ptr(q), timerTarget(new SseClientTimers(q, this))
{
}

SseClientPrivate::~SseClientPrivate()
{
    if (alivePtr)
        *alivePtr = false; // destroyed from a slot while feeding: onReadyRead() must stop
    if (authenticator) // it outlives us a little (a child of the client): no answer reaches us
        authenticator->d->answered = nullptr;
}

SseClient::SseClient(QObject *parent) : QObject(parent), d_ptr(new SseClientPrivate(this))
{
    Q_D(SseClient);
    d->parser.setEventHandler([d](const SseEvent &event) { d->handleEvent(event); });
    d->parser.setCommentHandler(
            [this](const QString &comment) { Q_EMIT commentReceived(comment); });
    d->parser.setRetryHandler([d](qint64 ms) {
        qCDebug(lcSsePolicy) << "server retry:" << ms << "ms";
        d->setServerReconnectionTime(ms);
    });
}

SseClient::SseClient(const QUrl &url, QObject *parent) : SseClient(parent)
{
    d_func()->url = url;
}

SseClient::~SseClient()
{
    Q_D(SseClient);
    d->dropReply(); // silently: no signal from a dying client
    d->saveLastEventId();
    d->lease.release(); // the pool deletes an idle manager later, never under a reply's signal
}

QMetaObject::Connection SseClient::addEventListenerImpl(const QString &type, const QObject *context,
                                                        std::function<void(const SseEvent &)> slot)
{
    Q_D(SseClient);
    d->dropUnusedChannels();
    SseEventChannel *&channel = d->channels[type];
    if (!channel) {
        channel = new SseEventChannel(this);
        d->channelsChanged();
    }
    return connect(channel, &SseEventChannel::eventReceived, context ? context : this,
                   std::move(slot));
}

/*! Removes every listener of events of \a type. */
void SseClient::removeEventListener(const QString &type)
{
    Q_D(SseClient);
    if (SseEventChannel *channel = d->channels.take(type)) {
        d->channelsChanged();
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

/*!
    Connects to url. Does nothing while connecting or open; from Reconnecting it connects now.
*/
void SseClient::open()
{
    if (queuedFromOtherThread(this, &SseClient::open))
        return;
    Q_D(SseClient);
    if (d->state == Connecting || d->state == Open)
        return;
    d->retryTimer.stop();
    const SseInterrupted interrupted(d);
    d->setNextRetryTime(QDateTime());
    if (interrupted)
        return; // closed or deleted from a slot
    // A new session: the application's reconnection time, no error, counters from zero.
    const int attemptBefore = d->retry.attempt();
    const qint64 serverTimeBefore = d->retry.serverReconnectionTime();
    d->retry.reset();
    d->notifyAttempt(attemptBefore);
    if (interrupted)
        return;
    if (serverTimeBefore >= 0)
        Q_EMIT serverReconnectionTimeChanged(-1);
    if (interrupted || !d->setErrorState(NoError, QString(), 0, QByteArray()))
        return;
    if (d->method == "GET" && !d->body.isEmpty()) {
        // As sent: a GET with a body is legal HTTP, but most servers ignore the body, and an API
        // that streams an answer to a JSON body wants POST. Said, not guessed.
        qCWarning(lcSseConnection).nospace()
                << "open(): a body with the GET method is sent as is, and most servers ignore it;"
                   " for an API that answers a body (an LLM's chat), setMethod(\"POST\")";
    }
    d->attemptIndex = 0;
    d->authRetried = false;
    if (d->loadLastEventId && !std::exchange(d->storageLoaded, true)) {
        // Once per storage: a later open() in this process keeps what it has since received
        // (a save that failed must not take the client back).
        // Persistent resume: where the last process (or this one) stopped.
        const QString stored = d->loadLastEventId();
        if (!stored.isEmpty()) {
            setLastEventId(stored); // (refused, with a warning, if it could not be a header)
            if (interrupted)
                return;
            if (d->parser.lastEventId() == stored)
                d->savedLastEventId = stored;
        }
    }
    d->watchReachability();
    d->resumeCheck.reset();
    d->metrics.reset();
    const bool counted =
            d->eventCount != 0 || d->byteCount != 0 || d->duplicateCount != 0 || d->gapCount != 0;
    d->eventCount = d->byteCount = d->duplicateCount = d->gapCount = 0;
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
    if (queuedFromOtherThread(this, &SseClient::close))
        return;
    Q_D(SseClient);
    ++d->epoch; // a transition running in a caller (close() from a slot) stops
    d->dropReply();
    d->retryTimer.stop();
    d->dropQuestion(); // a 401's question lapses
    d->saveLastEventId();
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
    if (queuedFromOtherThread(this, &SseClient::reconnectNow))
        return;
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
    // Whatever the network seems to be: the application knows better (or wants to see).
    const SseInterrupted interrupted(d);
    d->setHold(SseClientPrivate::Hold::None);
    if (!interrupted)
        d->startRequest(/*mayHold*/ false);
}
