// SPDX-License-Identifier: BSD-3-Clause
#include "ssesource.h"

#include <QtCore/qmetaobject.h>

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
SseSource::~SseSource() = default;

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

/*! \qmlmethod SseSource::open() Sets active; when active but Closed or Failed, connects again. */
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

/*! \qmlmethod SseSource::close() Clears active: the stream ends, no retry follows. */
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
    if (signal == QMetaMethod::fromSignal(&SseSource::lastEventIdChanged) && !m_lastEventIdForward)
        m_lastEventIdForward = connect(m_client, &SseClient::lastEventIdChanged, this,
                                       &SseSource::lastEventIdChanged);
}

void SseSource::disconnectNotify(const QMetaMethod &signal)
{
    // (An invalid signal: disconnect() of everything.)
    if ((!signal.isValid() || signal == QMetaMethod::fromSignal(&SseSource::lastEventIdChanged))
        && !isSignalConnected(QMetaMethod::fromSignal(&SseSource::lastEventIdChanged)))
        disconnect(std::exchange(m_lastEventIdForward, {}));
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
    Q_EMIT eventReceived(event);
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
    if (!m_batch.isEmpty())
        Q_EMIT eventsReceived(std::exchange(m_batch, {}));
}
