// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_REPLAYSTREAM_H
#define DEMO_REPLAYSTREAM_H

#include "sserecording.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qtimer.h>

#include <memory>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;

// `sse-demo-server --replay FILE [--speed X]`: a recording (examples/shared/RECORDING.md)
// served as a live stream, loaded once and shared by every client.
//
// A first request gets the recorded bytes as they were recorded, each chunk at its recorded
// time divided by the speed. A request with a Last-Event-ID (or ?lastEventId=) resumes after
// the last event that carries that ID (events without an id: field carry the one before them,
// and a client that has them sends it too): the last retry: value before it, then what followed it,
// in the canonical form of RECORDING.md, at the recorded pace from there. After the recording's
// last event there is nothing to resume: 204, which tells an EventSource to stop. An ID the
// recording does not hold is a 400 with a JSON error body. Bodies are chunked, so that a client
// can tell the end of the recording from a dropped connection.
class Replay
{
public:
    static std::shared_ptr<const Replay> load(const QString &path, double speed, QString *error);

    // Answers the request; returns what the request log says about it.
    QByteArray serve(QTcpSocket *socket, const HttpRequest &request) const;

    static QByteArray helpNote(); // what GET / says first while replaying
    double speed() const { return m_speed; }
    qsizetype eventCount() const { return m_events; }
    qint64 durationMs() const { return m_recording.durationMs(); }

private:
    struct Piece
    {
        qint64 timeMs; // recorded, from the start of what is served
        QByteArray bytes;
    };
    QList<Piece> resumeAfter(qsizetype item) const;

    SseRecording m_recording;
    QList<SseRecordedItem> m_items;
    qsizetype m_events = 0;
    double m_speed = 1.0;
};

// One client's replay; owned by its socket.
class ReplayStream : public QObject
{
    Q_OBJECT
public:
    struct Piece
    {
        qint64 dueMs; // after the start, speed applied
        QByteArray bytes;
    };
    ReplayStream(QTcpSocket *socket, QList<Piece> pieces);
    void start();

private:
    void writeDue();

    QTcpSocket *m_socket;
    QList<Piece> m_pieces;
    qsizetype m_next = 0;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

#endif // DEMO_REPLAYSTREAM_H
