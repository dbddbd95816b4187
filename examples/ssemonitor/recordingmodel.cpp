// SPDX-License-Identifier: BSD-3-Clause
#include "recordingmodel.h"

#include <QtCore/qdir.h>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

RecordingModel::RecordingModel(QObject *parent) : QAbstractListModel(parent) { }

QString RecordingModel::lastEventId() const
{
    return m_events.isEmpty() ? QString() : m_events.last().event.lastEventId();
}

int RecordingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

QVariant RecordingModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SseRecordedItem &item = m_events.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case DataRole:
        return item.event.data();
    case TypeRole:
        return item.event.type();
    case IdRole:
        return item.event.lastEventId();
    case ReceiveTimeRole:
        return m_recording.recorded.addMSecs(item.timeMs).toLocalTime();
    case SizeRole:
        return int(qMin<qsizetype>(item.bytes, std::numeric_limits<int>::max()));
    case EventRole:
        return QVariant::fromValue(item.event);
    }
    return {};
}

QHash<int, QByteArray> RecordingModel::roleNames() const
{
    return {{TypeRole, "type"}, {DataRole, "data"},
            {IdRole, "id"},     {ReceiveTimeRole, "receiveTime"},
            {SizeRole, "size"}, {EventRole, "event"}};
}

bool RecordingModel::load(const QUrl &file)
{
    QString path;
    if (file.isLocalFile())
        path = file.toLocalFile();
    else if (file.scheme().isEmpty() && QDir::isAbsolutePath(file.path()))
        path = file.path();
    if (path.isEmpty()) {
        setError(tr("cannot open %1").arg(file.toDisplayString()));
        return false;
    }
    QString error;
    std::optional<SseRecording> recording = SseRecording::read(path, &error);
    if (!recording) {
        setError(error);
        return false;
    }
    beginResetModel();
    m_recording = std::move(*recording);
    m_events.clear();
    m_bytes = 0;
    m_comments = 0;
    const QList<SseRecordedItem> items = parseRecordedItems(m_recording);
    for (const SseRecordedItem &item : items) {
        if (item.kind == SseRecordedItem::Event) {
            m_events.append(item);
            m_bytes += item.bytes;
        } else if (item.kind == SseRecordedItem::Comment) {
            ++m_comments;
        }
    }
    // Rates per second over the whole recording, in at most MaxBins bins of whole seconds.
    const qint64 seconds = m_recording.durationMs() / 1000 + 1;
    m_binSeconds = int((seconds + MaxBins - 1) / MaxBins);
    QList<double> events(qsizetype((seconds + m_binSeconds - 1) / m_binSeconds), 0.0);
    QList<double> bytes(events.size(), 0.0);
    for (const SseRecordedItem &item : std::as_const(m_events)) {
        const qsizetype bin = qsizetype(item.timeMs / 1000 / m_binSeconds);
        events[bin] += 1.0 / m_binSeconds;
        bytes[bin] += double(item.bytes) / m_binSeconds;
    }
    m_eventRates.clear();
    m_byteRates.clear();
    for (qsizetype i = 0; i < events.size(); ++i) {
        m_eventRates.append(std::round(events.at(i) * 10) / 10);
        m_byteRates.append(std::round(bytes.at(i)));
    }
    m_file = QUrl::fromLocalFile(path);
    m_loaded = true;
    endResetModel();
    setError(QString());
    Q_EMIT loadedChanged();
    return true;
}

void RecordingModel::clear()
{
    if (!m_loaded)
        return;
    beginResetModel();
    m_loaded = false;
    m_file.clear();
    m_recording = SseRecording();
    m_events.clear();
    m_bytes = 0;
    m_comments = 0;
    m_eventRates.clear();
    m_byteRates.clear();
    m_binSeconds = 1;
    endResetModel();
    Q_EMIT loadedChanged();
}

void RecordingModel::setError(const QString &error)
{
    if (m_error == error)
        return;
    m_error = error;
    Q_EMIT errorStringChanged();
}
