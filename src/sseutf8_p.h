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

// True when all bytes are below 0x80.
QTSSE_EXPORT bool isAscii(const char *bytes, qsizetype size) noexcept;

} // namespace QtSsePrivate

#endif // SSEUTF8_P_H
