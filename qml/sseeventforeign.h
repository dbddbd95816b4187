// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEEVENTFOREIGN_H
#define SSEEVENTFOREIGN_H

#include <QtSse/sseevent.h>

#include <QtCore/qjsonvalue.h>
#include <QtCore/qvariant.h>
#include <QtQml/qqml.h> // QML_FOREIGN needs the QQmlPrivate templates, not only the macros

// SseEvent lives in the core library, which does not link QtQml: it is registered here as the
// read-only QML value type "sseEvent". QML_FOREIGN + QML_VALUE_TYPE on a gadget of our own is
// the Qt 6.4 form; QML_EXTENDED with a gadget that wraps the value is how QtQuick 6.4 gives
// QColor its QML properties (QQuickColorValueType): the engine then reads the properties below
// on the SseEvent itself (same layout), instead of SseEvent's own.
//
// Why not SseEvent's properties as they are: its json is a QJsonValue, a type Qt 6.4's tools do
// not know (qmllint warns on every event.json.x). Here json is a var: the parsed value as a JS
// value (object, array, string, number, bool, null), or undefined when the data is not JSON;
// isJson and jsonError say why, without an exception.
class SseEventForeign
{
    SseEvent v;

    Q_GADGET
    QML_FOREIGN(SseEvent)
    QML_VALUE_TYPE(sseEvent)
    QML_EXTENDED(SseEventForeign)
    Q_PROPERTY(QString type READ type FINAL)
    Q_PROPERTY(QString data READ data FINAL)
    Q_PROPERTY(QString lastEventId READ lastEventId FINAL)
    Q_PROPERTY(QVariant json READ json FINAL)
    Q_PROPERTY(bool isJson READ isJson FINAL)
    Q_PROPERTY(QString jsonError READ jsonError FINAL)

public:
    QString type() const { return v.type(); }
    QString data() const { return v.data(); }
    QString lastEventId() const { return v.lastEventId(); }
    QVariant json() const
    {
        const QJsonValue value = v.json();
        return value.isUndefined() ? QVariant() : QVariant::fromValue(value);
    }
    bool isJson() const { return v.isJson(); }
    QString jsonError() const { return v.jsonErrorString(); }
    Q_INVOKABLE QString toString() const
    {
        return QStringLiteral("sseEvent(%1, %2)").arg(v.type(), v.data());
    }
};
static_assert(sizeof(SseEventForeign) == sizeof(SseEvent));

#endif // SSEEVENTFOREIGN_H
