// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEEVENTMODEL_H
#define SSEEVENTMODEL_H

#include <QtSse/sseevent.h>

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qbasictimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstringlist.h>
#include <QtQml/qqmlregistration.h>

// The most recent events of an SseSource (or SseClient), oldest first, for ListView and
// TableView. A ring buffer of `capacity` rows; the events that arrive within updateInterval
// (a frame by default) are added with one insert (and at most one remove) notification.
class SseEventModel : public QAbstractListModel
{
    Q_OBJECT
    QML_NAMED_ELEMENT(SseEventModel)
    Q_PROPERTY(QObject *source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(int capacity READ capacity WRITE setCapacity NOTIFY capacityChanged)
    Q_PROPERTY(QStringList typeFilter READ typeFilter WRITE setTypeFilter NOTIFY typeFilterChanged)
    Q_PROPERTY(int updateInterval READ updateInterval WRITE setUpdateInterval NOTIFY
                       updateIntervalChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(SseEvent latest READ latest NOTIFY latestChanged)

public:
    enum Role {
        TypeRole = Qt::UserRole + 1,
        DataRole,
        IdRole, // the event's lastEventId
        ReceiveTimeRole,
        SizeRole, // bytes of data in UTF-8
        EventRole, // the whole SseEvent (json, isJson, ...)
    };
    Q_ENUM(Role)

    static constexpr int DefaultCapacity = 1000;
    static constexpr int DefaultUpdateInterval = 16; // ms: a frame at 60 Hz

    explicit SseEventModel(QObject *parent = nullptr);
    ~SseEventModel() override;

    QObject *source() const { return m_source; }
    void setSource(QObject *source); // an SseSource or an SseClient
    int capacity() const { return m_capacity; }
    void setCapacity(int capacity);
    QStringList typeFilter() const { return m_typeFilter; }
    void setTypeFilter(const QStringList &types); // empty: every type
    int updateInterval() const { return m_updateInterval; }
    void setUpdateInterval(int milliseconds); // 0: every event loop turn
    int count() const { return int(m_count); }
    SseEvent latest() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Queues an event (if the filter accepts it); its row appears at the next update: in the
    // next event loop turn, unless the last update was less than updateInterval ago.
    Q_INVOKABLE void append(const SseEvent &event);
    Q_INVOKABLE void clear();
    Q_INVOKABLE QVariantMap get(int row) const; // the roles of a row by name, {} if none

Q_SIGNALS:
    void sourceChanged();
    void capacityChanged();
    void typeFilterChanged();
    void updateIntervalChanged();
    void countChanged();
    void latestChanged();

private:
    struct Entry
    {
        SseEvent event;
        qint64 receivedMs = 0; // ms since the epoch
    };
    const Entry &entry(qsizetype row) const;
    QList<Entry> rows() const; // oldest first
    void setRows(QList<Entry> rows); // without notification
    void flush();
    void timerEvent(QTimerEvent *event) override;

    QPointer<QObject> m_source;
    int m_capacity = DefaultCapacity;
    QStringList m_typeFilter;
    // The rows: m_ring[(m_head + row) % m_ring.size()]. It grows to m_capacity; until full,
    // m_head is 0 and m_count == m_ring.size().
    QList<Entry> m_ring;
    qsizetype m_head = 0;
    qsizetype m_count = 0;
    QList<Entry> m_pending; // received since the last update, never more than m_capacity
    int m_updateInterval = DefaultUpdateInterval;
    bool m_flushQueued = false; // the next update in the next event loop turn
    QBasicTimer m_flushTimer; // or later: the next update, while events are pending
    QElapsedTimer m_sinceFlush; // since the last update
};

#endif // SSEEVENTMODEL_H
