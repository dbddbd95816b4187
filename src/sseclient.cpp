// SPDX-License-Identifier: BSD-3-Clause
#include "sseauthenticator_p.h"
#include "sseclient_p.h"

#include <QtCore/qthread.h>

#include <QtNetwork/qnetworkaccessmanager.h>

/*!
    \class SseClient
    \inmodule QtSse
    \inheaderfile QtSse/SseClient
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

    \snippet gettingstarted.cpp client

    The client lives in its thread; open(), close() and reconnectNow() may be called from
    any thread (see \l{Threads and teardown}). How a response is judged and when the client
    reconnects is described in \l{The reconnect and HTTP policy}.

    \section1 Counters

    eventCount counts the events delivered by eventReceived() since the last open(): across
    reconnects, without the duplicates that duplicateWindow drops. byteCount counts the bytes
    of the response bodies fed to the parser since the last open() (after gzip or deflate
    decoding, without the response heads). Both are reset to 0 by open() only (which
    reconnectNow() is from Closed or Failed): neither a reconnect nor close() resets them, so after close() they still say what the last
    session received. countersChanged() is emitted after each read from the network that
    delivered data (not per event), and when open() resets them.

    \sa SseParser, SseConnectionPool, {QtSse QML Types}
*/

/*!
    \enum SseClient::State

    The client's life cycle, the state property.

    \value Closed      Not started, close()d, or ended for good without an error (a 204, a
                        stream that ended when no further attempt is allowed).
    \value Connecting  A request is in flight (or waits for a connection, see
                        waitingForConnection) and no stream is open yet.
    \value Open        A stream is open and events flow.
    \value Reconnecting Waiting for the next attempt: see nextRetryTime and
                        reconnectAttempt.
    \value Failed      Ended for good with an error: see error and errorString.
*/

/*!
    \enum SseClient::ReadyState

    The browser's EventSource.readyState, derived from state.

    \value CONNECTING  Connecting or Reconnecting.
    \value OPEN        Open.
    \value CLOSED      Closed or Failed.
*/

/*!
    \enum SseClient::Error

    What went wrong; the error property, with errorString saying it in words.

    \value NoError           No error.
    \value ConnectionError   The connection was refused or reset, the host was not found, the
                              stream broke (also corrupt compressed data), or the
                              QNetworkAccessManager given to setNetworkAccessManager() was
                              destroyed. Retried, but for the destroyed manager.
    \value HttpStatusError   A status that is not retried (401, 403, 404, ...), or a
                              retried one (408, 429, 500, 502, 503, 504) that is reported
                              before the next attempt. httpStatus and errorBody say more.
    \value InvalidStreamError A 200 whose Content-Type is not \c text/event-stream. Not
                              retried.
    \value EventTooLargeError A line or event over maxEventSize: the stream is dropped and
                              the attempt counts as a failure. Retried.
    \value TimeoutError      No response within connectTimeout, or an open stream silent for
                              longer than idleTimeout. Retried.
    \value RetriesExhaustedError maxRetries attempts in a row failed.
    \value RedirectError     A redirect from https to http, without a Location, or more than
                              20 redirects.
    \value TlsError          The server's certificate was not trusted, or the TLS handshake
                              failed. Not retried.
    \value BufferOverflowError More unread data than \c{2 * maxEventSize + 1 MiB} arrived
                              while a slot kept the event loop busy (HTTP/2 has no
                              backpressure in Qt 6.4): the stream was dropped and resumes
                              from the last event ID.
*/

/*!
    \enum SseClient::HttpProtocol

    Which HTTP version the client asks for; the httpProtocol property.

    \value AutoProtocol     HTTP/2 on https when the server agrees (ALPN), else HTTP/1.1.
    \value Http1Only        Never HTTP/2.
    \value Http2PriorKnowledge HTTP/2 without negotiation, also as h2c on http. The server
                             must speak it: an HTTP/1.1-only server never answers, and only
                             connectTimeout ends the attempt.
*/

/*!
    \fn void SseClient::eventReceived(const SseEvent &event)
    Emitted for each dispatched \a event, in stream order. Listeners added with
    addEventListener() for the event's type are called after it.
*/
/*!
    \fn void SseClient::commentReceived(const QString &comment)
    Emitted for each comment line of the stream (a heartbeat, usually): \a comment is what
    follows the colon.
*/
/*!
    \fn void SseClient::rawDataReceived(const QByteArray &data)
    Emitted with \a data, the body bytes of each read of an open stream, exactly as fed to the
    parser: after HTTP chunked framing and content decoding (a gzip stream gives its decoded
    bytes), before the events, comments and \c{retry:} values they complete. Line endings,
    field order, unknown fields, a byte order mark and how the bytes were split into reads are
    as the server sent them: what a recorder keeps, byte for byte.

    The bytes of one response come after opened() and before its disconnected(); an error
    response's body is not a stream and never comes here. How a stream ended follows
    disconnected(): if it ended with an error (a dropped connection, a timeout, an event too
    large), errorOccurred() comes next, before the client's next stateChanged(),
    reconnectScheduled(), closed(), opened() or rawDataReceived(); if the server ended it
    cleanly, none does. close() ends a stream without disconnected(): stateChanged() to Closed
    and closed() follow the last bytes.

    Nothing is copied or emitted while no slot is connected, so the signal costs nothing
    otherwise. A slot may call close() or delete the client: the rest of the read is dropped.
    \sa rawHistory(), SseParser
*/
/*!
    \fn void SseClient::aboutToSendRequest(QNetworkRequest *request)
    Emitted just before each request is sent, also after a redirect: adjust \a request (a
    fresh bearer token, an attribute). Connect with a direct connection: the request is sent
    when the signal returns.
    \sa aboutToStartAttempt()
*/
/*!
    \fn void SseClient::responseReceived()
    Emitted when a response's head arrives, for every response (a redirect's, an error's and
    the stream's), before anything else is done with it: httpStatus and responseHeaders()
    hold it.
*/
/*!
    \fn void SseClient::aboutToStartAttempt(SseRequest *request)
    Emitted before each attempt: the first after open() and every reconnect, not before a
    redirect (which belongs to its attempt). Change the URL, method, body, headers or the last
    event ID to resume from in \a request, for this attempt only: a fresh token, a
    \c{?since=} cursor, a POST stream resumed by a GET elsewhere. Connect with a direct
    connection. A request that is not a GET is only retried with retryAnyMethod set, whatever
    the slot makes of it.
    \sa SseRequest, resumeQueryParameter
*/
/*!
    \fn void SseClient::authenticationRequired(SseAuthenticator *authenticator)
    Emitted when a response is 401 and a slot is connected to this signal: answer with new
    credentials through \a authenticator, at once or later. Without an answer the 401 stands,
    as it does without a slot.
    \sa SseAuthenticator
*/
/*!
    \fn void SseClient::duplicateDropped(const SseEvent &event)
    Emitted instead of eventReceived() for an \a event that is one of the duplicateWindow
    latest events again (the same ID, type and data): a server that resumed one event too
    early.
*/
/*!
    \fn void SseClient::gapDetected(qint64 expected, qint64 received)
    Emitted when the sequenceField of an event jumps forward: \a expected was the next
    number, \a received came. The event itself is delivered after this signal. A sequence
    that starts again lower (a server that restarted) is no gap.
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
    Emitted when the next attempt is scheduled, \a delayMs from now; \a attempt is its
    number since the last opened stream (reconnectAttempt).
*/
/*!
    \fn void SseClient::errorOccurred(SseClient::Error error)
    Emitted for every \a error, also those after which the client retries; state() tells
    whether the client goes on (Reconnecting) or stopped (Failed). errorString() says what
    happened.
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

/*!
    Constructs a client without a URL, with the given \a parent.
*/
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

/*!
    Constructs a client for \a url, with the given \a parent. Nothing is sent until open().
*/
SseClient::SseClient(const QUrl &url, QObject *parent) : SseClient(parent)
{
    d_func()->url = url;
}

/*!
    Destroys the client: the request or stream is aborted without a signal, and the last
    event ID is saved (setLastEventIdStorage()). Safe from a slot connected to the client.
*/
SseClient::~SseClient()
{
    Q_D(SseClient);
    d->dropReply(); // silently: no signal from a dying client
    d->saveLastEventId();
    d->lease.release(); // the pool deletes an idle manager later, never under a reply's signal
}

/*!
    \fn template<typename Functor> QMetaObject::Connection SseClient::addEventListener(const QString &type, const QObject *context, Functor &&slot)

    Calls \a slot with each event of \a type, in the thread of \a context, after
    eventReceived(). The listener is removed when \a context is destroyed, by
    removeEventListener(), or by QObject::disconnect() on the returned connection.

    \snippet gettingstarted.cpp listener
*/
/*!
    \fn template<typename Receiver> QMetaObject::Connection SseClient::addEventListener(const QString &type, Receiver *receiver, void (Receiver::*slot)(const SseEvent &))
    \overload

    Calls the member function \a slot of \a receiver with each event of \a type.
*/
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

/*! Removes every listener of events of \a type added with addEventListener(). */
void SseClient::removeEventListener(const QString &type)
{
    Q_D(SseClient);
    if (SseEventChannel *channel = d->channels.take(type)) {
        d->channelsChanged();
        channel->disconnect(); // no event reaches them from now on, also not this one's rest
        channel->deleteLater(); // it may be emitting (called from one of its listeners)
    }
}

/*!
    \overload
    Removes the listener of \a connection; returns false if it was not connected.
*/
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
