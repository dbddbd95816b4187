// SPDX-License-Identifier: BSD-3-Clause
#include "ssesource.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>

#include <limits>
#include <utility>

/*!
    \qmltype SseSource
    \inqmlmodule QtSse
    \brief A Server-Sent Events stream, the QML face of SseClient.

    \qml
    import QtSse
    SseSource {
        url: "https://example.test/prices"
        headers: ({ "Authorization": "Bearer " + token })
        active: true
        onEventReceived: (event) => console.log(event.type, event.data)
        SseEventHandler { type: "price"; onEventReceived: (event) => show(event.json.price) }
    }
    \endqml

    \c active is the intent: true connects (once the component is complete), false closes.
    The connection may still end for good (a 204, an error that is not retried): \c state then
    says Closed or Failed while \c active stays true; open() or reconnectNow() try again.

    Changing \c url, \c method, \c body or \c headers while active reconnects once, in the
    next event loop turn, however many of them a binding changed. A new url, method or body is
    a new stream: the last event ID is dropped, and events still arriving from the old stream
    are not delivered. New headers (a refreshed token) resume the same stream with
    Last-Event-ID.
*/

// Every value SseSource mirrors is SseClient's, checked one by one (a value added to one of
// SseClient's enums needs its mirror in ssesource.h and a line here).
#define QTSSE_SAME(e) static_assert(int(SseSource::e) == int(SseClient::e), #e)
QTSSE_SAME(Closed);
QTSSE_SAME(Connecting);
QTSSE_SAME(Open);
QTSSE_SAME(Reconnecting);
QTSSE_SAME(Failed);
QTSSE_SAME(CONNECTING);
QTSSE_SAME(OPEN);
QTSSE_SAME(CLOSED);
QTSSE_SAME(NoError);
QTSSE_SAME(ConnectionError);
QTSSE_SAME(HttpStatusError);
QTSSE_SAME(InvalidStreamError);
QTSSE_SAME(EventTooLargeError);
QTSSE_SAME(TimeoutError);
QTSSE_SAME(RetriesExhaustedError);
QTSSE_SAME(RedirectError);
QTSSE_SAME(TlsError);
QTSSE_SAME(BufferOverflowError);
QTSSE_SAME(AutoProtocol);
QTSSE_SAME(Http1Only);
QTSSE_SAME(Http2PriorKnowledge);
#undef QTSSE_SAME

/*!
    \qmlproperty url SseSource::url
    The URL of the stream. Changing it while active reconnects to the new stream, without
    the last event ID.
*/
/*!
    \qmlproperty var SseSource::headers
    Extra request headers as a JavaScript object of names and strings, sent on every request.
    Entries with an empty name or value are left out. Changing them while active reconnects
    and resumes the same stream with Last-Event-ID (a refreshed token).
*/
/*!
    \qmlproperty string SseSource::method
    The HTTP method, upper-cased; "GET" by default. A request that is not a GET is not re-sent
    automatically unless retryAnyMethod is set.
*/
/*!
    \qmlproperty string SseSource::body
    The request body, as UTF-8 (for POST streams such as an LLM's chat).
*/
/*!
    \qmlproperty bool SseSource::active
    The intent: true connects once the component is complete, false closes. false by default.
    The connection may still end for good while active stays true: see state.
*/
/*!
    \qmlproperty int SseSource::reconnectionTime
    The reconnection time in milliseconds (3000); a server's \c retry: overrides it until
    the next open. See SseClient::reconnectionTime.
*/
/*!
    \qmlproperty int SseSource::maxRetryDelay
    The cap of the exponential backoff in milliseconds (30000).
*/
/*!
    \qmlproperty int SseSource::maxRetries
    Failed attempts in a row before giving up with RetriesExhaustedError; -1 (the default)
    for no limit.
*/
/*!
    \qmlproperty bool SseSource::jitterEnabled
    Whether reconnect delays are lengthened by a random share (true).
*/
/*!
    \qmlproperty bool SseSource::retryAnyMethod
    Whether a request that is not a GET is re-sent after a failure or after its stream ended
    (false).
*/
/*!
    \qmlproperty int SseSource::idleTimeout
    Milliseconds an open stream may stay silent before the source reconnects; 0 (the default)
    switches it off.
*/
/*!
    \qmlproperty int SseSource::connectTimeout
    Milliseconds an attempt may wait for its response head (30000); 0 for no limit.
*/
/*!
    \qmlproperty int SseSource::maxEventSize
    The largest line or event data in bytes (16 MiB); a larger one drops the stream with
    EventTooLargeError.
*/
/*!
    \qmlproperty bool SseSource::ignoreSslErrors
    Accepts any TLS certificate when true. For tests only.
*/
/*!
    \qmlproperty enumeration SseSource::httpProtocol
    The HTTP version, from the next request on:
    \value SseSource.AutoProtocol HTTP/2 on https when the server agrees, else HTTP/1.1 (the
           default)
    \value SseSource.Http1Only Never HTTP/2
    \value SseSource.Http2PriorKnowledge HTTP/2 without negotiation, also h2c on http
*/
/*!
    \qmlproperty string SseSource::resumeQueryParameter
    Empty (the default): reconnects send the Last-Event-ID header; a name: the last event ID
    goes as that query parameter instead. See SseClient::resumeQueryParameter.
*/
/*!
    \qmlproperty string SseSource::lastEventIdSettingsKey
    Makes the last event ID persistent in Settings (the application's organization and name)
    under this key, so that the application resumes where it stopped after a restart; empty
    (the default) switches it off.
*/
/*!
    \qmlproperty int SseSource::duplicateWindow
    How many of the latest event IDs are remembered to drop duplicates (0, off). See
    SseClient::duplicateWindow.
*/
/*!
    \qmlproperty string SseSource::sequenceField
    Where an event's sequence number is, to detect gaps: empty (off), "id", or a top-level
    JSON field. See SseClient::sequenceField.
*/
/*!
    \qmlproperty list<SseEventHandler> SseSource::handlers
    \qmldefault
    The SseEventHandler objects declared inside the source: each gets the events of its type.
*/
/*!
    \qmlproperty enumeration SseSource::state
    \readonly
    Where the source is in its life cycle:
    \value SseSource.Closed Not started, closed, or ended for good without an error
    \value SseSource.Connecting A request is in flight, no stream yet
    \value SseSource.Open A stream is open and events flow
    \value SseSource.Reconnecting Waiting for the next attempt (see nextRetryTime)
    \value SseSource.Failed Ended for good with an error (see error)
*/
/*!
    \qmlproperty enumeration SseSource::readyState
    \readonly
    The state as the browser's EventSource.readyState says it:
    \value SseSource.CONNECTING Connecting or Reconnecting
    \value SseSource.OPEN Open
    \value SseSource.CLOSED Closed or Failed
*/
/*!
    \qmlproperty bool SseSource::waitingForConnection
    \readonly
    Connecting, but every connection the source may use to the host is busy: the request goes
    out as soon as one frees up.
*/
/*!
    \qmlproperty bool SseSource::networkAware
    Whether the source waits for the network (true by default): while the system says it is
    down, no attempt is made (nor counted against maxRetries), and the source connects at once,
    its backoff reset, when it returns. Loopback hosts never wait. See SseClient::networkAware.
*/
/*!
    \qmlproperty bool SseSource::waitingForNetwork
    \readonly
    Connecting or Reconnecting, but waiting for the network to return before the next attempt.
*/
/*!
    \qmlproperty bool SseSource::pauseWhenSuspended
    Opt-in (false by default): while the application is suspended (a mobile application in the
    background), the stream is closed and no attempt is made; on the application's return the
    source reconnects at once, resuming from the last event ID.
*/
/*!
    \qmlproperty bool SseSource::paused
    \readonly
    The stream is closed because the application is suspended (see pauseWhenSuspended).
*/
/*!
    \qmlproperty bool SseSource::batchedDelivery
    Opt-in (false by default): besides eventReceived() per event, eventsReceived() and
    batchReceived() once per network read with that read's events. One JavaScript call per
    read instead of one per event, for handlers of fast streams.
*/
/*!
    \qmlproperty string SseSource::lastEventId
    \readonly
    The last event ID, sent on reconnection.
*/
/*!
    \qmlproperty int SseSource::reconnectAttempt
    \readonly
    Reconnects scheduled since the last opened stream.
*/
/*!
    \qmlproperty date SseSource::nextRetryTime
    \readonly
    When the next attempt starts while Reconnecting; invalid otherwise.
*/
/*!
    \qmlproperty date SseSource::openedTime
    \readonly
    When the latest stream opened.
*/
/*!
    \qmlproperty real SseSource::eventCount
    \readonly
    Events delivered by eventReceived since the source last started: counted across
    reconnects, without dropped duplicates. The source starts (and the count is reset to 0)
    when active becomes true, and when it connects again from Closed or Failed (open(),
    reconnectNow(), or a changed url, method, body or headers). A reconnect of a stream that
    is Connecting, Open or Reconnecting does not reset it: a retry, reconnectNow(), or a
    changed url, method, body or headers (a new stream, but the same count). close() does not
    reset it either: afterwards it still says what the last session received. A number,
    exact up to 2^53; notified by countersChanged, once per read from the network.
*/
/*!
    \qmlproperty real SseSource::byteCount
    \readonly
    Body bytes received (decoded) since the source last started; reset like eventCount.
*/
/*!
    \qmlproperty int SseSource::timeToFirstByte
    \readonly
    Milliseconds from the current attempt's request to its response head; -1 until then.
*/
/*!
    \qmlproperty int SseSource::timeToFirstEvent
    \readonly
    Milliseconds from the current attempt's request to its first event; -1 until then.
*/
/*!
    \qmlproperty int SseSource::reconnectCount
    \readonly
    Reconnects scheduled since the source last started.
*/
/*!
    \qmlproperty real SseSource::downtime
    \readonly
    Milliseconds without an open stream while trying, since the source last started.
*/
/*!
    \qmlproperty real SseSource::eventsPerSecond
    \readonly
    Events in the last complete second; live (read it on a Timer).
*/
/*!
    \qmlproperty real SseSource::bytesPerSecond
    \readonly
    Body bytes in the last complete second; live (read it on a Timer).
*/
/*!
    \qmlproperty int SseSource::rawHistorySize
    How many of the last bytes received rawHistory() keeps (0, off).
*/
/*!
    \qmlproperty real SseSource::duplicateCount
    \readonly
    Duplicates dropped since the source last started.
*/
/*!
    \qmlproperty real SseSource::gapCount
    \readonly
    Gaps detected since the source last started.
*/
/*!
    \qmlproperty int SseSource::serverReconnectionTime
    \readonly
    The reconnection time the server's last \c retry: set (at least 100 ms); -1 if none.
*/
/*!
    \qmlproperty enumeration SseSource::error
    \readonly
    The last failure, until a stream opens or the source starts again; the values are those
    of SseClient::Error (SseSource.NoError, SseSource.ConnectionError,
    SseSource.HttpStatusError, SseSource.InvalidStreamError, SseSource.EventTooLargeError,
    SseSource.TimeoutError, SseSource.RetriesExhaustedError, SseSource.RedirectError,
    SseSource.TlsError, SseSource.BufferOverflowError).
*/
/*!
    \qmlproperty string SseSource::errorString
    \readonly
    The last failure in words.
*/
/*!
    \qmlproperty int SseSource::httpStatus
    \readonly
    The latest response's status; 0 from each request on until its head arrives.
*/
/*!
    \qmlproperty string SseSource::errorBody
    \readonly
    The start of the latest error response's body (a 401's explanation), as text.
*/
/*!
    \qmlmethod string SseSource::rawHistory()
    Returns the last rawHistorySize bytes received, as text (invalid UTF-8 replaced).
*/
/*!
    \qmlsignal SseSource::eventReceived(sseEvent event)
    Emitted for each \a event, in stream order, before the handlers of its type.
*/
/*!
    \qmlsignal SseSource::eventsReceived(list<sseEvent> events)
    With batchedDelivery set, emitted once per network read with its \a events, in stream
    order, after their eventReceived() signals.
*/
/*!
    \qmlsignal SseSource::batchReceived(list<string> types, list<string> data, list<string> lastEventIds)
    With batchedDelivery set, emitted after eventsReceived() with the same events as three
    lists of strings: the event at index \c i has the type \c{types[i]}, the data
    \c{data[i]} and the last event ID \c{lastEventIds[i]} (\a types, \a data,
    \a lastEventIds). Reading strings makes no sseEvent object per event in JavaScript: about
    1.6 times the events per second of eventsReceived(), the fastest way to handle a fast
    stream in QML (BENCHMARKS.md, section 7).
    \qml
    SseSource {
        batchedDelivery: true
        onBatchReceived: (types, data) => {
            let total = 0
            for (let i = 0; i < data.length; ++i)
                total += JSON.parse(data[i]).size
            sizeLabel.text = total
        }
    }
    \endqml
*/
/*!
    \qmlsignal SseSource::commentReceived(string comment)
    Emitted for each comment line (a heartbeat): \a comment is what follows the colon.
*/
/*!
    \qmlsignal SseSource::rawDataReceived(ArrayBuffer data)
    Emitted with \a data, the stream's body bytes of each read as fed to the parser (decoded),
    for a recorder: see SseClient::rawDataReceived(). Nothing is copied while no handler or
    connection listens.
*/
/*!
    \qmlsignal SseSource::opened()
    Emitted when a stream opened.
*/
/*!
    \qmlsignal SseSource::disconnected()
    Emitted when an opened stream ended; a reconnect may follow.
*/
/*!
    \qmlsignal SseSource::closed()
    Emitted when no further attempt will be made (Closed or Failed).
*/
/*!
    \qmlsignal SseSource::reconnectScheduled(int attempt, int delayMs)
    Emitted when reconnect \a attempt is scheduled, \a delayMs from now.
*/
/*!
    \qmlsignal SseSource::errorOccurred(enumeration error)
    Emitted for each \a error, also those after which the source retries.
*/
/*!
    \qmlsignal SseSource::duplicateDropped(sseEvent event)
    Emitted instead of eventReceived for a duplicate \a event (see duplicateWindow).
*/
/*!
    \qmlsignal SseSource::gapDetected(real expected, real received)
    Emitted when the sequence jumps from \a expected to \a received (see sequenceField).
*/

SseSource::SseSource(QObject *parent) : QObject(parent), m_client(new SseClient(this))
{
    SseClient *c = m_client;
    connect(c, &SseClient::eventReceived, this, &SseSource::forwardEvent);
    connect(c, &SseClient::commentReceived, this, &SseSource::commentReceived);
    connect(c, &SseClient::opened, this, &SseSource::opened);
    connect(c, &SseClient::disconnected, this, &SseSource::disconnected);
    connect(c, &SseClient::closed, this, &SseSource::closed);
    connect(c, &SseClient::reconnectScheduled, this, &SseSource::reconnectScheduled);
    connect(c, &SseClient::errorOccurred, this,
            [this](SseClient::Error error) { Q_EMIT errorOccurred(Error(error)); });
    connect(c, &SseClient::errorChanged, this, &SseSource::errorChanged);
    connect(c, &SseClient::serverReconnectionTimeChanged, this,
            &SseSource::serverReconnectionTimeChanged);
    connect(c, &SseClient::urlChanged, this, &SseSource::urlChanged);
    connect(c, &SseClient::methodChanged, this, &SseSource::methodChanged);
    connect(c, &SseClient::bodyChanged, this, &SseSource::bodyChanged);
    connect(c, &SseClient::reconnectionTimeChanged, this, &SseSource::reconnectionTimeChanged);
    connect(c, &SseClient::maxRetryDelayChanged, this, &SseSource::maxRetryDelayChanged);
    connect(c, &SseClient::maxRetriesChanged, this, &SseSource::maxRetriesChanged);
    connect(c, &SseClient::jitterEnabledChanged, this, &SseSource::jitterEnabledChanged);
    connect(c, &SseClient::retryAnyMethodChanged, this, &SseSource::retryAnyMethodChanged);
    connect(c, &SseClient::idleTimeoutChanged, this, &SseSource::idleTimeoutChanged);
    connect(c, &SseClient::connectTimeoutChanged, this, &SseSource::connectTimeoutChanged);
    connect(c, &SseClient::maxEventSizeChanged, this, &SseSource::maxEventSizeChanged);
    connect(c, &SseClient::stateChanged, this, &SseSource::stateChanged);
    connect(c, &SseClient::httpProtocolChanged, this, &SseSource::httpProtocolChanged);
    connect(c, &SseClient::waitingForConnectionChanged, this,
            &SseSource::waitingForConnectionChanged);
    connect(c, &SseClient::networkAwareChanged, this, &SseSource::networkAwareChanged);
    connect(c, &SseClient::pauseWhenSuspendedChanged, this, &SseSource::pauseWhenSuspendedChanged);
    connect(c, &SseClient::waitingForNetworkChanged, this, &SseSource::waitingForNetworkChanged);
    connect(c, &SseClient::pausedChanged, this, &SseSource::pausedChanged);
    connect(c, &SseClient::reconnectAttemptChanged, this, &SseSource::reconnectAttemptChanged);
    connect(c, &SseClient::nextRetryTimeChanged, this, &SseSource::nextRetryTimeChanged);
    connect(c, &SseClient::openedTimeChanged, this, &SseSource::openedTimeChanged);
    connect(c, &SseClient::countersChanged, this, &SseSource::flushBatch); // before the counts
    connect(c, &SseClient::countersChanged, this, &SseSource::countersChanged);
    connect(c, &SseClient::resumeQueryParameterChanged, this,
            &SseSource::resumeQueryParameterChanged);
    connect(c, &SseClient::duplicateWindowChanged, this, &SseSource::duplicateWindowChanged);
    connect(c, &SseClient::sequenceFieldChanged, this, &SseSource::sequenceFieldChanged);
    connect(c, &SseClient::rawHistorySizeChanged, this, &SseSource::rawHistorySizeChanged);
    connect(c, &SseClient::duplicateDropped, this, &SseSource::duplicateDropped);
    connect(c, &SseClient::gapDetected, this, [this](qint64 expected, qint64 received) {
        Q_EMIT gapDetected(double(expected), double(received));
    });
}

void SseSource::setLastEventIdSettingsKey(const QString &key)
{
    if (m_lastEventIdSettingsKey == key)
        return;
    m_lastEventIdSettingsKey = key;
    m_client->setLastEventIdSettingsKey(key);
    Q_EMIT lastEventIdSettingsKeyChanged();
}

// The client is a child: QObject deletes it after disconnecting everything, so a source
// destroyed while connected aborts its request without emitting anything.
SseSource::~SseSource()
{
    if (m_alive)
        *m_alive = false; // an event being delivered stops here
    for (SseEventHandler *handler : std::as_const(m_handlers))
        handler->m_sources.removeAll(this);
}

void SseSource::componentComplete()
{
    m_complete = true;
    if (m_active)
        start();
}

QUrl SseSource::url() const
{
    return m_client->url();
}
void SseSource::setUrl(const QUrl &url)
{
    if (m_client->url() == url)
        return;
    m_client->setUrl(url);
    requestChanged(true);
}

void SseSource::setHeaders(const QVariantMap &headers)
{
    if (m_headers == headers)
        return;
    m_headers = headers;
    QList<std::pair<QByteArray, QByteArray>> raw;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        const QString value = it.value().toString();
        if (!it.key().isEmpty() && !value.isEmpty())
            raw.append({it.key().toUtf8(), value.toUtf8()});
    }
    m_client->setRawHeaders(raw);
    Q_EMIT headersChanged();
    requestChanged(false);
}

QString SseSource::method() const
{
    return QString::fromUtf8(m_client->method());
}
void SseSource::setMethod(const QString &method)
{
    const QByteArray normalized = method.isEmpty() ? QByteArray("GET") : method.toUtf8().toUpper();
    if (m_client->method() == normalized)
        return;
    m_client->setMethod(normalized);
    requestChanged(true);
}

QString SseSource::body() const
{
    return QString::fromUtf8(m_client->body());
}
void SseSource::setBody(const QString &body)
{
    const QByteArray utf8 = body.toUtf8();
    if (m_client->body() == utf8)
        return;
    m_client->setBody(utf8);
    requestChanged(true);
}

void SseSource::setActive(bool active)
{
    if (m_active == active)
        return;
    m_active = active;
    if (m_complete) {
        if (active) {
            start();
        } else {
            m_restartPending = false;
            m_client->close();
        }
    }
    Q_EMIT activeChanged();
}

int SseSource::maxEventSize() const
{
    return int(qMin<qsizetype>(m_client->maxEventSize(), std::numeric_limits<int>::max()));
}
void SseSource::setIgnoreSslErrors(bool ignore)
{
    if (m_client->ignoreSslErrors() == ignore)
        return;
    m_client->setIgnoreSslErrors(ignore);
    Q_EMIT ignoreSslErrorsChanged();
}

/*!
    \qmlmethod SseSource::open()
    Sets active; when already active but Closed or Failed, connects again.
*/
void SseSource::open()
{
    if (!m_active) {
        setActive(true);
        return;
    }
    const SseClient::State s = m_client->state();
    if (m_complete && (s == SseClient::Closed || s == SseClient::Failed))
        start();
}

/*!
    \qmlmethod SseSource::close()
    Clears active: the stream ends, no retry follows.
*/
void SseSource::close()
{
    setActive(false);
}

/*!
    \qmlmethod SseSource::reconnectNow()
    Ends the current stream (or skips a pending retry delay) and connects again now.
*/
void SseSource::reconnectNow()
{
    if (!m_active) {
        setActive(true);
        return;
    }
    m_restartPending = m_complete;
    restart();
}

void SseSource::requestChanged(bool newStream)
{
    m_newStream = m_newStream || newStream;
    if (!m_complete || !m_active || m_restartPending)
        return;
    m_restartPending = true;
    QMetaObject::invokeMethod(this, &SseSource::restart, Qt::QueuedConnection);
}

void SseSource::restart()
{
    if (!m_restartPending || !m_active)
        return;
    const SseClient::State s = m_client->state();
    if (s == SseClient::Closed || s == SseClient::Failed) {
        start();
        return;
    }
    m_restartPending = false;
    if (std::exchange(m_newStream, false))
        m_client->setLastEventId(QString());
    m_client->reconnectNow();
}

void SseSource::start()
{
    m_restartPending = false;
    if (std::exchange(m_newStream, false))
        m_client->setLastEventId(QString());
    const bool hadError = m_client->error() != SseClient::NoError;
    const bool hadCounts = m_client->eventCount() != 0 || m_client->byteCount() != 0;
    m_client->open(); // resets the error and the counters without a signal of its own
    if (hadError)
        Q_EMIT errorChanged();
    if (hadCounts)
        Q_EMIT countersChanged();
}

void SseSource::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&SseSource::eventReceived))
        m_eventReceivedConnected = true;
    if (signal == QMetaMethod::fromSignal(&SseSource::lastEventIdChanged) && !m_lastEventIdForward)
        m_lastEventIdForward = connect(m_client, &SseClient::lastEventIdChanged, this,
                                       &SseSource::lastEventIdChanged);
    // The client copies no bytes for nobody: forwarded only while someone listens here.
    if (signal == QMetaMethod::fromSignal(&SseSource::rawDataReceived) && !m_rawDataForward)
        m_rawDataForward =
                connect(m_client, &SseClient::rawDataReceived, this, &SseSource::rawDataReceived);
}

void SseSource::disconnectNotify(const QMetaMethod &signal)
{
    // (An invalid signal: disconnect() of everything.)
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&SseSource::eventReceived))
        m_eventReceivedConnected =
                isSignalConnected(QMetaMethod::fromSignal(&SseSource::eventReceived));
    if ((!signal.isValid() || signal == QMetaMethod::fromSignal(&SseSource::lastEventIdChanged))
        && !isSignalConnected(QMetaMethod::fromSignal(&SseSource::lastEventIdChanged)))
        disconnect(std::exchange(m_lastEventIdForward, {}));
    if ((!signal.isValid() || signal == QMetaMethod::fromSignal(&SseSource::rawDataReceived))
        && !isSignalConnected(QMetaMethod::fromSignal(&SseSource::rawDataReceived)))
        disconnect(std::exchange(m_rawDataForward, {}));
}

void SseSource::forwardEvent(const SseEvent &event)
{
    if (isStale())
        return;
    if (m_batchedDelivery) {
        // Delivered after the read (countersChanged()); should a slot end the stream in the
        // middle of it (no countersChanged() then), in the next event loop turn.
        if (m_batch.isEmpty())
            QMetaObject::invokeMethod(this, &SseSource::flushBatch, Qt::QueuedConnection);
        m_batch.append(event);
    }
    if (m_handlers.isEmpty()) {
        Q_EMIT eventReceived(event);
        return;
    }
    // A slot may delete the source: the destructor clears the flag (a plain store, not a
    // QPointer's atomic reference count per event), and an outer delivery's in turn.
    bool alive = true;
    bool *const outer = std::exchange(m_alive, &alive);
    // With handlers, often nothing listens to the source's own signal: not emitted then, so
    // that a handler costs no more than a handler on the source (bench_qml qml-handler).
    if (m_eventReceivedConnected)
        Q_EMIT eventReceived(event);
    if (alive && isDelivering())
        dispatchToHandlers(event, alive);
    if (alive)
        m_alive = outer;
    else if (outer)
        *outer = false;
}

void SseSource::setBatchedDelivery(bool enabled)
{
    if (m_batchedDelivery == enabled)
        return;
    m_batchedDelivery = enabled;
    flushBatch();
    Q_EMIT batchedDeliveryChanged();
}

void SseSource::flushBatch()
{
    if (m_batch.isEmpty())
        return;
    const QList<SseEvent> batch = std::exchange(m_batch, {});
    static const QMetaMethod listsSignal = QMetaMethod::fromSignal(&SseSource::batchReceived);
    const QPointer<SseSource> self(this); // a slot may delete the source
    Q_EMIT eventsReceived(batch);
    if (!self || !isSignalConnected(listsSignal))
        return;
    QStringList types, data, lastEventIds;
    types.reserve(batch.size());
    data.reserve(batch.size());
    lastEventIds.reserve(batch.size());
    for (const SseEvent &event : batch) {
        types.append(event.type());
        data.append(event.data());
        lastEventIds.append(event.lastEventId());
    }
    Q_EMIT batchReceived(types, data, lastEventIds);
}
