// SPDX-License-Identifier: BSD-3-Clause
#include "sserecording.h"

#include <QtSse/SseParser>

#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>

using namespace Qt::StringLiterals;

namespace {
constexpr QByteArrayView Magic = "SSE-RECORDING ";
constexpr qsizetype MaxHeadLine = 64 * 1024;

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

QByteArray SseRecording::stream() const
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
    if (*version != Version)
        return fail(
                u"recording format version %1 is not supported (this program reads version %2)"_s
                        .arg(*version)
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
    const QJsonObject object = head.object();
    r.recorded = QDateTime::fromString(object.value(u"recorded"_s).toString(), Qt::ISODateWithMs);
    if (!r.recorded.isValid())
        return fail(u"bad head (line 2): \"recorded\" is not an ISO 8601 time"_s);
    r.recorded = r.recorded.toUTC();
    r.url = QUrl(object.value(u"url"_s).toString());
    // The chunks.
    qsizetype pos = start2 + end2 + 1;
    qint64 previous = 0;
    while (pos < data.size()) {
        const qsizetype number = r.chunks.size() + 1;
        const qsizetype eol =
                data.sliced(pos, qMin<qsizetype>(data.size() - pos, 40)).indexOf('\n');
        if (eol < 0) {
            if (data.size() - pos < 40)
                return fail(
                        u"truncated: chunk %1 (at byte %2) has no complete head"_s.arg(number).arg(
                                pos));
            return fail(u"chunk %1 (at byte %2): expected \"<milliseconds> <length>\", got \"%3\""_s
                                .arg(number)
                                .arg(pos)
                                .arg(shown(data.sliced(pos))));
        }
        const QByteArrayView line = data.sliced(pos, eol);
        const qsizetype space = line.indexOf(' ');
        const std::optional<qint64> time = space > 0 ? decimal(line.first(space)) : std::nullopt;
        const std::optional<qint64> length =
                space > 0 ? decimal(line.sliced(space + 1)) : std::nullopt;
        if (!time || !length) {
            return fail(u"chunk %1 (at byte %2): expected \"<milliseconds> <length>\", got \"%3\""_s
                                .arg(number)
                                .arg(pos)
                                .arg(shown(line)));
        }
        if (*length == 0 || *length > MaxChunkBytes)
            return fail(u"chunk %1 (at byte %2): length %3 is outside 1..%4"_s.arg(number)
                                .arg(pos)
                                .arg(*length)
                                .arg(MaxChunkBytes));
        if (*time < previous)
            return fail(
                    u"chunk %1 (at byte %2): time %3 ms goes back (the previous chunk is at %4 ms)"_s
                            .arg(number)
                            .arg(pos)
                            .arg(*time)
                            .arg(previous));
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
        r.chunks.append({*time, data.sliced(body, *length).toByteArray()});
        previous = *time;
        pos = body + *length + 1;
    }
    return r;
}

QList<SseRecordedItem> parseRecordedItems(const SseRecording &recording)
{
    QList<SseRecordedItem> items;
    qint64 now = 0;
    SseParser parser;
    // A recording is what a client kept: whatever its size, every event in it was accepted.
    parser.setMaxEventSize(SseRecording::MaxChunkBytes);
    parser.setEventHandler([&](const SseEvent &event) {
        SseRecordedItem item;
        item.kind = SseRecordedItem::Event;
        item.timeMs = now;
        item.event = event;
        item.bytes = event.data().toUtf8().size();
        items.append(std::move(item));
    });
    parser.setCommentHandler([&](const QString &comment) {
        SseRecordedItem item;
        item.kind = SseRecordedItem::Comment;
        item.timeMs = now;
        item.comment = comment;
        items.append(std::move(item));
    });
    parser.setRetryHandler([&](qint64 ms) {
        SseRecordedItem item;
        item.kind = SseRecordedItem::Retry;
        item.timeMs = now;
        item.retryMs = ms;
        items.append(std::move(item));
    });
    for (const SseRecording::Chunk &chunk : recording.chunks) {
        now = chunk.timeMs;
        parser.feed(chunk.bytes);
    }
    parser.finish();
    return items;
}

bool SseRecordingWriter::open(const QString &path, const QUrl &url)
{
    close();
    m_error.clear();
    m_lastEventId.clear();
    m_lastTime = 0;
    m_events = 0;
    m_headWritten = false;
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

bool SseRecordingWriter::writeHead()
{
    if (m_headWritten)
        return true;
    m_headWritten = true;
    QJsonObject head {{u"recorded"_s, m_recorded.toString(Qt::ISODateWithMs)}};
    if (!m_url.isEmpty())
        head.insert(u"url"_s, m_url.toString());
    const QByteArray bytes = Magic.toByteArray() + QByteArray::number(SseRecording::Version) + '\n'
            + QJsonDocument(head).toJson(QJsonDocument::Compact) + '\n';
    if (m_file.write(bytes) != bytes.size())
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
        if (m_file.write(head) != head.size()
            || m_file.write(piece.data(), piece.size()) != piece.size()
            || m_file.write("\n", 1) != 1 || !m_file.flush())
            return fail(u"cannot write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    }
    return true;
}

QByteArray SseRecordingWriter::encodeEvent(const SseEvent &event, QString *lastEventId)
{
    QByteArray out;
    if (event.lastEventId() != *lastEventId) {
        *lastEventId = event.lastEventId();
        out += "id: " + lastEventId->toUtf8() + '\n';
    }
    if (event.type() != QLatin1String("message"))
        out += "event: " + event.type().toUtf8() + '\n';
    // The parser joined the data: lines with LF, and no line ending survives inside one.
    const QByteArray data = event.data().toUtf8();
    qsizetype start = 0;
    while (true) {
        const qsizetype lf = data.indexOf('\n', start);
        out += "data: " + QByteArrayView(data).sliced(start, (lf < 0 ? data.size() : lf) - start)
                + '\n';
        if (lf < 0)
            break;
        start = lf + 1;
    }
    out += '\n';
    return out;
}

bool SseRecordingWriter::appendEvent(const SseEvent &event)
{
    if (!m_file.isOpen())
        return false;
    ++m_events;
    return appendBytes(encodeEvent(event, &m_lastEventId));
}

bool SseRecordingWriter::appendComment(const QString &comment)
{
    return appendBytes(QByteArray(':' + comment.toUtf8() + '\n'));
}

bool SseRecordingWriter::appendRetry(qint64 milliseconds)
{
    return appendBytes(QByteArray("retry: " + QByteArray::number(milliseconds) + '\n'));
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
