// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEPARSER_P_H
#define SSEPARSER_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.
//
// The parser's byte-level helpers and tuning constants, shared by sseparser.cpp (API, buffers,
// streaming of long lines) and sseparserlines.cpp (the line and field hot path).

#include "sseparser.h"
#include "sseutf8_p.h"

#include <QtCore/qalgorithms.h>
#include <QtCore/qvarlengtharray.h>

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif
namespace {

[[maybe_unused]] constexpr char Bom[3] = {'\xEF', '\xBB', '\xBF'};
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
// The ID and event type buffers keep up to this capacity from event to event, so that the usual
// short ones cost no allocation. Larger ones are given back when feed() returns, as the line and
// data buffers are, and an event type longer than this is not cached: between events the
// parser then holds no more than the last event ID itself, whatever the size of the fields it
// saw.
constexpr qsizetype KeepFieldCapacity = 256;

inline void recycle(QByteArray &buffer)
{
    if (buffer.capacity() > KeepCapacity)
        buffer = QByteArray();
    else
        buffer.resize(0);
}

// Empties a field buffer; one that grew beyond KeepFieldCapacity goes back to its inline storage.
template<qsizetype N> inline void recycle(QVarLengthArray<char, N> &buffer)
{
    buffer.clear();
    if (buffer.capacity() > KeepFieldCapacity)
        buffer.squeeze(); // size 0: frees the heap buffer
}

inline const QString &messageType()
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

#endif // SSEPARSER_P_H
