// SPDX-License-Identifier: BSD-3-Clause
#include "sseeventmodel.h"

#include "ssesource.h"

#include <QtCore/qcoreevent.h>
#include <QtCore/qdatetime.h>
#include <QtQml/qqmlinfo.h>

/*!
    \qmltype SseEventModel
    \inqmlmodule QtSse
    \brief The most recent events of an SseSource, for ListView and TableView.

    \qml
    ListView {
        model: SseEventModel { source: prices; capacity: 200; typeFilter: ["price"] }
        delegate: Text {
            required property string type
            required property var event
            text: type + ": " + event.data
        }
    }
    \endqml

    Rows are oldest first. Roles: \c type, \c data, \c id (the event's lastEventId),
    \c receiveTime (a date), \c size (bytes of data in UTF-8) and \c event (the whole
    sseEvent, with \c json). In a delegate, \c data and \c id are reached as \c model.data
    and \c model.id (Item has a \c data property and \c id is reserved), or via \c event.

    The model holds at most \c capacity rows: the oldest are dropped. Events are queued and
    added at most once per \c updateInterval (16 ms by default: a frame at 60 Hz; 0: every
    event loop turn), with one rowsInserted and at most one rowsRemoved. When an update brings
    \c capacity events or more, a full model changes its rows' data in place (one
    dataChanged: a view keeps its delegates) and a model that was not full is reset. So a
    stream of 100,000 events per second costs the view one update per frame, events that the
    capacity drops before an update are never rows, and memory stays bounded by \c capacity
    rows plus at most \c capacity queued events. An event after a quiet spell appears in the
    next event loop turn.

    \c typeFilter, if not empty, keeps only events of these types; setting it also removes
    the rows it no longer accepts. \c latest is the newest row's event (a default sseEvent
    when the model is empty). \c source accepts an SseSource or, from C++, an SseClient.
*/

/*!
    \qmlproperty QtObject SseEventModel::source
    The SseSource (or, from C++, the SseClient) whose events the model keeps. Another object
    is refused with a warning. Reset to null when the source is destroyed.
*/
/*!
    \qmlproperty int SseEventModel::capacity
    The most rows kept (1000 by default): the oldest go first. Lowering it removes rows at
    once.
*/
/*!
    \qmlproperty int SseEventModel::updateInterval
    The least time between two updates of the view, in milliseconds (16 by default: a frame at
    60 Hz; 0: every event loop turn). The events of that time come as one insertion; the first
    event after a quiet spell shows in the next event loop turn.
*/
/*!
    \qmlproperty list<string> SseEventModel::typeFilter
    The event types kept; empty (the default) keeps every type.
*/
/*!
    \qmlproperty int SseEventModel::count
    \readonly
    The number of rows.
*/
/*!
    \qmlproperty sseEvent SseEventModel::latest
    \readonly
    The newest row's event; a default sseEvent when the model is empty.
*/
/*!
    \qmlmethod SseEventModel::append(sseEvent event)
    Queues \a event (if typeFilter accepts it); the row appears in the next event loop turn.
*/
/*!
    \qmlmethod SseEventModel::clear()
    Removes every row and the queued events.
*/
/*!
    \qmlmethod object SseEventModel::get(int row)
    Returns the roles of \a row by name (type, data, id, receiveTime, size, event); an empty
    object if there is no such row.
*/

namespace {
qsizetype utf8Size(QStringView text)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c < 0x80) {
            bytes += 1;
        } else if (c < 0x800) {
            bytes += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < text.size()
                   && QChar::isLowSurrogate(text[i + 1].unicode())) {
            bytes += 4;
            ++i;
        } else {
            bytes += 3;
        }
    }
    return bytes;
}
} // namespace

SseEventModel::SseEventModel(QObject *parent) : QAbstractListModel(parent) { }

void SseEventModel::setUpdateInterval(int milliseconds)
{
    milliseconds = qMax(0, milliseconds);
    if (m_updateInterval == milliseconds)
        return;
    m_updateInterval = milliseconds;
    if (m_flushTimer.isActive()) { // the pending events wait no longer than the new interval
        m_flushTimer.stop();
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &SseEventModel::flush, Qt::QueuedConnection);
    }
    Q_EMIT updateIntervalChanged();
}

SseEventModel::~SseEventModel() = default;

void SseEventModel::setSource(QObject *source)
{
    if (m_source == source)
        return;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (auto *s = qobject_cast<SseSource *>(source)) {
        connect(s, &SseSource::eventReceived, this, &SseEventModel::append);
    } else if (auto *c = qobject_cast<SseClient *>(source)) {
        connect(c, &SseClient::eventReceived, this, &SseEventModel::append);
    } else if (source) {
        qmlWarning(this) << "source must be an SseSource or an SseClient, not a "
                         << source->metaObject()->className();
    }
    if (source) {
        connect(source, &QObject::destroyed, this, [this] {
            m_source = nullptr;
            Q_EMIT sourceChanged();
        });
    }
    Q_EMIT sourceChanged();
}

void SseEventModel::setCapacity(int capacity)
{
    capacity = qMax(0, capacity);
    if (m_capacity == capacity)
        return;
    m_capacity = capacity;
    if (m_pending.size() > capacity)
        m_pending.remove(0, m_pending.size() - capacity);
    QList<Entry> all = rows();
    if (all.size() > capacity) {
        beginRemoveRows(QModelIndex(), 0, int(all.size() - capacity - 1));
        all.remove(0, all.size() - capacity);
        setRows(std::move(all));
        endRemoveRows();
        Q_EMIT countChanged();
        if (capacity == 0)
            Q_EMIT latestChanged();
    } else {
        setRows(std::move(all)); // a larger ring: unrolled, so that it can grow again
    }
    Q_EMIT capacityChanged();
}

void SseEventModel::setTypeFilter(const QStringList &types)
{
    if (m_typeFilter == types)
        return;
    m_typeFilter = types;
    const auto rejected = [&types](const Entry &e) {
        return !types.isEmpty() && !types.contains(e.event.type());
    };
    m_pending.removeIf(rejected);
    QList<Entry> all = rows();
    if (all.removeIf(rejected) > 0) {
        beginResetModel();
        setRows(std::move(all));
        endResetModel();
        Q_EMIT countChanged();
        Q_EMIT latestChanged();
    }
    Q_EMIT typeFilterChanged();
}

SseEvent SseEventModel::latest() const
{
    return m_count > 0 ? entry(m_count - 1).event : SseEvent();
}

int SseEventModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_count);
}

QVariant SseEventModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_count || index.column() != 0)
        return QVariant();
    const Entry &e = entry(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case DataRole:
        return e.event.data();
    case TypeRole:
        return e.event.type();
    case IdRole:
        return e.event.lastEventId();
    case ReceiveTimeRole:
        return QDateTime::fromMSecsSinceEpoch(e.receivedMs);
    case SizeRole:
        return utf8Size(e.event.data());
    case EventRole:
        return QVariant::fromValue(e.event);
    }
    return QVariant();
}

QHash<int, QByteArray> SseEventModel::roleNames() const
{
    return {{TypeRole, "type"}, {DataRole, "data"},
            {IdRole, "id"},     {ReceiveTimeRole, "receiveTime"},
            {SizeRole, "size"}, {EventRole, "event"}};
}

void SseEventModel::append(const SseEvent &event)
{
    if (m_capacity == 0 || (!m_typeFilter.isEmpty() && !m_typeFilter.contains(event.type())))
        return;
    if (m_pending.size() >= m_capacity)
        m_pending.removeFirst(); // it would be dropped by this turn's later events anyway
    m_pending.append({event, QDateTime::currentMSecsSinceEpoch()});
    if (m_flushQueued || m_flushTimer.isActive())
        return;
    // At most one update per interval; the first after a quiet spell in the next turn.
    const qint64 since = m_sinceFlush.isValid() ? m_sinceFlush.elapsed() : m_updateInterval;
    if (since >= m_updateInterval) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &SseEventModel::flush, Qt::QueuedConnection);
    } else {
        m_flushTimer.start(int(m_updateInterval - since), Qt::PreciseTimer, this);
    }
}

void SseEventModel::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_flushTimer.timerId()) {
        QAbstractListModel::timerEvent(event);
        return;
    }
    flush();
}

void SseEventModel::clear()
{
    m_pending.clear();
    m_flushTimer.stop();
    if (m_count == 0)
        return;
    beginResetModel();
    setRows({});
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT latestChanged();
}

QVariantMap SseEventModel::get(int row) const
{
    QVariantMap map;
    if (row < 0 || row >= m_count)
        return map;
    const QHash<int, QByteArray> names = roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it)
        map.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    return map;
}

const SseEventModel::Entry &SseEventModel::entry(qsizetype row) const
{
    return m_ring.at((m_head + row) % m_ring.size());
}

QList<SseEventModel::Entry> SseEventModel::rows() const
{
    QList<Entry> all;
    all.reserve(m_count);
    for (qsizetype row = 0; row < m_count; ++row)
        all.append(entry(row));
    return all;
}

void SseEventModel::setRows(QList<Entry> rows)
{
    m_ring = std::move(rows);
    m_head = 0;
    m_count = m_ring.size();
}

// The pending events: at most one remove and one insert notification, or one dataChanged
// (full, and as many events as rows), or one reset.
void SseEventModel::flush()
{
    m_flushQueued = false;
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    m_sinceFlush.start();
    QList<Entry> batch = std::exchange(m_pending, {});
    const qsizetype before = m_count;
    const qsizetype n = batch.size(); // never more than m_capacity
    if (n >= m_capacity && m_count == m_capacity) {
        // Every row shows another event, the count stays: the view rebinds the delegates it
        // shows instead of destroying and creating them (a reset would).
        setRows(std::move(batch));
        Q_EMIT dataChanged(index(0), index(int(m_count - 1)));
    } else if (n >= m_capacity) {
        beginResetModel();
        setRows(std::move(batch));
        endResetModel();
    } else {
        const qsizetype overflow = m_count + n - m_capacity;
        if (overflow > 0) {
            beginRemoveRows(QModelIndex(), 0, int(overflow - 1));
            if (m_ring.size() < m_capacity) { // still growing: the rows are m_ring itself
                m_ring.remove(0, overflow);
            } else {
                for (qsizetype i = 0; i < overflow; ++i)
                    m_ring[(m_head + i) % m_ring.size()] = Entry(); // free the strings now
                m_head = (m_head + overflow) % m_ring.size();
            }
            m_count -= overflow;
            endRemoveRows();
        }
        beginInsertRows(QModelIndex(), int(m_count), int(m_count + n - 1));
        for (Entry &e : batch) {
            if (m_ring.size() < m_capacity)
                m_ring.append(std::move(e));
            else
                m_ring[(m_head + m_count) % m_ring.size()] = std::move(e);
            ++m_count;
        }
        endInsertRows();
    }
    if (m_count != before)
        Q_EMIT countChanged();
    Q_EMIT latestChanged();
}
