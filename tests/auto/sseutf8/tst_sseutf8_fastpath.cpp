// SPDX-License-Identifier: BSD-3-Clause
// The ASCII fast path of QtSsePrivate::decodeUtf8: long inputs, and QtSsePrivate::isAscii at
// every length, alignment and position of a high byte.
#include "sseutf8test.h"

#include <QtTest/qtest.h>

using namespace Utf8Test;

class tst_SseUtf8FastPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void longInputs();
    void isAscii();
};

void tst_SseUtf8FastPath::longInputs()
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

void tst_SseUtf8FastPath::isAscii()
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

QTEST_MAIN(tst_SseUtf8FastPath)
#include "tst_sseutf8_fastpath.moc"
