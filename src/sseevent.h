// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEEVENT_H
#define SSEEVENT_H

#include <QtSse/qtsse_export.h>

#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonvalue.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QDebug;
struct QJsonParseError;
QT_END_NAMESPACE

// Deliberately no d-pointer (unlike QMqttMessage): a parser delivers millions of events per
// second and a shared private would cost one more allocation per event. The three fields are
// fixed by the WHATWG standard's MessageEvent, and QString members are themselves shared.
class QTSSE_EXPORT SseEvent
{
    Q_GADGET
    Q_PROPERTY(QString type READ type CONSTANT)
    Q_PROPERTY(QString data READ data CONSTANT)
    Q_PROPERTY(QString lastEventId READ lastEventId CONSTANT)
    Q_PROPERTY(QJsonValue json READ json CONSTANT)
    Q_PROPERTY(bool isJson READ isJson CONSTANT)
    Q_PROPERTY(QString jsonError READ jsonErrorString CONSTANT)

public:
    SseEvent() = default;
    SseEvent(QString type, QString data, QString lastEventId = QString());

    QString type() const { return m_type; }
    QString data() const { return m_data; }
    QString lastEventId() const { return m_lastEventId; }

    // The data as JSON (any JSON value, not only objects and arrays). On invalid JSON the result
    // is QJsonValue::Undefined and *error (if given) says why and where.
    QJsonValue json(QJsonParseError *error = nullptr) const;
    QJsonDocument jsonDocument(QJsonParseError *error = nullptr) const;
    bool isJson() const;
    QString jsonErrorString() const;

    void swap(SseEvent &other) noexcept
    {
        m_type.swap(other.m_type);
        m_data.swap(other.m_data);
        m_lastEventId.swap(other.m_lastEventId);
    }

    friend bool operator==(const SseEvent &a, const SseEvent &b) noexcept
    {
        return a.m_type == b.m_type && a.m_data == b.m_data && a.m_lastEventId == b.m_lastEventId;
    }
    friend bool operator!=(const SseEvent &a, const SseEvent &b) noexcept { return !(a == b); }

private:
    QString m_type = QStringLiteral("message");
    QString m_data;
    QString m_lastEventId;
};
Q_DECLARE_SHARED(SseEvent)

QTSSE_EXPORT QDebug operator<<(QDebug debug, const SseEvent &event);

#endif // SSEEVENT_H
