// SPDX-License-Identifier: BSD-3-Clause
#include "sseparser.h"
#include "sseutf8_p.h"

#include <QtCore/qalgorithms.h>
#include <QtCore/qscopeguard.h>

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif

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

    Lines are found with one SIMD scan for CR and LF and decoded to QString only when an event
    is complete; a line that lies within one chunk is never copied, and an event whose only data
    line lies within the chunk is decoded straight from it. A long data line that spans chunks
    is decoded as it arrives, in the same pass that looks for its end. The ID, type and data
    QStrings of an event reuse the buffers of the previous event's once its handler let go of
    it, so that a stream of small events costs no allocation per event.
*/

namespace {

constexpr char Bom[3] = {'\xEF', '\xBB', '\xBF'};
// While a stream is busy its buffers keep their capacity from line to line and event to event.
// A buffer that grew beyond this is released when feed() returns with nothing buffered (and by
// finish()), so that thousands of idle streams do not each hold the memory of their largest
// event. (An idle parser keeps at most the data of its last event if that was small, see
// RecycleDataSize.)
constexpr qsizetype KeepCapacity = 64 * 1024;
// A data line at least this long, arriving in pieces, is adopted as the data buffer instead of
// copied into it.
constexpr qsizetype AdoptLineSize = 4096;
// A data line that reaches this length at the end of a chunk is decoded as it arrives rather
// than collected (see SseParser::startStreaming()).
constexpr qsizetype StreamLineSize = 4096;
// The decoded data of an event up to this size is written into the buffer of the previous
// event's data when the handler released that (see SseParser::takeData()).
constexpr qsizetype RecycleDataSize = 4096;

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

// Copying and comparing the few bytes of an ID or event type without a call into libc: two
// overlapping loads cover 4 to 16 bytes.
template<typename Word> inline Word loadWord(const char *p)
{
    Word w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

inline void copyBytes(char *to, const char *from, qsizetype n)
{
    if (n >= 8 && n <= 16) {
        const auto head = loadWord<quint64>(from);
        const auto tail = loadWord<quint64>(from + n - 8);
        std::memcpy(to, &head, 8);
        std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4 && n < 8) {
        const auto head = loadWord<quint32>(from);
        const auto tail = loadWord<quint32>(from + n - 4);
        std::memcpy(to, &head, 4);
        std::memcpy(to + n - 4, &tail, 4);
    } else if (n < 4) {
        for (qsizetype i = 0; i < n; ++i)
            to[i] = from[i];
    } else {
        std::memcpy(to, from, n);
    }
}

inline bool equalBytes(const char *a, const char *b, qsizetype n)
{
    if (n >= 8 && n <= 16) {
        return loadWord<quint64>(a) == loadWord<quint64>(b)
                && loadWord<quint64>(a + n - 8) == loadWord<quint64>(b + n - 8);
    }
    if (n >= 4 && n < 8) {
        return loadWord<quint32>(a) == loadWord<quint32>(b)
                && loadWord<quint32>(a + n - 4) == loadWord<quint32>(b + n - 4);
    }
    if (n < 4) {
        for (qsizetype i = 0; i < n; ++i) {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }
    return std::memcmp(a, b, n) == 0;
}

inline bool containsNul(const char *p, qsizetype n)
{
    constexpr quint64 Ones = 0x0101010101010101ULL;
    constexpr quint64 Highs = 0x8080808080808080ULL;
    auto zero64 = [](quint64 v) { return ((v - Ones) & ~v & Highs) != 0; };
    auto zero32 = [](quint32 v) { return ((v - 0x01010101U) & ~v & 0x80808080U) != 0; };
    if (n >= 8 && n <= 16)
        return zero64(loadWord<quint64>(p)) || zero64(loadWord<quint64>(p + n - 8));
    if (n >= 4 && n < 8)
        return zero32(loadWord<quint32>(p)) || zero32(loadWord<quint32>(p + n - 4));
    if (n < 4) {
        for (qsizetype i = 0; i < n; ++i) {
            if (p[i] == '\0')
                return true;
        }
        return false;
    }
    return std::memchr(p, '\0', n) != nullptr;
}

template<qsizetype N>
inline void setBytes(QVarLengthArray<char, N> &to, const char *bytes, qsizetype size)
{
    to.resize(size);
    copyBytes(to.data(), bytes, size);
}

template<qsizetype N>
inline bool sameBytes(const QVarLengthArray<char, N> &a, const QVarLengthArray<char, N> &b)
{
    return a.size() == b.size() && equalBytes(a.constData(), b.constData(), a.size());
}

// The first CR or LF in [p, end), or end.
inline const char *findLineEnd(const char *p, const char *const end)
{
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    auto matches = [&](const char *at) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(at));
        return _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
    };
    if (end - p >= 16) {
        if (const int m = _mm_movemask_epi8(matches(p)))
            return p + qCountTrailingZeroBits(unsigned(m));
        p += 16;
    }
    for (; end - p >= 64; p += 64) { // a long line
        const __m128i any = _mm_or_si128(_mm_or_si128(matches(p), matches(p + 16)),
                                         _mm_or_si128(matches(p + 32), matches(p + 48)));
        if (_mm_movemask_epi8(any))
            break;
    }
    for (; end - p >= 16; p += 16) {
        if (const int m = _mm_movemask_epi8(matches(p)))
            return p + qCountTrailingZeroBits(unsigned(m));
    }
#endif
    for (; p < end; ++p) {
        if (*p == '\n' || *p == '\r')
            return p;
    }
    return end;
}

} // namespace

// The data buffer of an event with a long data line: that line is decoded chunk by chunk as it
// arrives, in one pass over the bytes, instead of being collected in m_line and decoded at the
// end. Decoding line by line gives the same text as decoding the joined lines at dispatch: LF
// ends any unfinished UTF-8 sequence either way.
struct SseParser::TextData
{
    // The data buffer decoded: the data lines before the long one, LF, and the long one (so
    // far); m_data holds the data lines after it, each with its LF in front.
    QString text;
    qsizetype bytes = 0; // the bytes of the data buffer in text, excluding a line still streaming
    qsizetype lineBytes = 0; // the bytes of the line being streamed, field name included
    qsizetype valueBytes = 0; // ... of its value
    qsizetype sizeHint = 0; // the length of the last text dispatched, reserved for the next
    QtSsePrivate::Utf8DecoderState utf8;
    bool streaming = false; // the line continues in the next chunk
    bool haveText = false;
};

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
    const QByteArray utf8 = id.toUtf8();
    setBytes(m_lastEventIdBytes, utf8.constData(), utf8.size());
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
    const qsizetype streamed = m_text && m_text->streaming ? m_text->lineBytes : 0;
    return m_line.size() + streamed + m_bomBytes.size() + (m_haveData ? dataSize() : 0);
}

// The size of the data buffer in bytes, its LFs included.
qsizetype SseParser::dataSize() const
{
    const qsizetype bytes = m_dataView ? m_dataViewSize : m_data.size() - m_dataOffset;
    return m_text && m_text->haveText ? m_text->bytes + bytes : bytes;
}

bool SseParser::fail(Error error)
{
    m_error = error;
    m_line = QByteArray();
    m_data = QByteArray();
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
    m_text.reset();
    m_haveData = false;
    return false;
}

// The data view must not outlive the chunk: copy it before feedLines() returns.
void SseParser::materializeData()
{
    m_data.append(m_dataView, m_dataViewSize);
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
}

// Within a feed() the buffers keep their capacity; a stream with nothing buffered between two
// feeds gives large ones back.
void SseParser::releaseIdleBuffers()
{
    if (!m_line.isEmpty() || m_haveData || (m_text && m_text->streaming))
        return;
    m_text.reset();
    if (m_line.capacity() > KeepCapacity)
        m_line = QByteArray();
    if (m_data.capacity() > KeepCapacity)
        m_data = QByteArray();
}

void SseParser::finish()
{
    // Any pending data is discarded, and so is an id: field of the unfinished event: it was
    // never dispatched, so it must not be sent as Last-Event-ID.
    recycle(m_line);
    recycle(m_data);
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
    m_text.reset();
    m_spareData = QString();
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
    // A handler that called reset() and then feeds the new stream: the feed() that called the
    // handler must still stop when this one returns, or it would parse the rest of its chunk,
    // from the old stream, into the new one.
    const bool outerInterrupted = outerAlive && m_interrupted;
    m_interrupted = false;
    auto restore = qScopeGuard([&] {
        if (alive) {
            m_alive = outerAlive;
            m_interrupted = m_interrupted || outerInterrupted;
        } else if (outerAlive) {
            *outerAlive = false;
        }
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
    if (!alive)
        return false;
    releaseIdleBuffers();
    return m_error == Error::NoError;
}

bool SseParser::appendPartialLine(const char *p, qsizetype len)
{
    if (m_line.size() + len > m_maxEventSize)
        return fail(Error::EventTooLarge);
    m_line.append(p, len);
    return true;
}

// [p, end) ends the chunk in the middle of a line (which begins with m_line).
bool SseParser::bufferPartialLine(const char *p, const char *end)
{
    const qsizetype len = end - p;
    if (m_line.size() + len > m_maxEventSize)
        return fail(Error::EventTooLarge);
    if (m_line.size() + len >= StreamLineSize) {
        char head[5];
        const qsizetype fromLine = qMin<qsizetype>(m_line.size(), 5);
        std::memcpy(head, m_line.constData(), fromLine);
        std::memcpy(head + fromLine, p, 5 - fromLine);
        if (std::memcmp(head, "data:", 5) == 0)
            return startStreaming(p, end);
    }
    m_line.append(p, len);
    return true;
}

// A long data line, m_line + [p, end), continues past the chunk: from now on it is decoded as
// it arrives (see TextData), which spares collecting its bytes and reading them again.
bool SseParser::startStreaming(const char *p, const char *end)
{
    if (!m_text)
        m_text = std::make_unique<TextData>();
    TextData &t = *m_text;
    const qsizetype lineSize = m_line.size();
    // The value follows "data:" and an optional space; the line has at least StreamLineSize bytes.
    const char afterColon = lineSize > 5 ? m_line.at(5) : p[5 - lineSize];
    const qsizetype skip = afterColon == ' ' ? 6 : 5;
    t.lineBytes = lineSize + (end - p);
    t.valueBytes = t.lineBytes - skip;
    t.streaming = true;
    t.utf8 = QtSsePrivate::Utf8DecoderState();

    if (m_haveData) {
        // The data lines so far are decoded, then the LF that joins this one.
        const qsizetype bytes = dataSize();
        const char *data = m_dataView ? m_dataView : m_data.constData() + m_dataOffset;
        const qsizetype size = m_dataView ? m_dataViewSize : m_data.size() - m_dataOffset;
        if (t.haveText)
            t.text.append(QtSsePrivate::decodeUtf8(data, size));
        else
            t.text = QtSsePrivate::decodeUtf8(data, size);
        t.text.append(u'\n');
        t.bytes = bytes;
        if (!m_data.isEmpty())
            m_data.resize(0);
        m_dataOffset = 0;
        m_dataView = nullptr;
        m_dataViewSize = 0;
    } else {
        t.text.clear();
        t.bytes = 0;
    }
    t.haveText = true;

    const qsizetype base = t.text.size();
    const qsizetype room = t.valueBytes + 2; // see decodeUtf8Line()
    t.text.reserve(qMax(t.sizeHint + 2, base + room));
    t.text.resize(base + room);
    char16_t *const begin = reinterpret_cast<char16_t *>(t.text.data());
    char16_t *out = begin + base;
    if (lineSize > skip)
        QtSsePrivate::decodeUtf8Line(t.utf8, m_line.constData() + skip,
                                     m_line.constData() + lineSize, out);
    QtSsePrivate::decodeUtf8Line(t.utf8, p + qMax<qsizetype>(0, skip - lineSize), end, out);
    t.text.resize(out - begin);
    m_line.resize(0);
    return true;
}

// The next bytes of a streamed data line. Returns where the line ends (end if it does not), or
// nullptr on error.
const char *SseParser::continueStreaming(const char *p, const char *end)
{
    TextData &t = *m_text;
    const qsizetype base = t.text.size();
    qsizetype room = (end - p) + 2; // see decodeUtf8Line() and finishUtf8()
    if (base + room > t.text.capacity()) {
        // Before growing the text, see whether the line needs it: it may end in this chunk.
        room = (findLineEnd(p, end) - p) + 2;
    }
    t.text.resize(base + room);
    char16_t *const begin = reinterpret_cast<char16_t *>(t.text.data());
    char16_t *out = begin + base;
    const char *const eol = QtSsePrivate::decodeUtf8Line(t.utf8, p, end, out);
    if (t.lineBytes + (eol - p) > m_maxEventSize) {
        fail(Error::EventTooLarge);
        return nullptr;
    }
    t.lineBytes += eol - p;
    t.valueBytes += eol - p;
    if (eol != end) {
        // The line is complete: as processField() does with a data line.
        QtSsePrivate::finishUtf8(t.utf8, out);
        t.streaming = false;
        if (m_haveData) {
            if (t.bytes + 1 + t.valueBytes > m_maxEventSize) {
                fail(Error::EventTooLarge);
                return nullptr;
            }
            t.bytes += 1 + t.valueBytes;
        } else {
            t.bytes = t.valueBytes;
            m_haveData = true;
        }
    }
    t.text.resize(out - begin);
    return eol;
}

// The data buffer decoded, for dispatch.
QString SseParser::takeData()
{
    const char *bytes = m_dataView ? m_dataView : m_data.constData() + m_dataOffset;
    const qsizetype size = m_dataView ? m_dataViewSize : m_data.size() - m_dataOffset;
    if (!m_text || !m_text->haveText) {
        if (size > RecycleDataSize)
            return QtSsePrivate::decodeUtf8(bytes, size);
        // Most handlers let go of an event when they return: then the data QString of the last
        // one is no longer shared and its buffer is reused, which saves an allocation and a
        // free per event. A handler that kept the event keeps its data: assignUtf8() sees that
        // the buffer is shared and allocates another.
        QtSsePrivate::assignUtf8(m_spareData, bytes, size);
        return m_spareData;
    }
    QString data = std::exchange(m_text->text, QString());
    if (size)
        data.append(QtSsePrivate::decodeUtf8(bytes, size));
    m_text->sizeHint = data.size();
    if (data.capacity() - data.size() > KeepCapacity)
        data.squeeze(); // the event does not keep what was reserved for a longer one
    return data;
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
    if (m_text && m_text->streaming) {
        const char *const eol = continueStreaming(p, end);
        if (!eol || eol == end)
            return;
        p = eol + 1;
        if (*eol == '\r') {
            if (p == end)
                m_lastWasCR = true;
            else if (*p == '\n')
                ++p;
        }
    }
    while (p < end) {
        const char *const eol = findLineEnd(p, end);
        if (eol == end) {
            if (!bufferPartialLine(p, end))
                return;
            break;
        }
        if (m_line.isEmpty()) {
            const qsizetype len = eol - p;
            if (len > m_maxEventSize) {
                fail(Error::EventTooLarge);
                return;
            }
            // The common lines are handled here, as processLine() and processField() would.
            if (len == 0) {
                dispatch();
            } else if (!m_haveData && len >= 5 && std::memcmp(p, "data:", 5) == 0) {
                // The first data line of an event: not copied (see processField).
                const char *value = p + 5;
                if (value < eol && *value == ' ')
                    ++value;
                m_haveData = true;
                m_dataOffset = 0;
                m_dataView = value;
                m_dataViewSize = eol - value;
                p = eol + 1;
                if (*eol == '\r') {
                    if (p == end)
                        m_lastWasCR = true;
                    else if (*p == '\n')
                        ++p;
                }
                continue; // no handler ran
            } else if (len >= 3 && p[0] == 'i' && p[1] == 'd' && p[2] == ':') {
                const char *value = p + 3;
                if (value < eol && *value == ' ')
                    ++value;
                if (!containsNul(value, eol - value))
                    setBytes(m_idBuffer, value, eol - value);
                p = eol + 1;
                if (*eol == '\r') {
                    if (p == end)
                        m_lastWasCR = true;
                    else if (*p == '\n')
                        ++p;
                }
                continue; // no handler ran
            } else {
                processLine(p, len, false);
            }
        } else {
            if (!appendPartialLine(p, eol - p))
                return;
            processLine(m_line.constData(), m_line.size(), true);
            // After a reset() from a handler m_line is already empty, or holds the start of
            // the new stream (fed from the handler).
            if (alive && !m_interrupted)
                m_line.resize(0);
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
    if (m_dataView)
        materializeData();
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
    // The common field names are recognized without a search: none of them has a colon.
    const char *colon;
    if (len > 4 && line[4] == ':' && std::memcmp(line, "data", 4) == 0)
        colon = line + 4;
    else if (len > 2 && line[2] == ':' && line[0] == 'i' && line[1] == 'd')
        colon = line + 2;
    else
        colon = static_cast<const char *>(std::memchr(line, ':', len));
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
            m_dataOffset = 0;
            if (!fromLineBuffer) {
                // Most events have one data line: it is not copied while it lies in the chunk.
                m_dataView = value;
                m_dataViewSize = valueLen;
            } else if (valueLen >= AdoptLineSize) {
                m_data.swap(m_line); // m_line is emptied by the caller
                m_dataOffset = valueOffset;
            } else {
                m_data.append(value, valueLen);
            }
            return;
        }
        if (dataSize() + 1 + valueLen > m_maxEventSize) {
            fail(Error::EventTooLarge);
            return;
        }
        if (m_dataView)
            materializeData();
        m_data.append('\n');
        m_data.append(value, valueLen);
        return;
    case 5:
        if (std::memcmp(name, "event", 5) == 0) {
            setBytes(m_eventType, value, valueLen);
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
        if (std::memcmp(name, "id", 2) == 0 && !containsNul(value, valueLen))
            setBytes(m_idBuffer, value, valueLen);
        return;
    default:
        return; // unknown fields are ignored
    }
}

// The data and event type buffers are emptied; they keep their capacity (see KeepCapacity).
inline void SseParser::clearEvent()
{
    if (m_text && m_text->haveText) {
        m_text->text.clear();
        m_text->bytes = 0;
        m_text->haveText = false;
    }
    if (!m_data.isEmpty())
        m_data.resize(0);
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
    m_haveData = false;
    m_eventType.clear();
}

void SseParser::dispatch()
{
    if (!sameBytes(m_lastEventIdBytes, m_idBuffer)) {
        setBytes(m_lastEventIdBytes, m_idBuffer.constData(), m_idBuffer.size());
        // Reuses the buffer of the previous ID when no event holds it any more.
        QtSsePrivate::assignUtf8(m_lastEventId, m_idBuffer.constData(), m_idBuffer.size());
    }
    if (!m_haveData || !m_onEvent) {
        clearEvent();
        return;
    }
    const bool typed = !m_eventType.isEmpty();
    if (typed && !sameBytes(m_cachedTypeBytes, m_eventType)) {
        setBytes(m_cachedTypeBytes, m_eventType.constData(), m_eventType.size());
        m_cachedType = QtSsePrivate::decodeUtf8(m_eventType.constData(), m_eventType.size());
    }
    QString data = takeData();
    clearEvent();
    m_onEvent(SseEvent(typed ? m_cachedType : messageType(), std::move(data), m_lastEventId));
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
