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

QString decodeUtf8(const char *bytes, qsizetype size)
{
    if (size == 0)
        return QString();
    if (isAscii(bytes, size))
        return QString::fromLatin1(bytes, size); // SIMD widening in Qt

    // At most one UTF-16 unit per input byte: a 4-byte sequence gives two units.
    QString result(size, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(result.data());
    char16_t *const outBegin = out;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes);
    const auto *const end = p + size;

    char32_t codePoint = 0;
    int needed = 0;
    int seen = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    while (p < end) {
        const unsigned char b = *p;
        if (needed == 0) {
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
    if (needed != 0)
        *out++ = 0xFFFD;
    result.truncate(out - outBegin);
    return result;
}

} // namespace QtSsePrivate
