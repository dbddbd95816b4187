// SPDX-License-Identifier: BSD-3-Clause
#include "sseutf8_p.h"

#include <cstring>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif

namespace QtSsePrivate {

bool isAscii(const char *bytes, qsizetype size) noexcept
{
    const char *p = bytes;
    const char *const end = bytes + size;
#if defined(__SSE2__)
    for (; end - p >= 64; p += 64) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 32));
        const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 48));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))))
            return false;
    }
    for (; end - p >= 16; p += 16) {
        if (_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p))))
            return false;
    }
#endif
    for (; end - p >= 8; p += 8) {
        quint64 word;
        std::memcpy(&word, p, sizeof word);
        if (word & 0x8080808080808080ULL)
            return false;
    }
    for (; p < end; ++p) {
        if (static_cast<unsigned char>(*p) & 0x80)
            return false;
    }
    return true;
}

namespace {

// Widens ASCII bytes to UTF-16 from p, 16 at a time, until fewer than 16 remain or a block holds
// a byte >= 0x80. Returns how many bytes it consumed.
inline qsizetype widenAscii(const unsigned char *p, const unsigned char *end, char16_t *out)
{
    const unsigned char *const begin = p;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; end - p >= 32; p += 32, out += 32) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16));
        if (_mm_movemask_epi8(_mm_or_si128(a, b)))
            break;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(a, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 8), _mm_unpackhi_epi8(a, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 16), _mm_unpacklo_epi8(b, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 24), _mm_unpackhi_epi8(b, zero));
    }
    for (; end - p >= 16; p += 16, out += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        if (_mm_movemask_epi8(a))
            break;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(a, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 8), _mm_unpackhi_epi8(a, zero));
    }
#else
    Q_UNUSED(end);
    Q_UNUSED(out);
#endif
    return p - begin;
}

// Widens all n bytes if they are ASCII and returns n; otherwise returns how many leading bytes it
// widened (possibly 0). Short inputs are done with two overlapping loads.
inline qsizetype widenAsciiPrefix(const unsigned char *p, qsizetype n, char16_t *out)
{
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    if (n >= 16) {
        const qsizetype done = widenAscii(p, p + n, out);
        if (done == n || n - done >= 16)
            return done;
        // Fewer than 16 bytes left: widen the last 16, overlapping what is done.
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + n - 16));
        if (_mm_movemask_epi8(a))
            return done;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + n - 16), _mm_unpacklo_epi8(a, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + n - 8), _mm_unpackhi_epi8(a, zero));
        return n;
    }
    if (n >= 8) {
        const __m128i a = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(p));
        const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(p + n - 8));
        if (_mm_movemask_epi8(_mm_or_si128(a, b)))
            return 0;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + n - 8), _mm_unpacklo_epi8(b, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(a, zero));
        return n;
    }
    if (n >= 4) {
        quint32 head, tail;
        std::memcpy(&head, p, 4);
        std::memcpy(&tail, p + n - 4, 4);
        if ((head | tail) & 0x80808080U)
            return 0;
        const __m128i a = _mm_cvtsi32_si128(int(head));
        const __m128i b = _mm_cvtsi32_si128(int(tail));
        _mm_storel_epi64(reinterpret_cast<__m128i *>(out + n - 4), _mm_unpacklo_epi8(b, zero));
        _mm_storel_epi64(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(a, zero));
        return n;
    }
#else
    Q_UNUSED(p);
    Q_UNUSED(n);
    Q_UNUSED(out);
#endif
    return 0;
}

} // namespace

namespace {

// Widens ASCII bytes that are neither CR nor LF, 32 at a time, until fewer than 32 remain or a
// block holds another byte. Returns how many bytes it consumed.
inline qsizetype widenAsciiLine(const unsigned char *p, const unsigned char *end, char16_t *out)
{
    const unsigned char *const begin = p;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    for (; end - p >= 32; p += 32, out += 32) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16));
        const __m128i eol =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, lf), _mm_cmpeq_epi8(a, cr)),
                             _mm_or_si128(_mm_cmpeq_epi8(b, lf), _mm_cmpeq_epi8(b, cr)));
        if (_mm_movemask_epi8(_mm_or_si128(eol, _mm_or_si128(a, b))))
            break;
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(a, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 8), _mm_unpackhi_epi8(a, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 16), _mm_unpacklo_epi8(b, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 24), _mm_unpackhi_epi8(b, zero));
    }
#else
    Q_UNUSED(end);
    Q_UNUSED(out);
#endif
    return p - begin;
}

// The WHATWG UTF-8 decoder's loop, from state s. With StopAtEol it stops before a CR or LF
// (which would end an unfinished sequence anyway: the caller finishes the line).
template<bool StopAtEol>
inline const unsigned char *decodeLoop(Utf8DecoderState &s, const unsigned char *p,
                                       const unsigned char *const end, char16_t *&outRef)
{
    char16_t *out = outRef;
    char32_t codePoint = s.codePoint;
    int needed = s.needed;
    int seen = s.seen;
    unsigned char lower = s.lower;
    unsigned char upper = s.upper;
    while (p < end) {
        const unsigned char b = *p;
        if (needed == 0) {
            if (b < 0x80 && end - p >= 32) {
                const qsizetype n =
                        StopAtEol ? widenAsciiLine(p, end, out) : widenAscii(p, end, out);
                if (n) {
                    p += n;
                    out += n;
                    continue;
                }
            }
            if (StopAtEol && (b == '\n' || b == '\r'))
                break;
            ++p;
            if (b < 0x80) {
                *out++ = b;
            } else if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
                codePoint = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                if (b == 0xE0)
                    lower = 0xA0;
                else if (b == 0xED)
                    upper = 0x9F;
                needed = 2;
                codePoint = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                if (b == 0xF0)
                    lower = 0x90;
                else if (b == 0xF4)
                    upper = 0x8F;
                needed = 3;
                codePoint = b & 0x07;
            } else {
                *out++ = 0xFFFD;
            }
            continue;
        }
        if (b < lower || b > upper) {
            if (StopAtEol && (b == '\n' || b == '\r'))
                break; // the unfinished sequence is ended by the caller
            // End of a maximal invalid subpart: one U+FFFD, and the byte is processed again.
            codePoint = 0;
            needed = seen = 0;
            lower = 0x80;
            upper = 0xBF;
            *out++ = 0xFFFD;
            continue;
        }
        ++p;
        lower = 0x80;
        upper = 0xBF;
        codePoint = (codePoint << 6) | (b & 0x3F);
        if (++seen != needed)
            continue;
        if (codePoint >= 0x10000) {
            *out++ = char16_t(0xD800 + ((codePoint - 0x10000) >> 10));
            *out++ = char16_t(0xDC00 + ((codePoint - 0x10000) & 0x3FF));
        } else {
            *out++ = char16_t(codePoint);
        }
        codePoint = 0;
        needed = seen = 0;
    }
    s.codePoint = codePoint;
    s.needed = quint8(needed);
    s.seen = quint8(seen);
    s.lower = lower;
    s.upper = upper;
    outRef = out;
    return p;
}

} // namespace

QString decodeUtf8(const char *bytes, qsizetype size)
{
    if (size == 0)
        return QString();

    // At most one UTF-16 unit per input byte: a 4-byte sequence gives two units. (What
    // QString(size, Qt::Uninitialized) does, without its call.)
    QString::DataPointer result(QTypedArrayData<char16_t>::allocate(size), size);
    Q_CHECK_PTR(result.data());
    result.data()[size] = u'\0';
    char16_t *out = result.data();
    char16_t *const outBegin = out;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes);
    const auto *const end = p + size;

    // ASCII, the common case, is widened in one pass without a separate check.
    const qsizetype ascii = widenAsciiPrefix(p, size, out);
    if (ascii == size)
        return QString(std::move(result));
    p += ascii;
    out += ascii;

    Utf8DecoderState state;
    decodeLoop<false>(state, p, end, out);
    finishUtf8(state, out);
    QString text(std::move(result));
    text.truncate(out - outBegin);
    return text;
}

void assignUtf8(QString &target, const char *bytes, qsizetype size)
{
    if (size == 0 || !target.isDetached() || target.capacity() < size) {
        target = decodeUtf8(bytes, size);
        return;
    }
    // Within the capacity of an unshared buffer (which has room for the terminating null after
    // it): what resize() would do, without its call.
    QString::DataPointer &d = target.data_ptr();
    char16_t *out = d.data();
    char16_t *const outBegin = out;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes);
    const qsizetype ascii = widenAsciiPrefix(p, size, out);
    if (ascii != size) {
        out += ascii;
        Utf8DecoderState state;
        decodeLoop<false>(state, p + ascii, p + size, out);
        finishUtf8(state, out);
    } else {
        out += size;
    }
    d.size = out - outBegin;
    *out = u'\0';
}

const char *decodeUtf8Line(Utf8DecoderState &state, const char *bytes, const char *end,
                           char16_t *&out)
{
    return reinterpret_cast<const char *>(
            decodeLoop<true>(state, reinterpret_cast<const unsigned char *>(bytes),
                             reinterpret_cast<const unsigned char *>(end), out));
}

void finishUtf8(Utf8DecoderState &state, char16_t *&out)
{
    if (state.needed != 0)
        *out++ = 0xFFFD;
    state = Utf8DecoderState();
}

} // namespace QtSsePrivate
