// SPDX-License-Identifier: BSD-3-Clause
#ifndef RECORDINGMODEL_H
#define RECORDINGMODEL_H

#include "sserecording.h"

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariantlist.h>
#include <QtQml/qqmlregistration.h>

// A recording opened offline (Open recording…): its events, as the library's SseParser finds
// them in the raw bytes of each recorded response (one parse per response: an event cut off by
// a dropped connection is dropped, as the client dropped it; parseRecordedItems()), with the
// roles of SseEventModel (type, data, id, receiveTime, size, event), so that the monitor's
// filter, table, detail pane and export work on it as on a live capture; receiveTime is the
// arrival time in the file. The plot's rates come from the same times (eventRates, byteRates:
// per second, averaged over binSeconds, at most MaxBins values covering the whole recording).
class RecordingModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    Q_PROPERTY(QUrl file READ file NOTIFY loadedChanged)
    Q_PROPERTY(QUrl streamUrl READ streamUrl NOTIFY loadedChanged)
    Q_PROPERTY(QDateTime recorded READ recorded NOTIFY loadedChanged)
    Q_PROPERTY(double durationMs READ durationMs NOTIFY loadedChanged)
    Q_PROPERTY(int count READ count NOTIFY loadedChanged)
    Q_PROPERTY(double byteCount READ byteCount NOTIFY loadedChanged)
    Q_PROPERTY(int commentCount READ commentCount NOTIFY loadedChanged)
    Q_PROPERTY(QString lastEventId READ lastEventId NOTIFY loadedChanged)
    Q_PROPERTY(QVariantList eventRates READ eventRates NOTIFY loadedChanged)
    Q_PROPERTY(QVariantList byteRates READ byteRates NOTIFY loadedChanged)
    Q_PROPERTY(int binSeconds READ binSeconds NOTIFY loadedChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    enum Role {
        TypeRole = Qt::UserRole + 1,
        DataRole,
        IdRole,
        ReceiveTimeRole,
        SizeRole,
        EventRole
    };
    static constexpr int MaxBins = 60;

    explicit RecordingModel(QObject *parent = nullptr);

    bool isLoaded() const { return m_loaded; }
    QUrl file() const { return m_file; }
    QUrl streamUrl() const { return m_recording.url; }
    QDateTime recorded() const { return m_recording.recorded; }
    double durationMs() const { return double(m_recording.durationMs()); }
    int count() const { return int(m_events.size()); }
    double byteCount() const { return double(m_bytes); }
    int commentCount() const { return m_comments; }
    QString lastEventId() const;
    QVariantList eventRates() const { return m_eventRates; }
    QVariantList byteRates() const { return m_byteRates; }
    int binSeconds() const { return m_binSeconds; }
    QString errorString() const { return m_error; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Opens a recording (a file dialog's file: URL, or an absolute path) in place of what was
    // shown. False with errorString() set (and what was shown kept) for a file that is not one.
    Q_INVOKABLE bool load(const QUrl &file);
    Q_INVOKABLE void clear(); // back to live: nothing loaded

Q_SIGNALS:
    void loadedChanged();
    void errorStringChanged();

private:
    void setError(const QString &error);

    bool m_loaded = false;
    QUrl m_file;
    SseRecording m_recording;
    QList<SseRecordedItem> m_events;
    qint64 m_bytes = 0;
    int m_comments = 0;
    QVariantList m_eventRates;
    QVariantList m_byteRates;
    int m_binSeconds = 1;
    QString m_error;
};

#endif // RECORDINGMODEL_H
