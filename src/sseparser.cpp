// SPDX-License-Identifier: BSD-3-Clause
#include "sseparser.h"
#include "sseutf8_p.h"

#include <QtCore/qscopeguard.h>

#include <cstring>
#include <limits>

/*!
    \class SseParser
    \brief The incremental \c text/event-stream parser of the WHATWG HTML standard.

    Feed it the bytes of one response in chunks of any size with feed(); it calls the event
    handler once per dispatched event, in order, with the same result for any chunking. It knows
    nothing of the network: bytes from a QProcess, a recorded file or a socket work alike.

    It implements the standard's "event stream interpretation": UTF-8 decoding per the Encoding
    standard (one U+FFFD per maximal invalid subpart), one leading BOM ignored, CRLF/LF/CR line
    endings (also a CRLF split across chunks), comments reported to the comment handler, the
    \c data, \c event, \c id and \c retry fields, and an unfinished event discarded at the end.

    Memory is bounded: a line, or the data of one event, longer than maxEventSize() puts the
    parser in the EventTooLarge error state, drops what it buffered, and ignores further input
    until reset().

    Lines are found with memchr and decoded to QString only when an event is complete; a line
    that lies within one chunk is never copied.
*/

namespace {

constexpr char Bom[3] = {'\xEF', '\xBB', '\xBF'};
// A buffer that grew beyond this is released rather than kept for reuse, so that thousands of
// idle streams do not each hold the memory of their largest event.
constexpr qsizetype KeepCapacity = 64 * 1024;
// A data line at least this long, arriving in pieces, is adopted as the data buffer instead of
// copied into it.
constexpr qsizetype AdoptLineSize = 4096;

void recycle(QByteArray &buffer)
{
    if (buffer.capacity() > KeepCapacity)
        buffer = QByteArray();
    else
        buffer.resize(0);
}

const QString &messageType()
{
    static const QString type = QStringLiteral("message");
    return type;
}

} // namespace

SseParser::SseParser() = default;

SseParser::SseParser(EventHandler onEvent) : m_onEvent(std::move(onEvent)) { }

SseParser::~SseParser()
{
    if (m_alive)
        *m_alive = false; // destroyed inside a handler: tell feed() to stop touching members
}

void SseParser::setEventHandler(EventHandler handler)
{
    m_onEvent = std::move(handler);
}

void SseParser::setCommentHandler(CommentHandler handler)
{
    m_onComment = std::move(handler);
}

void SseParser::setRetryHandler(RetryHandler handler)
{
    m_onRetry = std::move(handler);
}

void SseParser::setLastEventId(const QString &id)
{
    m_lastEventId = id;
    m_lastEventIdBytes = id.toUtf8();
    m_idBuffer = m_lastEventIdBytes;
}

void SseParser::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = qMax<qsizetype>(1, bytes);
}

QString SseParser::errorString() const
{
    switch (m_error) {
    case Error::NoError:
        return QString();
    case Error::EventTooLarge:
        return QStringLiteral("An event or line exceeds the maximum event size of %1 bytes")
                .arg(m_maxEventSize);
    }
    return QString();
}

qsizetype SseParser::bufferedBytes() const
{
    return m_line.size() + m_bomBytes.size() + (m_haveData ? m_data.size() - m_dataOffset : 0);
}

bool SseParser::fail(Error error)
{
    m_error = error;
    m_line = QByteArray();
    m_data = QByteArray();
    m_dataOffset = 0;
    m_haveData = false;
    return false;
}

void SseParser::finish()
{
    // Any pending data is discarded, and so is an id: field of the unfinished event: it was
    // never dispatched, so it must not be sent as Last-Event-ID.
    recycle(m_line);
    recycle(m_data);
    m_dataOffset = 0;
    m_haveData = false;
    m_eventType.resize(0);
    m_idBuffer = m_lastEventIdBytes;
    m_bomBytes.clear();
    m_lastWasCR = false;
}

void SseParser::reset()
{
    finish();
    m_bomChecked = false;
    m_error = Error::NoError;
    m_interrupted = true; // a feed() in progress (reset from a handler) stops at once
}

bool SseParser::feed(QByteArrayView chunk)
{
    if (m_error != Error::NoError)
        return false;
    const char *p = chunk.data();
    const char *const end = p + chunk.size();

    bool alive = true;
    bool *const outerAlive = m_alive;
    m_alive = &alive;
    m_interrupted = false;
    auto restore = qScopeGuard([&] {
        if (alive)
            m_alive = outerAlive;
        else if (outerAlive)
            *outerAlive = false;
    });

    if (!m_bomChecked) {
        // One leading U+FEFF (EF BB BF) is dropped, also when its bytes arrive in pieces.
        while (p < end && m_bomBytes.size() < 3) {
            m_bomBytes.append(*p++);
            if (m_bomBytes.back() != Bom[m_bomBytes.size() - 1])
                break;
        }
        const bool prefix = std::memcmp(m_bomBytes.constData(), Bom, m_bomBytes.size()) == 0;
        if (prefix && m_bomBytes.size() < 3)
            return true; // p == end: wait for more
        m_bomChecked = true;
        const QByteArray pending = std::exchange(m_bomBytes, QByteArray());
        if (!prefix) {
            feedLines(pending.constData(), pending.constData() + pending.size(), alive);
            if (!alive || m_interrupted || m_error != Error::NoError)
                return alive && m_error == Error::NoError;
        }
    }
    feedLines(p, end, alive);
    return alive && m_error == Error::NoError;
}

bool SseParser::appendPartialLine(const char *p, qsizetype len)
{
    if (m_line.size() + len > m_maxEventSize)
        return fail(Error::EventTooLarge);
    m_line.append(p, len);
    return true;
}

void SseParser::feedLines(const char *p, const char *const end, const bool &alive)
{
    if (p == end)
        return;
    if (m_lastWasCR) {
        m_lastWasCR = false;
        if (*p == '\n')
            ++p; // the LF of a CRLF split across chunks
    }
    const char *cr = nullptr; // the next CR at or after p, or end; found lazily
    while (p < end) {
        if (!cr || cr < p) {
            cr = static_cast<const char *>(std::memchr(p, '\r', end - p));
            if (!cr)
                cr = end;
        }
        const char *lf = static_cast<const char *>(std::memchr(p, '\n', cr - p));
        const char *const eol = lf ? lf : cr;
        if (eol == end) {
            appendPartialLine(p, end - p);
            return;
        }
        if (m_line.isEmpty()) {
            if (eol - p > m_maxEventSize) {
                fail(Error::EventTooLarge);
                return;
            }
            processLine(p, eol - p, false);
        } else {
            if (!appendPartialLine(p, eol - p))
                return;
            processLine(m_line.constData(), m_line.size(), true);
            if (alive)
                recycle(m_line);
        }
        if (!alive || m_interrupted || m_error != Error::NoError)
            return;
        p = eol + 1;
        if (*eol == '\r') {
            if (p == end)
                m_lastWasCR = true;
            else if (*p == '\n')
                ++p;
        }
    }
}

void SseParser::processLine(const char *line, qsizetype len, bool fromLineBuffer)
{
    if (len == 0) {
        dispatch();
        return;
    }
    if (line[0] == ':') {
        if (m_onComment)
            m_onComment(QtSsePrivate::decodeUtf8(line + 1, len - 1));
        return;
    }
    const char *colon = static_cast<const char *>(std::memchr(line, ':', len));
    const char *value = line + len;
    qsizetype nameLen = len;
    if (colon) {
        nameLen = colon - line;
        value = colon + 1;
        if (value < line + len && *value == ' ')
            ++value;
    }
    processField(line, nameLen, value, line + len - value, fromLineBuffer, value - line);
}

void SseParser::processField(const char *name, qsizetype nameLen, const char *value,
                             qsizetype valueLen, bool fromLineBuffer, qsizetype valueOffset)
{
    switch (nameLen) {
    case 4:
        if (std::memcmp(name, "data", 4) != 0)
            return;
        if (!m_haveData) {
            m_haveData = true;
            if (fromLineBuffer && valueLen >= AdoptLineSize) {
                m_data.swap(m_line); // m_line is emptied by the caller
                m_dataOffset = valueOffset;
            } else {
                m_data.append(value, valueLen);
                m_dataOffset = 0;
            }
            return;
        }
        if (m_data.size() - m_dataOffset + 1 + valueLen > m_maxEventSize) {
            fail(Error::EventTooLarge);
            return;
        }
        m_data.append('\n');
        m_data.append(value, valueLen);
        return;
    case 5:
        if (std::memcmp(name, "event", 5) == 0) {
            m_eventType.resize(0);
            m_eventType.append(value, valueLen);
        } else if (std::memcmp(name, "retry", 5) == 0 && valueLen > 0) {
            qint64 ms = 0;
            for (qsizetype i = 0; i < valueLen; ++i) {
                const char c = value[i];
                if (c < '0' || c > '9')
                    return; // only ASCII digits, else the field is ignored
                ms = qMin<qint64>(ms * 10 + (c - '0'), std::numeric_limits<qint32>::max());
            }
            if (m_onRetry)
                m_onRetry(ms);
        }
        return;
    case 2:
        if (std::memcmp(name, "id", 2) == 0 && !std::memchr(value, '\0', valueLen)) {
            m_idBuffer.resize(0);
            m_idBuffer.append(value, valueLen);
        }
        return;
    default:
        return; // unknown fields are ignored
    }
}

void SseParser::dispatch()
{
    if (m_idBuffer != m_lastEventIdBytes) {
        m_lastEventIdBytes = m_idBuffer;
        m_lastEventId = QtSsePrivate::decodeUtf8(m_idBuffer.constData(), m_idBuffer.size());
    }
    if (!m_haveData) {
        m_eventType.resize(0);
        return;
    }
    QString type;
    if (m_eventType.isEmpty()) {
        type = messageType();
    } else {
        if (m_eventType != m_cachedTypeBytes) {
            m_cachedTypeBytes = m_eventType;
            m_cachedType = QtSsePrivate::decodeUtf8(m_eventType.constData(), m_eventType.size());
        }
        type = m_cachedType;
    }
    QString data = QtSsePrivate::decodeUtf8(m_data.constData() + m_dataOffset,
                                            m_data.size() - m_dataOffset);
    recycle(m_data);
    m_dataOffset = 0;
    m_haveData = false;
    m_eventType.resize(0);
    if (m_onEvent)
        m_onEvent(SseEvent(std::move(type), std::move(data), m_lastEventId));
}

QList<SseEvent> SseParser::parseAll(QByteArrayView stream, QString *lastEventId)
{
    QList<SseEvent> events;
    SseParser parser([&events](const SseEvent &event) { events.append(event); });
    parser.feed(stream);
    parser.finish();
    if (lastEventId)
        *lastEventId = parser.lastEventId();
    return events;
}
