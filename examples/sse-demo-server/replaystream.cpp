// SPDX-License-Identifier: BSD-3-Clause
#include "replaystream.h"

#include "httprequest.h"

#include <QtNetwork/qtcpsocket.h>

#include <cmath>

std::shared_ptr<const Replay> Replay::load(const QString &path, double speed, QString *error)
{
    std::optional<SseRecording> recording = SseRecording::read(path, error);
    if (!recording)
        return nullptr;
    auto replay = std::make_shared<Replay>();
    replay->m_recording = std::move(*recording);
    replay->m_items = parseRecordedItems(replay->m_recording);
    for (const SseRecordedItem &item : std::as_const(replay->m_items))
        replay->m_events += item.kind == SseRecordedItem::Event ? 1 : 0;
    replay->m_speed = speed;
    return replay;
}

QByteArray Replay::helpNote()
{
    return "Replaying a recording (--replay): GET /stream serves it instead of the main stream\n"
           "below, resumable by Last-Event-ID (after its last event: 204).\n\n";
}

QList<Replay::Piece> Replay::resumeAfter(qsizetype index) const
{
    const SseRecordedItem &from = m_items.at(index);
    QList<Piece> pieces;
    for (qsizetype i = index - 1; i >= 0; --i) {
        if (m_items.at(i).kind == SseRecordedItem::Retry) {
            pieces.append({0, "retry: " + QByteArray::number(m_items.at(i).retryMs) + "\n\n"});
            break;
        }
    }
    QString lastEventId = from.event.lastEventId(); // what the client already has
    for (qsizetype i = index + 1; i < m_items.size(); ++i) {
        const SseRecordedItem &item = m_items.at(i);
        const qint64 time = item.timeMs - from.timeMs;
        switch (item.kind) {
        case SseRecordedItem::Event:
            pieces.append({time, SseRecordingWriter::encodeEvent(item.event, &lastEventId)});
            break;
        case SseRecordedItem::Comment:
            pieces.append({time, ':' + item.comment.toUtf8() + '\n'});
            break;
        case SseRecordedItem::Retry:
            pieces.append({time, "retry: " + QByteArray::number(item.retryMs) + '\n'});
            break;
        }
    }
    return pieces;
}

QByteArray Replay::serve(QTcpSocket *socket, const HttpRequest &request) const
{
    static const HttpHeaders Cors = {{"Access-Control-Allow-Origin", "*"}};
    QByteArray lastId = request.header("Last-Event-ID");
    if (lastId.isEmpty())
        lastId = request.query.queryItemValue(QStringLiteral("lastEventId")).toUtf8();
    QList<Piece> pieces;
    QByteArray outcome;
    if (lastId.isEmpty()) {
        for (const SseRecording::Chunk &chunk : m_recording.chunks)
            pieces.append({chunk.timeMs, chunk.bytes});
        outcome = "200 replay from the start";
    } else {
        const QString id = QString::fromUtf8(lastId);
        // After the last event that carries the ID: events without an id: field of their own
        // carry the one before them, and a client that has them sends that same ID.
        qsizetype found = -1;
        bool eventAfter = false;
        for (qsizetype i = 0; i < m_items.size(); ++i) {
            const SseRecordedItem &item = m_items.at(i);
            if (item.kind != SseRecordedItem::Event)
                continue;
            if (item.event.lastEventId() == id) {
                found = i;
                eventAfter = false;
            } else if (found >= 0) {
                eventAfter = true;
                break;
            }
        }
        if (found < 0) {
            sendJsonError(socket, 400, "Last-Event-ID \"" + lastId + "\" is not in the recording",
                          "invalid_request_error", "unknown_last_event_id", Cors);
            return "400 unknown Last-Event-ID " + lastId;
        }
        if (!eventAfter) {
            sendHttpResponse(socket, 204, {}, {}, Cors);
            return "204 the recording ends after " + lastId;
        }
        pieces = resumeAfter(found);
        outcome = "200 replay after " + lastId;
    }
    QList<ReplayStream::Piece> scheduled;
    scheduled.reserve(pieces.size());
    for (const Piece &piece : std::as_const(pieces))
        scheduled.append({qint64(std::llround(double(piece.timeMs) / m_speed)), piece.bytes});
    (new ReplayStream(socket, std::move(scheduled)))->start();
    return outcome;
}

ReplayStream::ReplayStream(QTcpSocket *socket, QList<Piece> pieces)
    : QObject(socket), m_socket(socket), m_pieces(std::move(pieces))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ReplayStream::writeDue);
}

void ReplayStream::start()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->write(httpResponseHead(200,
                                     {{"Content-Type", "text/event-stream; charset=utf-8"},
                                      {"Cache-Control", "no-cache"},
                                      {"Transfer-Encoding", "chunked"},
                                      {"Connection", "close"},
                                      {"X-Accel-Buffering", "no"},
                                      {"Access-Control-Allow-Origin", "*"}}));
    m_clock.start();
    writeDue();
}

void ReplayStream::writeDue()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    // Everything due by now in one write; the schedule is kept from the start, so that the
    // timer's lateness does not add up over a long recording.
    const qint64 now = m_clock.elapsed();
    QByteArray out;
    while (m_next < m_pieces.size() && m_pieces.at(m_next).dueMs <= now) {
        const QByteArray &bytes = m_pieces.at(m_next++).bytes;
        out += QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
    }
    if (m_next == m_pieces.size()) {
        m_socket->write(out + "0\r\n\r\n"); // the end of the recording: a clean end of the body
        closeGracefully(m_socket);
        return;
    }
    if (!out.isEmpty())
        m_socket->write(out);
    m_timer.start(int(qMin<qint64>(m_pieces.at(m_next).dueMs - now, 24 * 3600 * 1000)));
}
