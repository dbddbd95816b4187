// SPDX-License-Identifier: BSD-3-Clause
#include "sseevent.h"

#include <QtCore/qdebug.h>
#include <QtCore/qjsonarray.h>

/*!
    \class SseEvent
    \inmodule QtSse
    \inheaderfile QtSse/SseEvent
    \brief One dispatched server-sent event: its type, data and the last event ID at dispatch.

    \c type is "message" unless the stream named it with an \c event: field. \c data is the
    \c data: lines joined with LF. \c lastEventId is the event source's last event ID when the
    event was dispatched: it persists across events until an \c id: field changes it, as the
    WHATWG standard's MessageEvent.lastEventId does.

    json() parses the data as any JSON value; a parse error is reported, never dropped.

    SseEvent is a value type (implicitly shared strings, no d-pointer): copy it freely. In
    QML it is the \l sseEvent value type.

    \snippet gettingstarted.cpp json
*/

/*!
    \property SseEvent::type
    \brief The event type: "message" unless the stream named it with an \c event: field.
*/
/*!
    \property SseEvent::data
    \brief The data: the event's \c data: lines joined with LF.
*/
/*!
    \property SseEvent::lastEventId
    \brief The event source's last event ID when the event was dispatched.
*/
/*!
    \property SseEvent::json
    \brief The data as a JSON value; \c Undefined when it is not JSON. See json().
*/
/*!
    \property SseEvent::isJson
    \brief Whether the data is exactly one JSON value. See isJson().
*/
/*!
    \property SseEvent::jsonError
    \brief Why the data is not JSON, with the offset; empty when it is. See
    jsonErrorString().
*/
/*!
    \fn SseEvent::SseEvent()
    Constructs an event of type "message" with empty data and no ID.
*/
/*!
    \fn QString SseEvent::type() const
    Returns the event type.
*/
/*!
    \fn QString SseEvent::data() const
    Returns the data.
*/
/*!
    \fn QString SseEvent::lastEventId() const
    Returns the last event ID at dispatch.
*/
/*!
    \fn void SseEvent::swap(SseEvent &other)
    Swaps this event with \a other. This operation is very fast and never fails.
*/
/*!
    \fn bool SseEvent::operator==(const SseEvent &a, const SseEvent &b)
    Returns true when \a a and \a b have the same type, data and last event ID.
*/
/*!
    \fn bool SseEvent::operator!=(const SseEvent &a, const SseEvent &b)
    Returns true when \a a and \a b differ in type, data or last event ID.
*/

/*!
    Constructs an event of \a type with \a data and \a lastEventId.
*/

SseEvent::SseEvent(QString type, QString data, QString lastEventId)
    : m_type(std::move(type)), m_data(std::move(data)), m_lastEventId(std::move(lastEventId))
{
}

/*!
    Returns the data parsed as a JSON value (object, array, string, number, bool or null).
    Returns QJsonValue::Undefined when the data is not exactly one JSON value; \a error, if not
    null, then holds the reason and the offset in the data.
*/
QJsonValue SseEvent::json(QJsonParseError *error) const
{
    // QJsonDocument only parses objects and arrays at top level: wrap the data in an array and
    // accept exactly one element, so "42" or "\"text\"" are JSON too.
    const QByteArray utf8 = m_data.toUtf8();
    const QByteArray wrapped = '[' + utf8 + ']';
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &err);
    if (err.error == QJsonParseError::NoError && doc.array().size() != 1) {
        err.error = QJsonParseError::IllegalValue;
        err.offset = 1;
    }
    if (error) {
        *error = err;
        if (err.error != QJsonParseError::NoError)
            // In the data's own coordinates: not before it, not past its end.
            error->offset = qBound(0, err.offset - 1, int(utf8.size()));
    }
    if (err.error != QJsonParseError::NoError)
        return QJsonValue(QJsonValue::Undefined);
    return doc.array().at(0);
}

/*!
    Returns the data as a JSON document when it is a JSON object or array; otherwise a null
    document, with \a error set.
*/
QJsonDocument SseEvent::jsonDocument(QJsonParseError *error) const
{
    return QJsonDocument::fromJson(m_data.toUtf8(), error);
}

/*! Returns true when the data is exactly one JSON value. */
bool SseEvent::isJson() const
{
    QJsonParseError err;
    json(&err);
    return err.error == QJsonParseError::NoError;
}

/*! Returns why the data is not JSON, with the offset, or an empty string when it is. */
QString SseEvent::jsonErrorString() const
{
    QJsonParseError err;
    json(&err);
    if (err.error == QJsonParseError::NoError)
        return QString();
    return QStringLiteral("%1 at offset %2").arg(err.errorString()).arg(err.offset);
}

/*!
    \relates SseEvent
    Writes \a event to \a debug as \c{SseEvent(type, data, id=...)}.
*/
QDebug operator<<(QDebug debug, const SseEvent &event)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SseEvent(" << event.type() << ", " << event.data()
                    << ", id=" << event.lastEventId() << ')';
    return debug;
}
