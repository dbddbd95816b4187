// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEEVENTHANDLER_H
#define SSEEVENTHANDLER_H

#include <QtSse/sseevent.h>

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qstring.h>
#include <QtQml/qqmlregistration.h>

#include <atomic>

class SseSource;

// A listener for one event type, declared inside an SseSource:
//     SseSource { SseEventHandler { type: "price"; onEventReceived: (event) => ... } }
// The source dispatches each event to its handlers of the event's type (ssesourcehandlers.cpp);
// removing a handler from the source's handlers or destroying it stops it.
class SseEventHandler : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(SseEventHandler)
    Q_PROPERTY(QString type READ type WRITE setType NOTIFY typeChanged)
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)

public:
    explicit SseEventHandler(QObject *parent = nullptr);
    ~SseEventHandler() override;

    QString type() const { return m_type; }
    void setType(const QString &type);
    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled);

    void dispatch(const SseEvent &event); // emits eventReceived() and dataReceived() if enabled

Q_SIGNALS:
    void eventReceived(const SseEvent &event);
    // The same event as two strings: no sseEvent made in JavaScript (1.4x the events/s of
    // eventReceived in bench_qml). Emitted only while connected.
    void dataReceived(const QString &data, const QString &lastEventId);
    void typeChanged();
    void enabledChanged();

protected:
    // Whether dataReceived is connected, kept here rather than asked per event.
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    QString m_type = QStringLiteral("message");
    bool m_enabled = true;
    std::atomic<bool> m_dataConnected = false; // atomic: connectNotify() may run in any thread
    // The sources listing this handler, told directly of a type change and of the destruction
    // (not through signals, which an application could disconnect or block).
    friend class SseSource;
    QList<SseSource *> m_sources;
};

#endif // SSEEVENTHANDLER_H
