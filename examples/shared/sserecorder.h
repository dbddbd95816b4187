// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSERECORDER_H
#define SSERECORDER_H

#include "sserecording.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

// What a client receives, into a recording (RECORDING.md, version 2): the raw bytes of each
// read (rawDataReceived()) and where each response ended, cleanly or with an error. The source
// is an SseClient or an SseSource (the monitor reaches the latter through QML only), connected
// by signal name: rawDataReceived(QByteArray), disconnected(), errorOccurred(…),
// stateChanged(…), opened() and closed().
//
// How a response ended is known only after disconnected(): errorOccurred() comes next if it
// was an error, before any other of these signals (sseclient.h); so an end waits for the next
// signal to say which it was, or for stop(). close() ends a response without disconnected():
// closed() (or the next opened()) while a response is open writes a `closed` end, so that the
// next response's bytes start a segment of their own.
//
// The source's maxEventSize property, if it has one, goes in the head (read at start() and at
// each opened() until the head is written).
class SseRecorder : public QObject
{
    Q_OBJECT
public:
    explicit SseRecorder(QObject *parent = nullptr);
    ~SseRecorder() override { stop(); }

    // Follows source (not owned) into writer (not owned, open); nullptr for either stops.
    void start(QObject *source, SseRecordingWriter *writer);
    // Writes the pending end, if any, and stops following. False after a write error.
    bool stop();

Q_SIGNALS:
    void writeFailed(); // a write failed: the writer's errorString() says why; recording stops

private Q_SLOTS:
    void recordBytes(const QByteArray &data);
    void recordDisconnect();
    void recordError();
    void recordOpened();
    void recordClosed();
    void settle(); // any other signal: a pending end was clean

private:
    bool writeEnd(SseRecording::End how);
    void endClosed(); // the open response, if any, was closed by the client
    void check(bool written);
    void takeMaxEventSize();

    QPointer<QObject> m_source;
    SseRecordingWriter *m_writer = nullptr;
    qint64 m_pendingEndMs = -1; // disconnected() at this time, its kind not known yet
    bool m_inResponse = false; // opened() or bytes since the last end
};

#endif // SSERECORDER_H
