// SPDX-License-Identifier: BSD-3-Clause
// QtSsePrivate::decodeUtf8 on hand-written rows: valid sequences at the edges of each length,
// overlong forms, surrogates, bytes that never occur, lone continuation bytes, maximal subparts,
// truncated sequences and the Unicode standard's examples. The same rows check the reference
// decoder that the random tests (tst_sseutf8_random.cpp) trust.
#include "sseutf8test.h"

#include <QtTest/qtest.h>

using namespace Utf8Test;

class tst_SseUtf8Decode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void decodeMatchesReference_data() { decode_data(); }
    void decodeMatchesReference();
};

void tst_SseUtf8Decode::decode_data()
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

void tst_SseUtf8Decode::decode()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);

    const QString result = decodeBytes(input);
    QCOMPARE(result, expected);
    QVERIFY(!hasLoneSurrogate(result));
}

void tst_SseUtf8Decode::decodeMatchesReference()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);

    // Checks the reference against the hand-written rows, so that the random tests below can
    // trust it.
    QCOMPARE(referenceDecode(input), expected);
}

QTEST_MAIN(tst_SseUtf8Decode)
#include "tst_sseutf8_decode.moc"
