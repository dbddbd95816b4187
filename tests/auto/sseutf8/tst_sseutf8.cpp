// SPDX-License-Identifier: BSD-3-Clause
#include "sseutf8_p.h"

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

// QtSsePrivate::decodeUtf8 against the WHATWG Encoding standard's "UTF-8 decode" (without BOM
// handling), which emits one U+FFFD per maximal subpart of an ill-formed sequence, as the
// Unicode standard (chapter 3, "U+FFFD Substitution of Maximal Subparts") recommends.

namespace {

template<qsizetype N> QByteArray B(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QString decodeBytes(const QByteArray &bytes)
{
    return QtSsePrivate::decodeUtf8(bytes.constData(), bytes.size());
}

// Not QString::fromUcs4(): it drops a leading U+FEFF as a byte order mark.
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

// Random bytes biased towards the interesting ones: ASCII, continuation bytes, lead bytes and
// the bytes that are never valid.
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

// Random valid UTF-8, from random code points (no surrogates).
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

} // namespace

class tst_SseUtf8 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void decodeMatchesReference_data() { decode_data(); }
    void decodeMatchesReference();
    void longInputs();
    void randomValid();
    void randomBytesMatchReference();
    void randomSplitAtBoundaries();
    void isAscii();
};

void tst_SseUtf8::decode_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    const QChar r(0xFFFD);

    // Valid sequences of 1 to 4 bytes, at the edges of each length.
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("ASCII") << B("abc") << QStringLiteral("abc");
    QTest::newRow("NUL") << B("\0") << QString(QChar(0));
    QTest::newRow("U+007F") << B("\x7F") << QString(QChar(0x7F));
    QTest::newRow("U+0080") << B("\xC2\x80") << QString(QChar(0x80));
    QTest::newRow("U+00E9") << B("\xC3\xA9") << QString(QChar(0xE9));
    QTest::newRow("U+07FF") << B("\xDF\xBF") << QString(QChar(0x7FF));
    QTest::newRow("U+0800") << B("\xE0\xA0\x80") << QString(QChar(0x800));
    QTest::newRow("U+20AC") << B("\xE2\x82\xAC") << QString(QChar(0x20AC));
    QTest::newRow("U+D7FF") << B("\xED\x9F\xBF") << QString(QChar(0xD7FF));
    QTest::newRow("U+E000") << B("\xEE\x80\x80") << QString(QChar(0xE000));
    QTest::newRow("U+FEFF is not stripped") << B("\xEF\xBB\xBF") << QString(QChar(0xFEFF));
    QTest::newRow("U+FFFD") << B("\xEF\xBF\xBD") << QString(r);
    QTest::newRow("U+FFFF") << B("\xEF\xBF\xBF") << QString(QChar(0xFFFF));
    QTest::newRow("U+10000") << B("\xF0\x90\x80\x80")
                             << QString(QString(QChar(0xD800)) + QChar(0xDC00));
    QTest::newRow("U+1F600") << B("\xF0\x9F\x98\x80")
                             << QString(QString(QChar(0xD83D)) + QChar(0xDE00));
    QTest::newRow("U+10FFFF") << B("\xF4\x8F\xBF\xBF")
                              << QString(QString(QChar(0xDBFF)) + QChar(0xDFFF));
    QTest::newRow("mixed valid") << B("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z")
                                 << QString(QStringLiteral("a\u00e9\u20ac") + QChar(0xD83D)
                                            + QChar(0xDE00) + u'z');

    // Overlong forms: C0 and C1 are never valid; E0 needs A0..BF next, F0 needs 90..BF.
    QTest::newRow("overlong C0 80") << B("\xC0\x80") << fffd(2);
    QTest::newRow("overlong C0 AF") << B("\xC0\xAF") << fffd(2);
    QTest::newRow("overlong C1 BF") << B("\xC1\xBF") << fffd(2);
    QTest::newRow("overlong E0 80 80") << B("\xE0\x80\x80") << fffd(3);
    QTest::newRow("overlong E0 9F BF") << B("\xE0\x9F\xBF") << fffd(3);
    QTest::newRow("overlong F0 80 80 80") << B("\xF0\x80\x80\x80") << fffd(4);
    QTest::newRow("overlong F0 8F BF BF") << B("\xF0\x8F\xBF\xBF") << fffd(4);

    // Surrogates: ED needs 80..9F next.
    QTest::newRow("surrogate ED A0 80") << B("\xED\xA0\x80") << fffd(3);
    QTest::newRow("surrogate ED BF BF") << B("\xED\xBF\xBF") << fffd(3);
    QTest::newRow("surrogate pair (CESU-8)") << B("\xED\xA0\xBD\xED\xB8\x80") << fffd(6);

    // Beyond U+10FFFF, and bytes that never occur.
    QTest::newRow("F4 90 80 80") << B("\xF4\x90\x80\x80") << fffd(4);
    QTest::newRow("F5") << B("\xF5") << fffd(1);
    QTest::newRow("F5 80 80 80") << B("\xF5\x80\x80\x80") << fffd(4);
    QTest::newRow("F7 BF BF BF") << B("\xF7\xBF\xBF\xBF") << fffd(4);
    QTest::newRow("F8 88 80 80 80 (5 bytes)") << B("\xF8\x88\x80\x80\x80") << fffd(5);
    QTest::newRow("FC 84 80 80 80 80 (6 bytes)") << B("\xFC\x84\x80\x80\x80\x80") << fffd(6);
    QTest::newRow("FE") << B("\xFE") << fffd(1);
    QTest::newRow("FF") << B("\xFF") << fffd(1);
    QTest::newRow("FF FE") << B("\xFF\xFE") << fffd(2);

    // Lone continuation bytes.
    QTest::newRow("80") << B("\x80") << fffd(1);
    QTest::newRow("BF") << B("\xBF") << fffd(1);
    QTest::newRow("80 80") << B("\x80\x80") << fffd(2);
    QTest::newRow("a 80 b") << B("a\x80"
                                 "b")
                            << QString(u'a' + QString(r) + u'b');
    QTest::newRow("after a complete sequence")
            << B("\xC3\xA9\x80") << QString(QString(QChar(0xE9)) + r);

    // A maximal subpart followed by another byte: one U+FFFD, the byte is decoded anew.
    QTest::newRow("E2 82 78") << B("\xE2\x82\x78") << QString(QString(r) + u'x');
    QTest::newRow("E2 28 78") << B("\xE2\x28\x78") << QString(QString(r) + u"(x");
    QTest::newRow("E2 82 then a lead byte")
            << B("\xE2\x82\xC3\xA9") << QString(QString(r) + QChar(0xE9));
    QTest::newRow("C3 then a lead byte") << B("\xC3\xC3\xA9") << QString(QString(r) + QChar(0xE9));
    QTest::newRow("F0 9F 98 then ASCII") << B("\xF0\x9F\x98"
                                              "a")
                                         << QString(QString(r) + u'a');
    QTest::newRow("E0 then A0 is valid, E0 then 9F is not")
            << B("\xE0\xA0\x80\xE0\x9F\x80") << QString(QString(QChar(0x800)) + fffd(3));

    // A sequence cut short by the end of the input: one U+FFFD.
    QTest::newRow("truncated C3") << B("\xC3") << fffd(1);
    QTest::newRow("truncated E2") << B("\xE2") << fffd(1);
    QTest::newRow("truncated E2 82") << B("\xE2\x82") << fffd(1);
    QTest::newRow("truncated F0 9F") << B("\xF0\x9F") << fffd(1);
    QTest::newRow("truncated F0 9F 98") << B("\xF0\x9F\x98") << fffd(1);
    QTest::newRow("truncated after ASCII") << B("a\xF0") << QString(u'a' + QString(r));
    QTest::newRow("truncated E0 invalid second") << B("\xE0\x80") << fffd(2);

    // The Unicode standard's examples (chapter 3, tables 3-8 to 3-11 in recent versions).
    QTest::newRow("Unicode: maximal subparts")
            << B("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64")
            << QString(u'a' + fffd(3) + u'b' + QString(r) + u'c' + fffd(2) + u'd');
    QTest::newRow("Unicode: non-shortest forms")
            << B("\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41") << QString(fffd(8) + u'A');
    QTest::newRow("Unicode: ill-formed surrogates")
            << B("\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41") << QString(fffd(8) + u'A');
    QTest::newRow("Unicode: other ill-formed sequences")
            << B("\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42")
            << QString(fffd(5) + u'A' + fffd(2) + u'B');
    QTest::newRow("Unicode: truncated sequences")
            << B("\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41") << QString(fffd(4) + u'A');

    // Past the SIMD/word ASCII fast path: the invalid byte at various offsets.
    for (const int offset : {7, 8, 15, 16, 63, 64, 65, 100}) {
        QByteArray in(offset, 'a');
        in.append("\xFF"
                  "b");
        QTest::addRow("ASCII run of %d, then FF", offset)
                << in << QString(QString(offset, u'a') + r + u'b');
    }
}

void tst_SseUtf8::decode()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);

    const QString result = decodeBytes(input);
    QCOMPARE(result, expected);
    QVERIFY(!hasLoneSurrogate(result));
}

void tst_SseUtf8::decodeMatchesReference()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);

    // Checks the reference against the hand-written rows, so that the random tests below can
    // trust it.
    QCOMPARE(referenceDecode(input), expected);
}

void tst_SseUtf8::longInputs()
{
    // Long ASCII (the fast path) and long non-ASCII text, and a mix.
    const QByteArray ascii(100000, 'x');
    QCOMPARE(decodeBytes(ascii), QString(100000, u'x'));

    QByteArray accents;
    for (int i = 0; i < 10000; ++i)
        accents.append("\xC3\xA9\xF0\x9F\x98\x80");
    const QString decoded = decodeBytes(accents);
    QCOMPARE(decoded.size(), 30000);
    QCOMPARE(decoded, QString::fromUtf8(accents));

    QByteArray mixed = ascii + accents + "\xE2\x82" + ascii;
    QCOMPARE(decodeBytes(mixed),
             QString(QString(100000, u'x') + decoded + QChar(0xFFFD) + QString(100000, u'x')));
}

// Valid UTF-8 decodes to the code points it encodes (and agrees with QString::fromUtf8, which
// differs from the standard only on invalid input).
void tst_SseUtf8::randomValid()
{
    QRandomGenerator random(1234);
    for (int round = 0; round < 500; ++round) {
        QString text;
        const QByteArray bytes = randomValidUtf8(random, random.bounded(0, 40), &text);
        const QString result = decodeBytes(bytes);
        if (result != text) {
            qWarning("round %d: %s", round, bytes.toHex(' ').constData());
            QCOMPARE(result, text);
        }
        QCOMPARE(result, QString::fromUtf8(bytes));
    }
}

// Arbitrary bytes: the decoder agrees with the reference, never produces lone surrogates, and
// re-encoding gives the input back when it was valid.
void tst_SseUtf8::randomBytesMatchReference()
{
    QRandomGenerator random(42);
    int valid = 0;
    for (int round = 0; round < 2000; ++round) {
        const QByteArray bytes = randomBytes(random, random.bounded(0, 24));
        const QString result = decodeBytes(bytes);
        const QString expected = referenceDecode(bytes);
        if (result != expected || hasLoneSurrogate(result)) {
            qWarning("round %d: %s", round, bytes.toHex(' ').constData());
            QCOMPARE(result, expected);
            QVERIFY(!hasLoneSurrogate(result));
        }
        if (QByteArrayView(bytes).isValidUtf8()) {
            ++valid;
            QCOMPARE(result.toUtf8(), bytes);
        }
    }
    QVERIFY(valid > 0); // the generator does produce some valid strings (the empty one at least)
}

// No byte outside 80..BF can continue a sequence, so splitting the input before such a byte and
// decoding the parts separately gives the same text: this is what lets the parser decode line
// by line (lines start after CR or LF).
void tst_SseUtf8::randomSplitAtBoundaries()
{
    QRandomGenerator random(7);
    for (int round = 0; round < 500; ++round) {
        const QByteArray bytes = randomBytes(random, random.bounded(1, 32));
        const QString whole = decodeBytes(bytes);
        for (qsizetype at = 0; at <= bytes.size(); ++at) {
            if (at < bytes.size()) {
                const uchar next = uchar(bytes.at(at));
                if (next >= 0x80 && next <= 0xBF)
                    continue;
            }
            const QString parts = decodeBytes(bytes.left(at)) + decodeBytes(bytes.mid(at));
            if (parts != whole) {
                qWarning("round %d, split at %lld: %s", round, qint64(at),
                         bytes.toHex(' ').constData());
                QCOMPARE(parts, whole);
            }
        }
    }
}

void tst_SseUtf8::isAscii()
{
    // Every length up to past two 64-byte blocks, every alignment in a 16-byte vector, a high
    // byte at every position.
    QByteArray buffer(256, 'a');
    for (qsizetype offset = 0; offset < 16; ++offset) {
        for (qsizetype length = 0; length <= 140; ++length) {
            char *const p = buffer.data() + offset;
            if (!QtSsePrivate::isAscii(p, length)) {
                qWarning("offset %lld, length %lld", qint64(offset), qint64(length));
                QFAIL("pure ASCII reported as non-ASCII");
            }
            for (qsizetype pos = 0; pos < length; ++pos) {
                for (const char high : {'\x80', '\xFF'}) {
                    p[pos] = high;
                    const bool ascii = QtSsePrivate::isAscii(p, length);
                    p[pos] = 'a';
                    if (ascii) {
                        qWarning("offset %lld, length %lld, byte at %lld", qint64(offset),
                                 qint64(length), qint64(pos));
                        QFAIL("a high byte was missed");
                    }
                }
            }
            // A high byte just outside the range does not count.
            buffer[offset + length] = '\x80';
            if (offset > 0)
                buffer[offset - 1] = '\x80';
            const bool ascii = QtSsePrivate::isAscii(p, length);
            buffer[offset + length] = 'a';
            if (offset > 0)
                buffer[offset - 1] = 'a';
            QVERIFY(ascii);
        }
    }
    QVERIFY(QtSsePrivate::isAscii(nullptr, 0));
    QVERIFY(QtSsePrivate::isAscii("\x7F\x00", 2));
}

QTEST_MAIN(tst_SseUtf8)
#include "tst_sseutf8.moc"
