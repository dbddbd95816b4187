// SPDX-License-Identifier: BSD-3-Clause
#ifndef MONITORRECORDER_H
#define MONITORRECORDER_H

#include "sserecorder.h"
#include "sserecording.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qurl.h>
#include <QtQml/qqmlregistration.h>

// The monitor's Record: what its SseSource receives (the raw bytes of each read, and where each
// response ended) written to a recording file (examples/shared/RECORDING.md, version 2) as it
// arrives, until stop(). eventCount counts the events received meanwhile.
class MonitorRecorder : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QObject *source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(bool recording READ isRecording NOTIFY recordingChanged)
    Q_PROPERTY(QUrl file READ file NOTIFY recordingChanged)
    Q_PROPERTY(double eventCount READ eventCount NOTIFY eventCountChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    explicit MonitorRecorder(QObject *parent = nullptr);

    QObject *source() const { return m_source; }
    void setSource(QObject *source); // an SseSource
    bool isRecording() const { return m_writer.isOpen(); }
    QUrl file() const { return m_file; }
    double eventCount() const { return double(m_events); }
    QString errorString() const { return m_error; }

    // Starts writing to file (a file dialog's file: URL, or an absolute path), replacing it;
    // the source's URL goes in the head without its user info. False with errorString() set
    // when the file cannot be written.
    Q_INVOKABLE bool start(const QUrl &file);
    // Stops; false if the last writes failed (errorString() says why).
    Q_INVOKABLE bool stop();

Q_SIGNALS:
    void sourceChanged();
    void recordingChanged();
    void eventCountChanged();
    void errorStringChanged();
    // A write failed while recording: the recording stopped (errorString() says why).
    void failed();

private Q_SLOTS:
    void countEvent();
    void takeUrl();
    void writeFailed();

private:
    void setError(const QString &error);

    QPointer<QObject> m_source;
    SseRecordingWriter m_writer;
    SseRecorder m_recorder; // after the writer: it may write an end into it when destroyed
    QUrl m_file;
    QString m_error;
    qint64 m_events = 0;
};

#endif // MONITORRECORDER_H
