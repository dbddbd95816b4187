// SPDX-License-Identifier: BSD-3-Clause
#include "sserecording.h"

#include <QtSse/SseParser>

#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>

using namespace Qt::StringLiterals;

namespace {
constexpr QByteArrayView Magic = "SSE-RECORDING ";
constexpr qsizetype MaxHeadLine = SseRecording::MaxHeadBytes;

// A line shown in an error message: at most 40 bytes, escaped.
QString shown(QByteArrayView line)
{
    QString out;
    for (const char c : line.first(qMin<qsizetype>(line.size(), 40))) {
        if (c >= 0x20 && c < 0x7f)
            out += QLatin1Char(c);
        else
            out += u"\\x%1"_s.arg(uint(uchar(c)), 2, 16, QLatin1Char('0'));
    }
    return line.size() > 40 ? out + u"…"_s : out;
}

// A decimal number without sign or leading junk, as the format writes it.
std::optional<qint64> decimal(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 15)
        return std::nullopt;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}
} // namespace

QByteArray SseRecording::Segment::stream() const
{
    QByteArray all;
    qsizetype size = 0;
    for (const Chunk &c : chunks)
        size += c.bytes.size();
    all.reserve(size);
    for (const Chunk &c : chunks)
        all += c.bytes;
    return all;
}

qint64 SseRecording::durationMs() const
{
    qint64 last = 0;
    for (const Segment &segment : segments) {
        if (!segment.chunks.isEmpty())
            last = qMax(last, segment.chunks.last().timeMs);
        last = qMax(last, segment.endMs);
    }
    return last;
}

qsizetype SseRecording::chunkCount() const
{
    qsizetype count = 0;
    for (const Segment &segment : segments)
        count += segment.chunks.size();
    return count;
}

std::optional<SseRecording> SseRecording::read(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    return parse(data, error);
}

std::optional<SseRecording> SseRecording::parse(QByteArrayView data, QString *error)
{
    auto fail = [error](const QString &why) {
        *error = why;
        return std::nullopt;
    };
    // Line 1: the magic and the version.
    const qsizetype end1 = data.first(qMin(data.size(), MaxHeadLine)).indexOf('\n');
    if (!data.startsWith(Magic) || end1 < 0) {
        return fail(u"not a QtSse recording: it does not start with \"SSE-RECORDING <version>\" "
                    u"(found \"%1\")"_s.arg(shown(data.first(qMax<qsizetype>(
                            0, end1 < 0 ? qMin<qsizetype>(data.size(), 40) : end1)))));
    }
    const std::optional<qint64> version = decimal(data.sliced(Magic.size(), end1 - Magic.size()));
    if (!version)
        return fail(u"not a QtSse recording: bad version \"%1\""_s.arg(
                shown(data.sliced(Magic.size(), end1 - Magic.size()))));
    if (*version < OldestVersion || *version > Version)
        return fail(u"recording format version %1 is not supported (this program reads versions "
                    u"%2 to %3)"_s.arg(*version)
                            .arg(OldestVersion)
                            .arg(Version));
    // Line 2: the head, a JSON object.
    const qsizetype start2 = end1 + 1;
    const qsizetype end2 =
            data.sliced(start2, qMin(data.size() - start2, MaxHeadLine)).indexOf('\n');
    if (end2 < 0)
        return fail(u"truncated: the head (line 2) does not end"_s);
    QJsonParseError jsonError;
    const QJsonDocument head =
            QJsonDocument::fromJson(data.sliced(start2, end2).toByteArray(), &jsonError);
    if (!head.isObject())
        return fail(u"bad head (line 2): %1"_s.arg(jsonError.error != QJsonParseError::NoError
                                                           ? jsonError.errorString()
                                                           : u"not a JSON object"_s));
    SseRecording r;
    r.version = int(*version);
    const QJsonObject object = head.object();
    r.recorded = QDateTime::fromString(object.value(u"recorded"_s).toString(), Qt::ISODateWithMs);
    if (!r.recorded.isValid())
        return fail(u"bad head (line 2): \"recorded\" is not an ISO 8601 time"_s);
    r.recorded = r.recorded.toUTC();
    r.url = QUrl(object.value(u"url"_s).toString());
    r.maxEventSize = qMax<qint64>(0, object.value(u"maxEventSize"_s).toInteger());
    // The chunks: bytes, and (version 2) the ends of responses.
    const QString expected = r.version >= 2
            ? u"expected \"<milliseconds> <length>\" or \"<milliseconds> end "
              u"clean|error|closed\""_s
            : u"expected \"<milliseconds> <length>\""_s;
    qsizetype pos = start2 + end2 + 1;
    qsizetype number = 0;
    qint64 previous = 0;
    Segment *open = nullptr; // the segment that takes the next chunk, made by the first
    while (pos < data.size()) {
        ++number;
        const qsizetype eol =
                data.sliced(pos, qMin<qsizetype>(data.size() - pos, 40)).indexOf('\n');
        if (eol < 0) {
            if (data.size() - pos < 40)
                return fail(
                        u"truncated: chunk %1 (at byte %2) has no complete head"_s.arg(number).arg(
                                pos));
            return fail(u"chunk %1 (at byte %2): %3, got \"%4\""_s.arg(number).arg(pos).arg(
                    expected, shown(data.sliced(pos))));
        }
        const QByteArrayView line = data.sliced(pos, eol);
        const qsizetype space = line.indexOf(' ');
        const std::optional<qint64> time = space > 0 ? decimal(line.first(space)) : std::nullopt;
        const QByteArrayView rest = space > 0 ? line.sliced(space + 1) : QByteArrayView();
        const std::optional<qint64> length = decimal(rest);
        const bool isEnd = r.version >= 2 && rest.startsWith("end ");
        if (!time || (!length && !isEnd))
            return fail(u"chunk %1 (at byte %2): %3, got \"%4\""_s.arg(number).arg(pos).arg(
                    expected, shown(line)));
        if (*time < previous)
            return fail(
                    u"chunk %1 (at byte %2): time %3 ms goes back (the previous chunk is at %4 ms)"_s
                            .arg(number)
                            .arg(pos)
                            .arg(*time)
                            .arg(previous));
        if (isEnd) {
            const QByteArrayView how = rest.sliced(4);
            if (how != "clean" && how != "error" && how != "closed")
                return fail(u"chunk %1 (at byte %2): unknown end \"%3\" (expected clean, error "
                            u"or closed)"_s.arg(number)
                                    .arg(pos)
                                    .arg(shown(how)));
            if (!open)
                open = &r.segments.emplace_back(); // a response that ended without a byte
            open->end = how == "clean" ? End::Clean : how == "error" ? End::Error : End::Closed;
            open->endMs = *time;
            open = nullptr;
            previous = *time;
            pos += eol + 1;
            continue;
        }
        if (*length == 0 || *length > MaxChunkBytes)
            return fail(u"chunk %1 (at byte %2): length %3 is outside 1..%4"_s.arg(number)
                                .arg(pos)
                                .arg(*length)
                                .arg(MaxChunkBytes));
        const qsizetype body = pos + eol + 1;
        if (data.size() - body == *length)
            return fail(u"truncated: chunk %1 (at byte %2) misses the line feed after its bytes"_s
                                .arg(number)
                                .arg(pos));
        if (data.size() - body < *length + 1) {
            return fail(
                    u"truncated: chunk %1 (at byte %2) announces %3 bytes, %4 follow"_s.arg(number)
                            .arg(pos)
                            .arg(*length)
                            .arg(data.size() - body));
        }
        if (data.at(body + *length) != '\n')
            return fail(
                    u"chunk %1 (at byte %2): no line feed after its %3 bytes (a wrong length?)"_s
                            .arg(number)
                            .arg(pos)
                            .arg(*length));
        if (!open)
            open = &r.segments.emplace_back();
        open->chunks.append({*time, data.sliced(body, *length).toByteArray()});
        previous = *time;
        pos = body + *length + 1;
    }
    return r;
}

QList<SseRecordedItem> parseRecordedItems(const SseRecording &recording, QStringList *lastEventIds)
{
    if (lastEventIds)
        lastEventIds->clear();
    QList<SseRecordedItem> items;
    qint64 now = 0;
    qsizetype segment = 0;
    qsizetype endOffset = 0; // in the segment, after the piece being fed
    SseParser parser;
    // The recording client's limit: an event over it ended the response with an error (its
    // bytes are in the recording, the event never reached the client). A head that does not
    // say (version 1, whose writers stored accepted events only) takes any event a chunk holds.
    parser.setMaxEventSize(recording.maxEventSize > 0 ? recording.maxEventSize
                                                      : SseRecording::MaxChunkBytes);
    const auto add = [&](SseRecordedItem item) {
        item.timeMs = now;
        item.segment = segment;
        item.endOffset = endOffset;
        items.append(std::move(item));
    };
    parser.setEventHandler([&](const SseEvent &event) {
        SseRecordedItem item;
        item.kind = SseRecordedItem::Event;
        item.event = event;
        item.bytes = event.data().toUtf8().size();
        add(std::move(item));
    });
    parser.setCommentHandler([&](const QString &comment) {
        SseRecordedItem item;
        item.kind = SseRecordedItem::Comment;
        item.comment = comment;
        add(std::move(item));
    });
    parser.setRetryHandler([&](qint64 ms) {
        SseRecordedItem item;
        item.kind = SseRecordedItem::Retry;
        item.retryMs = ms;
        add(std::move(item));
    });
    for (; segment < recording.segments.size(); ++segment) {
        // A new response: the unfinished event of the last one is dropped, the last event ID
        // stays (as in SseClient).
        parser.reset();
        endOffset = 0;
        qsizetype afterCR = -1; // items completed by a CR that may be the first half of a CRLF
        for (const SseRecording::Chunk &chunk : recording.segments.at(segment).chunks) {
            now = chunk.timeMs;
            // One line at a time (up to and including its CR or LF), so that each item is
            // completed by the last byte fed: its end offset.
            const QByteArrayView bytes = chunk.bytes;
            qsizetype pos = 0;
            while (pos < bytes.size()) {
                if (afterCR >= 0 && bytes.at(pos) == '\n') {
                    for (qsizetype i = afterCR; i < items.size(); ++i)
                        ++items[i].endOffset; // the CRLF's LF belongs to what the CR ended
                }
                qsizetype eol = pos;
                while (eol < bytes.size() && bytes.at(eol) != '\n' && bytes.at(eol) != '\r')
                    ++eol;
                const qsizetype length = (eol < bytes.size() ? eol + 1 : eol) - pos;
                endOffset += length;
                const qsizetype before = items.size();
                parser.feed(bytes.sliced(pos, length));
                pos += length;
                afterCR = bytes.at(pos - 1) == '\r' ? before : -1;
            }
        }
        if (lastEventIds)
            lastEventIds->append(parser.lastEventId());
    }
    parser.finish();
    return items;
}

bool SseRecordingWriter::open(const QString &path, const QUrl &url)
{
    close();
    m_error.clear();
    m_lastTime = 0;
    m_headWritten = false;
    m_maxEventSize = 0;
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail(u"cannot write %1: %2"_s.arg(path, m_file.errorString()));
    m_url = url.adjusted(QUrl::RemoveUserInfo);
    m_recorded = QDateTime::currentDateTimeUtc();
    m_clock.start();
    return true;
}

bool SseRecordingWriter::setUrl(const QUrl &url)
{
    if (m_headWritten)
        return false;
    m_url = url.adjusted(QUrl::RemoveUserInfo);
    return true;
}

bool SseRecordingWriter::setMaxEventSize(qint64 bytes)
{
    if (m_headWritten)
        return false;
    m_maxEventSize = qMax<qint64>(0, bytes);
    return true;
}

bool SseRecordingWriter::writeHead()
{
    if (m_headWritten)
        return true;
    m_headWritten = true;
    QJsonObject head {{u"recorded"_s, m_recorded.toString(Qt::ISODateWithMs)}};
    if (m_maxEventSize > 0)
        head.insert(u"maxEventSize"_s, m_maxEventSize);
    // A reader refuses a head of MaxHeadBytes or more: a URL that would make it that long (a
    // huge query) is stored without its query and fragment, or, still too long, not at all.
    QByteArray json;
    for (const QUrl &url : {m_url, m_url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment)}) {
        if (!url.isEmpty())
            head.insert(u"url"_s, url.toString());
        json = QJsonDocument(head).toJson(QJsonDocument::Compact);
        if (json.size() < MaxHeadLine)
            break;
        head.remove(u"url"_s);
        json = QJsonDocument(head).toJson(QJsonDocument::Compact);
    }
    return write(QByteArray(Magic.toByteArray() + QByteArray::number(SseRecording::Version) + '\n'
                            + json + '\n'));
}

bool SseRecordingWriter::write(QByteArrayView bytes)
{
    if (m_file.write(bytes.data(), bytes.size()) != bytes.size())
        return fail(u"cannot write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return true;
}

bool SseRecordingWriter::appendBytes(QByteArrayView bytes)
{
    return appendBytes(m_clock.isValid() ? m_clock.elapsed() : 0, bytes);
}

bool SseRecordingWriter::appendBytes(qint64 timeMs, QByteArrayView bytes)
{
    if (!m_file.isOpen())
        return false;
    if (!writeHead())
        return false;
    // Long pieces go in several chunks of the same time (a reader refuses larger ones).
    while (!bytes.isEmpty()) {
        const QByteArrayView piece = bytes.first(qMin(bytes.size(), SseRecording::MaxChunkBytes));
        bytes = bytes.sliced(piece.size());
        m_lastTime = qMax(m_lastTime, timeMs); // never back: a reader refuses that
        const QByteArray head =
                QByteArray::number(m_lastTime) + ' ' + QByteArray::number(piece.size()) + '\n';
        if (!write(head) || !write(piece) || !write("\n"))
            return false;
        if (!m_file.flush())
            return fail(u"cannot write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    }
    return true;
}

bool SseRecordingWriter::appendEnd(SseRecording::End how)
{
    return appendEnd(m_clock.isValid() ? m_clock.elapsed() : 0, how);
}

bool SseRecordingWriter::appendEnd(qint64 timeMs, SseRecording::End how)
{
    if (!m_file.isOpen() || how == SseRecording::End::Open)
        return false;
    if (!writeHead())
        return false;
    m_lastTime = qMax(m_lastTime, timeMs);
    QByteArrayView kind = " end clean\n";
    if (how == SseRecording::End::Error)
        kind = " end error\n";
    else if (how == SseRecording::End::Closed)
        kind = " end closed\n";
    const QByteArray record = QByteArray::number(m_lastTime) + kind;
    if (!write(record))
        return false;
    if (!m_file.flush())
        return fail(u"cannot write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return true;
}

bool SseRecordingWriter::close()
{
    if (!m_file.isOpen())
        return m_error.isEmpty();
    if (!writeHead())
        return false;
    const bool flushed = m_file.flush();
    m_file.close();
    if (!flushed)
        return fail(u"cannot write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return m_error.isEmpty();
}

bool SseRecordingWriter::fail(const QString &error)
{
    m_error = error;
    if (m_file.isOpen())
        m_file.close();
    return false;
}
