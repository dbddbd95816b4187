// SPDX-License-Identifier: BSD-3-Clause
// SseParser's limits: maxEventSize() on lines and on an event's data, the error state and the
// recovery from it, a 32 MiB event and a million small ones.
#include "sseparsertest.h"

#include <QtTest/qtest.h>

#include <algorithm>

using namespace ParserTest;

class tst_SseParserLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limits_data();
    void limits();
    void errorStateAndRecovery();

    void largeEvent();
    void manyEvents();
};

// maxEventSize() bounds a line (without its line break) and the data of one event.
void tst_SseParserLimits::limits_data()
{
    QTest::addColumn<int>("maxEventSize");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QStringList>("expected");
    // The bound on bufferedBytes() while feeding: maxEventSize for a line; a pending event's data
    // and an unfinished line are bounded separately.
    QTest::addColumn<int>("maxBuffered");

    auto row = [](const char *name, int max, const QByteArray &input, bool ok,
                  std::initializer_list<const char *> expected, int maxBuffered) {
        QTest::newRow(name) << max << input << ok << texts(expected) << maxBuffered;
    };
    row("line of exactly N", 16, B("data: 0123456789\n\n"), true, {"message|0123456789|"}, 16);
    row("line of N + 1", 16, B("data: 0123456789a\n\n"), false, {}, 16);
    row("line of N + 1 with CRLF", 16, B("data: 0123456789a\r\n\r\n"), false, {}, 16);
    row("line of exactly N with CRLF", 16, B("data: 0123456789\r\n\r\n"), true,
        {"message|0123456789|"}, 16);
    row("BOM not counted", 16, B(BOM "data: 0123456789\n\n"), true, {"message|0123456789|"}, 16);
    row("unterminated long line", 16, B("data: 0123456789abcdefghijklmnop"), false, {}, 16);
    row("long comment", 16, B(": 0123456789abcdef\n"), false, {}, 16);
    row("long unknown field", 16, B("x: 0123456789abcdef\n"), false, {}, 16);
    row("long id", 16, B("id: 0123456789abcdef\n"), false, {}, 16);
    row("data of exactly N", 16, B("data: 0123456\ndata: 89abcdef\n\n"), true,
        {"message|0123456\n89abcdef|"}, 32);
    row("data of N + 1", 16, B("data: 01234567\ndata: 89abcdef\n\n"), false, {}, 32);
    row("17 empty data lines are N", 16,
        B("data\ndata\ndata\ndata\ndata\ndata\ndata\ndata\ndata\n"
          "data\ndata\ndata\ndata\ndata\ndata\ndata\ndata\n\n"),
        true, {"message|\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n|"}, 32);
    row("18 empty data lines are N + 1", 16,
        B("data\ndata\ndata\ndata\ndata\ndata\ndata\ndata\ndata\n"
          "data\ndata\ndata\ndata\ndata\ndata\ndata\ndata\ndata\n\n"),
        false, {}, 32);
    row("per event, not per stream", 16,
        B("data: 0123456789\n\ndata: 0123456789\n\ndata: 0123456789\n\n"), true,
        {"message|0123456789|", "message|0123456789|", "message|0123456789|"}, 32);
    row("events before the error are delivered", 16,
        B("data: a\n\n: c\ndata: 0123456789abcdef\n\ndata: b\n\n"), false,
        {"message|a|", "comment| c"}, 16);
    row("N = 1, short lines", 1, B("a\n\nb\n\n"), true, {}, 1);
    row("N = 1, data line", 1, B("data\n\n"), false, {}, 1);
}

void tst_SseParserLimits::limits()
{
    QFETCH(int, maxEventSize);
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(QStringList, expected);
    QFETCH(int, maxBuffered);

    const SseParser::Error expectedError =
            ok ? SseParser::Error::NoError : SseParser::Error::EventTooLarge;
    bool violated = false;
    const Result reference = run(whole(input), maxEventSize, maxBuffered, &violated);
    QCOMPARE(reference.output, expected);
    QCOMPARE(reference.ok, ok);
    QCOMPARE(reference.error, expectedError);
    QVERIFY(!violated);

    QCOMPARE(run(bytewise(input), maxEventSize, maxBuffered, &violated), reference);
    QVERIFY2(!violated, "bufferedBytes() exceeded its bound");
    for (qsizetype at = 0; at <= input.size(); ++at) {
        QCOMPARE(run(splitAt(input, at), maxEventSize, maxBuffered, &violated), reference);
        QVERIFY2(!violated, "bufferedBytes() exceeded its bound");
    }

    // The error state: later input is ignored until reset(); after it, parsing works again.
    Recorder recorder;
    SseParser parser;
    parser.setMaxEventSize(maxEventSize);
    recorder.attach(parser);
    QCOMPARE(parser.feed(input), ok);
    if (ok)
        return;
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QVERIFY(!parser.errorString().isEmpty());
    QVERIFY(parser.bufferedBytes() <= maxEventSize);
    QVERIFY(!parser.feed("\n\ndata\n\n: c\nretry: 1\n"));
    QCOMPARE(recorder.output, expected);
    parser.finish();
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QVERIFY(!parser.feed("\n\n"));
    QCOMPARE(recorder.output, expected);

    parser.reset();
    QCOMPARE(parser.error(), SseParser::Error::NoError);
    QVERIFY(parser.errorString().isEmpty());
    QCOMPARE(parser.bufferedBytes(), 0);
    if (maxEventSize >= 4) {
        QVERIFY(parser.feed("data\n\n"));
        QCOMPARE(recorder.output.last(), QStringLiteral("message||"));
    } else {
        QVERIFY(parser.feed(":\n")); // a comment line of one byte fits
        QCOMPARE(recorder.output.last(), QStringLiteral("comment|"));
    }
}

void tst_SseParserLimits::errorStateAndRecovery()
{
    Recorder recorder;
    SseParser parser;
    recorder.attach(parser);
    parser.setMaxEventSize(32);
    QVERIFY(parser.feed(BOM "id: 1\ndata: a\n\n"));

    // A long line fed a byte at a time: buffered bytes stay within the limit, the error comes
    // on the byte that crosses it, and every later byte is refused.
    const QByteArray longLine = "data: " + pattern(100) + '\n';
    int failedAt = -1;
    for (int i = 0; i < longLine.size(); ++i) {
        const bool accepted = parser.feed(longLine.mid(i, 1));
        QVERIFY(parser.bufferedBytes() <= 32);
        if (!accepted && failedAt < 0)
            failedAt = i;
        QCOMPARE(accepted, failedAt < 0);
    }
    QCOMPARE(failedAt, 32); // the 33rd byte of the line
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QVERIFY(parser.errorString().contains(QLatin1String("32")));
    QCOMPARE(parser.bufferedBytes(), 0);
    QCOMPARE(recorder.output, texts({"message|a|1"}));

    // reset() recovers; the last event ID survives and the BOM is expected again.
    parser.reset();
    QCOMPARE(parser.error(), SseParser::Error::NoError);
    QVERIFY(parser.feed(BOM "data: b\n\n"));
    QCOMPARE(recorder.output, texts({"message|a|1", "message|b|1"}));

    // A larger limit applies from then on.
    parser.setMaxEventSize(200);
    QVERIFY(parser.feed(QByteArray(longLine + '\n')));
    QCOMPARE(recorder.output.last(),
             QString(QStringLiteral("message|") + QString::fromLatin1(pattern(100))
                     + QStringLiteral("|1")));
}

// One event with a 32 MiB data line, fed in 64 KiB chunks.
void tst_SseParserLimits::largeEvent()
{
    constexpr qsizetype Size = 32 * 1024 * 1024;
    constexpr qsizetype ChunkSize = 64 * 1024;
    QByteArray stream("data: ");
    const qsizetype start = stream.size();
    stream.resize(start + Size);
    std::fill(stream.begin() + start, stream.end(), 'x');
    stream[start] = 'a';
    stream[start + Size / 2] = 'm';
    stream[start + Size - 1] = 'z';
    stream.append("\n\n");
    const QByteArrayView view(stream);

    qsizetype count = 0;
    SseEvent received;
    SseParser parser([&](const SseEvent &event) {
        ++count;
        received = event;
    });

    // The default limit (16 MiB) refuses it, with bounded memory.
    bool failed = false;
    for (qsizetype pos = 0; pos < view.size() && !failed; pos += ChunkSize) {
        failed = !parser.feed(view.sliced(pos, qMin(ChunkSize, view.size() - pos)));
        QVERIFY(parser.bufferedBytes() <= SseParser::DefaultMaxEventSize);
    }
    QVERIFY(failed);
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QCOMPARE(count, 0);

    // A larger limit accepts it.
    parser.reset();
    parser.setMaxEventSize(64 * 1024 * 1024);
    for (qsizetype pos = 0; pos < view.size(); pos += ChunkSize)
        QVERIFY(parser.feed(view.sliced(pos, qMin(ChunkSize, view.size() - pos))));
    parser.finish();
    QCOMPARE(count, 1);
    const QString data = received.data();
    QCOMPARE(data.size(), Size);
    QCOMPARE(data.at(0), QLatin1Char('a'));
    QCOMPARE(data.at(1), QLatin1Char('x'));
    QCOMPARE(data.at(Size / 2), QLatin1Char('m'));
    QCOMPARE(data.at(Size - 2), QLatin1Char('x'));
    QCOMPARE(data.at(Size - 1), QLatin1Char('z'));
    QCOMPARE(received.type(), QStringLiteral("message"));
    QCOMPARE(parser.bufferedBytes(), 0);
}

// 1,000,000 small events in 64 KiB chunks.
void tst_SseParserLimits::manyEvents()
{
    constexpr int Count = 1000000;
    QByteArray stream;
    stream.reserve(Count * 32);
    for (int i = 0; i < Count; ++i) {
        if (i % 2)
            stream.append("event: odd\n");
        stream.append("id: ");
        stream.append(QByteArray::number(i));
        stream.append("\ndata: payload ");
        stream.append(QByteArray::number(i));
        stream.append("\n\n");
    }

    int count = 0;
    int outOfOrder = 0;
    SseEvent first;
    SseEvent last;
    SseParser parser([&](const SseEvent &event) {
        if (count == 0)
            first = event;
        last = event;
        // Cheap per-event check: the id counts up, odd events are typed.
        const bool odd = count % 2;
        if (event.lastEventId().toInt() != count || (event.type() == QLatin1String("odd")) != odd)
            ++outOfOrder;
        ++count;
    });
    constexpr qsizetype ChunkSize = 64 * 1024;
    const QByteArrayView view(stream);
    for (qsizetype pos = 0; pos < view.size(); pos += ChunkSize)
        QVERIFY(parser.feed(view.sliced(pos, qMin(ChunkSize, view.size() - pos))));
    parser.finish();

    QCOMPARE(count, Count);
    QCOMPARE(outOfOrder, 0);
    QCOMPARE(first,
             SseEvent(QStringLiteral("message"), QStringLiteral("payload 0"), QStringLiteral("0")));
    QCOMPARE(last,
             SseEvent(QStringLiteral("odd"), QStringLiteral("payload 999999"),
                      QStringLiteral("999999")));
    QCOMPARE(parser.lastEventId(), QStringLiteral("999999"));
}

QTEST_MAIN(tst_SseParserLimits)
#include "tst_sseparser_limits.moc"
