// SPDX-License-Identifier: BSD-3-Clause
#include "sseutf8test.h"

namespace Utf8Test {

QString decodeBytes(const QByteArray &bytes)
{
    return QtSsePrivate::decodeUtf8(bytes.constData(), bytes.size());
}

void appendCodePoint(QString &out, char32_t cp)
{
    if (QChar::requiresSurrogates(cp)) {
        out.append(QChar(QChar::highSurrogate(cp)));
        out.append(QChar(QChar::lowSurrogate(cp)));
    } else {
        out.append(QChar(char16_t(cp)));
    }
}

// An independent reference for the expected output, written from the Unicode standard's
// Table 3-7 ("Well-Formed UTF-8 Byte Sequences") rather than from the WHATWG state machine: at
// each position, the longest prefix of a well-formed sequence is either complete (a code point)
// or a maximal subpart (one U+FFFD; at least the first byte is consumed).
QString referenceDecode(const QByteArray &bytes)
{
    struct Range
    {
        uchar lo, hi;
    };
    struct Form
    {
        int length;
        Range bytes[4];
    };
    static const Form forms[] = {
            {1, {{0x00, 0x7F}}},
            {2, {{0xC2, 0xDF}, {0x80, 0xBF}}},
            {3, {{0xE0, 0xE0}, {0xA0, 0xBF}, {0x80, 0xBF}}},
            {3, {{0xE1, 0xEC}, {0x80, 0xBF}, {0x80, 0xBF}}},
            {3, {{0xED, 0xED}, {0x80, 0x9F}, {0x80, 0xBF}}},
            {3, {{0xEE, 0xEF}, {0x80, 0xBF}, {0x80, 0xBF}}},
            {4, {{0xF0, 0xF0}, {0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
            {4, {{0xF1, 0xF3}, {0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
            {4, {{0xF4, 0xF4}, {0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}}},
    };
    QString out;
    const auto *p = reinterpret_cast<const uchar *>(bytes.constData());
    const qsizetype size = bytes.size();
    qsizetype i = 0;
    while (i < size) {
        const Form *form = nullptr;
        for (const Form &f : forms) {
            if (p[i] >= f.bytes[0].lo && p[i] <= f.bytes[0].hi)
                form = &f;
        }
        if (!form) {
            out.append(QChar(0xFFFD));
            ++i;
            continue;
        }
        int matched = 1;
        while (matched < form->length && i + matched < size
               && p[i + matched] >= form->bytes[matched].lo
               && p[i + matched] <= form->bytes[matched].hi)
            ++matched;
        if (matched < form->length) {
            out.append(QChar(0xFFFD));
            i += matched;
            continue;
        }
        char32_t cp = form->length == 1 ? p[i] : p[i] & (0xFF >> (form->length + 1));
        for (int k = 1; k < form->length; ++k)
            cp = (cp << 6) | (p[i + k] & 0x3F);
        appendCodePoint(out, cp);
        i += form->length;
    }
    return out;
}

QString fffd(int count)
{
    return QString(count, QChar(0xFFFD));
}

bool hasLoneSurrogate(const QString &s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c.isHighSurrogate()) {
            if (i + 1 == s.size() || !s.at(i + 1).isLowSurrogate())
                return true;
            ++i;
        } else if (c.isLowSurrogate()) {
            return true;
        }
    }
    return false;
}

QByteArray randomBytes(QRandomGenerator &random, qsizetype size)
{
    static const uchar interesting[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                        0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                        0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF};
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i) {
        const quint32 pick = random.bounded(4);
        if (pick == 0)
            bytes[i] = char(random.bounded(0x80));
        else if (pick == 1)
            bytes[i] = char(0x80 + random.bounded(0x40));
        else if (pick == 2)
            bytes[i] = char(0xC0 + random.bounded(0x40));
        else
            bytes[i] = char(interesting[random.bounded(int(sizeof interesting))]);
    }
    return bytes;
}

QByteArray randomValidUtf8(QRandomGenerator &random, qsizetype codePoints, QString *text)
{
    QByteArray bytes;
    text->clear();
    for (qsizetype i = 0; i < codePoints; ++i) {
        char32_t cp;
        switch (random.bounded(4)) {
        case 0:
            cp = random.bounded(0x80);
            break;
        case 1:
            cp = 0x80 + random.bounded(0x800 - 0x80);
            break;
        case 2:
            cp = 0x800 + random.bounded(0x10000 - 0x800);
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;
            break;
        default:
            cp = 0x10000 + random.bounded(0x110000 - 0x10000);
            break;
        }
        appendCodePoint(*text, cp);
    }
    bytes = text->toUtf8();
    return bytes;
}

} // namespace Utf8Test
