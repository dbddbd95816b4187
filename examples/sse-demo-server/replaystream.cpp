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
    replay->m_items = parseRecordedItems(replay->m_recording, &replay->m_lastEventIds);
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

QList<Replay::Piece> Replay::segmentFrom(qsizetype segment, qsizetype offset, qint64 since) const
{
    QList<Piece> pieces;
    qsizetype start = 0; // of the chunk in the segment
    for (const SseRecording::Chunk &chunk : m_recording.segments.at(segment).chunks) {
        const qsizetype end = start + chunk.bytes.size();
        if (end > offset) {
            const qsizetype skip = qMax<qsizetype>(0, offset - start);
            pieces.append({qMax<qint64>(0, chunk.timeMs - since), chunk.bytes.sliced(skip)});
        }
        start = end;
    }
    return pieces;
}

QByteArray Replay::retryBefore(qsizetype item) const
{
    for (qsizetype i = item - 1; i >= 0; --i) {
        if (m_items.at(i).kind == SseRecordedItem::Retry)
            return "retry: " + QByteArray::number(m_items.at(i).retryMs) + "\n\n";
    }
    return {};
}

qsizetype Replay::firstItemOf(qsizetype segment) const
{
    qsizetype first = 0;
    while (first < m_items.size() && m_items.at(first).segment < segment)
        ++first;
    return first;
}

bool Replay::holdsEvent(qsizetype segment) const
{
    for (qsizetype i = firstItemOf(segment); i < m_items.size(); ++i) {
        if (m_items.at(i).segment != segment)
            break;
        if (m_items.at(i).kind == SseRecordedItem::Event)
            return true;
    }
    return false;
}

void Replay::insertAtStart(QList<Piece> *pieces, const QByteArray &text, bool streamStart)
{
    static constexpr QByteArrayView Bom = "\xEF\xBB\xBF";
    qsizetype matched = 0; // of the BOM, so far
    for (Piece &piece : *pieces) {
        if (!streamStart)
            break; // the same bytes later in a stream are not a BOM
        const qsizetype n = qMin(piece.bytes.size(), Bom.size() - matched);
        if (QByteArrayView(piece.bytes).first(n) != Bom.sliced(matched, n))
            break; // no BOM
        matched += n;
        if (matched == Bom.size()) {
            piece.bytes.insert(n, text);
            return;
        }
    }
    if (pieces->isEmpty())
        pieces->append({0, text});
    else
        pieces->first().bytes.prepend(text);
}

QByteArray Replay::serve(QTcpSocket *socket, const HttpRequest &request) const
{
    static const HttpHeaders Cors = {{"Access-Control-Allow-Origin", "*"}};
    QByteArray lastId = request.header("Last-Event-ID");
    if (lastId.isEmpty())
        lastId = request.query.queryItemValue(QStringLiteral("lastEventId")).toUtf8();
    QList<Piece> pieces;
    qsizetype segment = -1;
    qint64 since = 0; // the recorded time that is time 0 of the response
    QByteArray outcome;
    QByteArray retry; // the retry: line that comes first
    bool streamStart = true; // the pieces start a segment
    if (lastId.isEmpty()) {
        // The first segment that holds an event. The ones before it (a response that broke
        // before its first event, or sent comments only) would be served again and again: the
        // client reconnects without an ID from them too, and cannot be told from a new client.
        for (qsizetype s = 0; s < m_recording.segments.size() && segment < 0; ++s) {
            if (holdsEvent(s))
                segment = s;
        }
        if (segment < 0) {
            sendHttpResponse(socket, 204, {}, {}, Cors);
            return "204 the recording holds no event";
        }
        if (segment == 0) {
            outcome = "200 replay from the start";
        } else {
            since = m_recording.segments.at(segment).chunks.first().timeMs;
            retry = retryBefore(firstItemOf(segment));
            outcome = "200 replay from response " + QByteArray::number(segment + 1)
                    + ", the first with an event";
        }
        pieces = segmentFrom(segment, 0, since);
    } else {
        const QString id = QString::fromUtf8(lastId);
        // The segment that follows one whose client ended with this ID (and has an event: an
        // empty response would be served again and again), as the recorded client got it.
        qsizetype nextSegment = -1;
        for (qsizetype s = 0; s + 1 < m_recording.segments.size() && nextSegment < 0; ++s) {
            if (m_lastEventIds.at(s) == id && holdsEvent(s + 1))
                nextSegment = s + 1;
        }
        // Else after the last event that carries the ID: events without an id: field of their
        // own carry the one before them, and a client that has them sends that same ID.
        qsizetype found = -1;
        for (qsizetype i = 0; i < m_items.size() && nextSegment < 0; ++i) {
            const SseRecordedItem &item = m_items.at(i);
            if (item.kind == SseRecordedItem::Event && item.event.lastEventId() == id)
                found = i;
        }
        if (nextSegment < 0 && found < 0) {
            sendJsonError(socket, 400, "Last-Event-ID \"" + lastId + "\" is not in the recording",
                          "invalid_request_error", "unknown_last_event_id", Cors);
            return "400 unknown Last-Event-ID " + lastId;
        }
        if (nextSegment < 0) {
            // The next event decides where to go on: in the same segment, right after the
            // found one; in a later one, from that segment's start; none, nothing.
            qsizetype next = found + 1;
            while (next < m_items.size() && m_items.at(next).kind != SseRecordedItem::Event)
                ++next;
            if (next == m_items.size()) {
                sendHttpResponse(socket, 204, {}, {}, Cors);
                return "204 the recording ends after " + lastId;
            }
            if (m_items.at(next).segment != m_items.at(found).segment)
                nextSegment = m_items.at(next).segment;
        }
        if (nextSegment < 0) {
            const SseRecordedItem &from = m_items.at(found);
            segment = from.segment;
            since = from.timeMs;
            streamStart = false;
            retry = retryBefore(found + 1);
            pieces = segmentFrom(segment, from.endOffset, since);
            outcome = "200 replay after " + lastId;
        } else {
            segment = nextSegment;
            since = m_recording.segments.at(segment).chunks.first().timeMs;
            retry = retryBefore(firstItemOf(segment));
            pieces = segmentFrom(segment, 0, since);
            outcome = "200 replay after " + lastId + ", from response "
                    + QByteArray::number(segment + 1);
        }
    }
    if (!retry.isEmpty())
        insertAtStart(&pieces, retry, streamStart);
    const SseRecording::Segment &served = m_recording.segments.at(segment);
    const bool cut = served.end == SseRecording::End::Error;
    const auto scaled = [this](qint64 ms) { return qint64(std::llround(double(ms) / m_speed)); };
    QList<ReplayStream::Piece> scheduled;
    scheduled.reserve(pieces.size());
    for (const Piece &piece : std::as_const(pieces))
        scheduled.append({scaled(piece.timeMs), piece.bytes});
    // The response ends when the recorded one did (an open segment: after its last chunk).
    const qint64 endMs = served.end == SseRecording::End::Open
            ? -1
            : scaled(qMax<qint64>(0, served.endMs - since));
    (new ReplayStream(socket, std::move(scheduled), endMs, cut))->start();
    return outcome;
}

ReplayStream::ReplayStream(QTcpSocket *socket, QList<Piece> pieces, qint64 endMs, bool cut)
    : QObject(socket), m_socket(socket), m_pieces(std::move(pieces)), m_endMs(endMs), m_cut(cut)
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
    if (m_next == m_pieces.size() && m_endMs <= now) {
        // The end of the recorded response: a clean end of the body, or, for one that broke,
        // none (the client sees the connection drop in the middle of the body).
        m_socket->write(m_cut ? out : out + "0\r\n\r\n");
        closeGracefully(m_socket);
        return;
    }
    if (!out.isEmpty())
        m_socket->write(out);
    const qint64 due = m_next < m_pieces.size() ? m_pieces.at(m_next).dueMs : m_endMs;
    m_timer.start(int(qMin<qint64>(due - now, 24 * 3600 * 1000)));
}
