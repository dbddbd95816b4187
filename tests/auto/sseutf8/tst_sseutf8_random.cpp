// SPDX-License-Identifier: BSD-3-Clause
// QtSsePrivate::decodeUtf8 on random input with fixed seeds: valid UTF-8, arbitrary bytes
// against the reference decoder, and splits at the boundaries where the parser decodes.
#include "sseutf8test.h"

#include <QtTest/qtest.h>

using namespace Utf8Test;

class tst_SseUtf8Random : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomValid();
    void randomBytesMatchReference();
    void randomSplitAtBoundaries();
};

// Valid UTF-8 decodes to the code points it encodes (and agrees with QString::fromUtf8, which
// differs from the standard only on invalid input).
void tst_SseUtf8Random::randomValid()
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
void tst_SseUtf8Random::randomBytesMatchReference()
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
void tst_SseUtf8Random::randomSplitAtBoundaries()
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

QTEST_MAIN(tst_SseUtf8Random)
#include "tst_sseutf8_random.moc"
