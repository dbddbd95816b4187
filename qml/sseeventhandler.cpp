// SPDX-License-Identifier: BSD-3-Clause
#include "sseeventhandler.h"
#include "ssesource.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>

/*!
    \qmltype SseEventHandler
    \inqmlmodule QtSse
    \brief Handles the events of one type of the SseSource it is declared in.

    \qml
    SseSource {
        url: "https://example.test/prices"
        active: true
        SseEventHandler {
            type: "price"
            onEventReceived: (event) => priceLabel.text = event.json.price
        }
    }
    \endqml

    \c type defaults to "message", the type of events without an \c event: field. Handlers of
    an event run after SseSource.eventReceived, in the order of SseSource::handlers. A handler
    taken out of the list, destroyed or given another \c type by a handler before it does not
    get the event being delivered; one added or given the event's type gets the next event.
    After SseSource::close(), \c{active = false} or SseSource::reconnectNow() in a handler, the
    event goes to no further handler. Setting \c enabled to false mutes the handler without
    taking it out of the list.
*/

/*!
    \qmlproperty string SseEventHandler::type
    The event type handled ("message" by default). Changing it registers the handler for the
    new type.
*/
/*!
    \qmlproperty bool SseEventHandler::enabled
    Whether eventReceived is emitted (true by default).
*/
/*!
    \qmlsignal SseEventHandler::eventReceived(sseEvent event)
    Emitted for each \a event of type, after SseSource::eventReceived.
*/
/*!
    \qmlsignal SseEventHandler::dataReceived(string data, string lastEventId)
    Emitted for each event of type, after eventReceived(), with its \a data and
    \a lastEventId as strings. A handler that needs only those is faster with this signal:
    it makes no sseEvent object per event in JavaScript (about 1.4 times the events per second
    of eventReceived; BENCHMARKS.md, section 7).
    \qml
    SseEventHandler {
        type: "token"
        onDataReceived: (data) => reply.text += JSON.parse(data).text
    }
    \endqml
*/

SseEventHandler::SseEventHandler(QObject *parent) : QObject(parent) { }

SseEventHandler::~SseEventHandler()
{
    for (SseSource *source : std::as_const(m_sources))
        source->handlerDestroyed(this);
}

void SseEventHandler::setType(const QString &type)
{
    if (m_type == type)
        return;
    m_type = type;
    for (SseSource *source : std::as_const(m_sources))
        source->handlersChanged();
    Q_EMIT typeChanged();
}

void SseEventHandler::setEnabled(bool enabled)
{
    if (m_enabled == enabled)
        return;
    m_enabled = enabled;
    Q_EMIT enabledChanged();
}

void SseEventHandler::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&SseEventHandler::dataReceived))
        m_dataConnected = true;
}

void SseEventHandler::disconnectNotify(const QMetaMethod &signal)
{
    // (An invalid signal: disconnect() of everything.)
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&SseEventHandler::dataReceived))
        m_dataConnected =
                isSignalConnected(QMetaMethod::fromSignal(&SseEventHandler::dataReceived));
}

void SseEventHandler::dispatch(const SseEvent &event)
{
    if (!m_enabled)
        return;
    if (!m_dataConnected) {
        Q_EMIT eventReceived(event);
        return;
    }
    const QPointer<SseEventHandler> self(this); // a slot may delete the handler
    Q_EMIT eventReceived(event);
    if (self)
        Q_EMIT dataReceived(event.data(), event.lastEventId());
}
