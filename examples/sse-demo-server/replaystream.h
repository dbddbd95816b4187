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
// The recorded bytes are served verbatim, each chunk at its recorded time divided by the speed,
// one segment (one recorded response) per request, ending as and when the recorded response
// ended: a clean end of the chunked body (also for a response the client closed), or (an error
// end) the connection dropped without one, so that the client reconnects as it did. A first
// request (no Last-Event-ID, nor ?lastEventId=) gets the first segment that holds an event
// (earlier ones would be served again and again: a client reconnects from them without an ID
// too); 204 if none does. A request with Last-Event-ID K continues as the recorded client did:
// if a recorded response ended with K as the client's last event ID and the next one holds an
// event, that next response (the first such). Otherwise it resumes after the last event whose
// last event ID is K (events without an id: field carry the one before them, and a client that
// has them sends it too), found by SseParser over each segment: the rest of that segment from
// the byte after the event's blank line, or, when the rest holds no complete event, the next
// segment that holds one, from its start. Before either, the last retry: value sent before
// (after a byte order mark that starts a segment). After the recording's last event there is
// nothing to resume: 204, which tells an EventSource to stop. An ID the recording does not
// hold is a 400 with a JSON error body.
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
    // Segment's bytes from offset on, timed from since (recorded ms).
    QList<Piece> segmentFrom(qsizetype segment, qsizetype offset, qint64 since) const;
    // The retry: line a client resuming before item (or at the start of segment) must get.
    QByteArray retryBefore(qsizetype item) const;
    qsizetype firstItemOf(qsizetype segment) const; // in m_items (its size if none)
    bool holdsEvent(qsizetype segment) const;
    // Text first in the stream that pieces make; if streamStart, after a byte order mark that
    // starts it, also one split over pieces.
    static void insertAtStart(QList<Piece> *pieces, const QByteArray &text, bool streamStart);

    SseRecording m_recording;
    QList<SseRecordedItem> m_items;
    QStringList m_lastEventIds; // per segment: what its client sent when it reconnected
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
    // endMs: when the response ends (after the start, speed applied; not before the last
    // piece); cut: by dropping the connection (no final chunk), as a response that broke.
    ReplayStream(QTcpSocket *socket, QList<Piece> pieces, qint64 endMs, bool cut);
    void start();

private:
    void writeDue();

    QTcpSocket *m_socket;
    QList<Piece> m_pieces;
    qsizetype m_next = 0;
    qint64 m_endMs = -1;
    bool m_cut = false;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

#endif // DEMO_REPLAYSTREAM_H
