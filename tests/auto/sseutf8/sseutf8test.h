// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEUTF8TEST_H
#define SSEUTF8TEST_H

// What the QtSsePrivate::decodeUtf8 tests share: byte literals, an independent reference decoder
// and random input generators.
//
// The decoder is checked against the WHATWG Encoding standard's "UTF-8 decode" (without BOM
// handling), which emits one U+FFFD per maximal subpart of an ill-formed sequence, as the
// Unicode standard (chapter 3, "U+FFFD Substitution of Maximal Subparts") recommends.

#include "sseutf8_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qrandom.h>
#include <QtCore/qstring.h>

namespace Utf8Test {

// A byte array from a string literal, embedded NULs included.
template<qsizetype N> QByteArray B(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QString decodeBytes(const QByteArray &bytes);

// Not QString::fromUcs4(): it drops a leading U+FEFF as a byte order mark.
void appendCodePoint(QString &out, char32_t cp);

// An independent reference for the expected output, written from the Unicode standard's
// Table 3-7 ("Well-Formed UTF-8 Byte Sequences") rather than from the WHATWG state machine.
QString referenceDecode(const QByteArray &bytes);

QString fffd(int count);

bool hasLoneSurrogate(const QString &s);

// Random bytes biased towards the interesting ones: ASCII, continuation bytes, lead bytes and
// the bytes that are never valid.
QByteArray randomBytes(QRandomGenerator &random, qsizetype size);

// Random valid UTF-8, from random code points (no surrogates).
QByteArray randomValidUtf8(QRandomGenerator &random, qsizetype codePoints, QString *text);

} // namespace Utf8Test

#endif // SSEUTF8TEST_H
