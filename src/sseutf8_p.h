// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEUTF8_P_H
#define SSEUTF8_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include <QtSse/qtsse_export.h>
#include <QtCore/qstring.h>

namespace QtSsePrivate {

// Decodes UTF-8 exactly as the WHATWG Encoding standard's "UTF-8 decode" without BOM handling:
// one U+FFFD per maximal invalid subpart, an unfinished sequence at the end gives one U+FFFD.
// Qt 6.4's QStringDecoder differs on invalid input (see the tests), hence our own decoder.
// Exported for the tests and the fuzzer only.
QTSSE_EXPORT QString decodeUtf8(const char *bytes, qsizetype size);

// target = decodeUtf8(bytes, size), reusing target's buffer when no one else shares it and it is
// large enough: a QString handed out earlier and since released costs no allocation.
QTSSE_EXPORT void assignUtf8(QString &target, const char *bytes, qsizetype size);

// The state of an incremental decode: a sequence begun at the end of one piece of input is
// continued by the next.
struct Utf8DecoderState
{
    char32_t codePoint = 0;
    quint8 needed = 0;
    quint8 seen = 0;
    quint8 lower = 0x80;
    quint8 upper = 0xBF;
};

// Decodes the bytes of one line incrementally, as decodeUtf8() does, from bytes up to the first
// CR or LF or end, whichever comes first, and returns where it stopped. It writes the UTF-16 to
// out and advances it; out needs room for (end - bytes) + 1 units.
QTSSE_EXPORT const char *decodeUtf8Line(Utf8DecoderState &state, const char *bytes, const char *end,
                                        char16_t *&out);
// The end of the input: an unfinished sequence gives one U+FFFD (out needs room for one unit),
// and the state is reset.
QTSSE_EXPORT void finishUtf8(Utf8DecoderState &state, char16_t *&out);

// True when all bytes are below 0x80.
QTSSE_EXPORT bool isAscii(const char *bytes, qsizetype size) noexcept;

} // namespace QtSsePrivate

#endif // SSEUTF8_P_H
