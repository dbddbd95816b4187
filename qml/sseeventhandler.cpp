// SPDX-License-Identifier: BSD-3-Clause
#include "sseeventhandler.h"

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
    an event run after SseSource.eventReceived, in the order of SseSource::handlers. A change
    of \c type or of the handlers list made by a handler holds for the handlers after it.
    Setting \c enabled to false mutes the handler without taking it out of the list.
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

SseEventHandler::SseEventHandler(QObject *parent) : QObject(parent) { }

void SseEventHandler::setType(const QString &type)
{
    if (m_type == type)
        return;
    m_type = type;
    Q_EMIT typeChanged();
}

void SseEventHandler::setEnabled(bool enabled)
{
    if (m_enabled == enabled)
        return;
    m_enabled = enabled;
    Q_EMIT enabledChanged();
}

void SseEventHandler::dispatch(const SseEvent &event)
{
    if (m_enabled)
        Q_EMIT eventReceived(event);
}
