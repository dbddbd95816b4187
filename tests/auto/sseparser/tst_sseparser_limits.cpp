// SPDX-License-Identifier: BSD-3-Clause
// SseParser's limits: maxEventSize() on lines and on an event's data, the error state and the
// recovery from it, the memory an idle parser holds, a 32 MiB event and a million small ones.
#include "sseparsertest.h"

#include <QtTest/qtest.h>

#include <algorithm>

#if defined(__GLIBC__)
#  include <malloc.h>
#endif

using namespace ParserTest;

class tst_SseParserLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limits_data();
    void limits();
    void errorStateAndRecovery();
    void memoryHeld_data();
    void memoryHeld();

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

// Heap bytes in use, mmapped blocks included (glibc 2.33+), or -1 where that cannot be
// measured: elsewhere, and under AddressSanitizer, whose quarantine and allocator say nothing
// about the parser's buffers (the sanitizer build checks the same run for memory errors).
static qint64 heapInUse()
{
#if defined(__SANITIZE_ADDRESS__)
    return -1;
#elif defined(__has_feature) && __has_feature(address_sanitizer)
    return -1;
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 heap = mallinfo2();
    return qint64(heap.uordblks + heap.hblkhd);
#else
    return -1;
#endif
}

// The bounds documented at SseParser::bufferedBytes(): an idle parser holds its last event ID
// (UTF-8 and UTF-16: at most 3 bytes per byte of it) and at most 140 KiB besides; after
// reset(), the last event ID alone. Measured after one event with an id:, an event: and a
// data: line each just under maxEventSize (1 MiB), which used to leave ~8 MiB behind.
void tst_SseParserLimits::memoryHeld_data()
{
    QTest::addColumn<int>("idSize"); // of the id: field's value
    QTest::addColumn<int>("chunkSize"); // 0: the whole stream at once
    QTest::addColumn<int>("nextIdSize"); // of a second, small event's id: field, or -1: none

    constexpr int Max = 1024 * 1024;
    constexpr int MaxId = Max - 1 - int(sizeof("id: ") - 1); // a line just under Max
    QTest::newRow("1 MiB id, one chunk") << MaxId << 0 << -1;
    QTest::newRow("1 MiB id, 64 KiB chunks") << MaxId << 64 * 1024 << -1;
    QTest::newRow("1 MiB id, 4 KiB chunks") << MaxId << 4 * 1024 << -1;
    QTest::newRow("short id, one chunk") << 1 << 0 << -1;
    QTest::newRow("short id, 64 KiB chunks") << 1 << 64 * 1024 << -1;
    QTest::newRow("1 MiB id, then another") << MaxId << 64 * 1024 << MaxId - 1;
    QTest::newRow("1 MiB id, then a short one") << MaxId << 64 * 1024 << 1;
    QTest::newRow("short id, then a 1 MiB one") << 1 << 64 * 1024 << MaxId;
}

void tst_SseParserLimits::memoryHeld()
{
    QFETCH(int, idSize);
    QFETCH(int, chunkSize);
    QFETCH(int, nextIdSize);

    constexpr qsizetype Max = 1024 * 1024;
    // See SseParser::bufferedBytes(); malloc adds its own rounding (mmapped blocks are whole
    // pages).
    constexpr qint64 Rounding = 16 * 1024;
    constexpr qint64 IdleSlack = 140 * 1024 + Rounding;
    constexpr qint64 ResetSlack = Rounding;
    auto line = [](const char *field, qsizetype size) -> QByteArray {
        return QByteArray(field) + pattern(size) + '\n';
    };
    QByteArray stream = line("id: ", idSize) + line("event: ", Max - 1 - 7)
            + line("data: ", Max - 1 - 6) + '\n';
    if (nextIdSize >= 0)
        stream += line("id: ", nextIdSize) + "data: x\n\n";
    const int lastIdSize = nextIdSize >= 0 ? nextIdSize : idSize;
    const QByteArrayView view(stream);
    const qsizetype chunk = chunkSize > 0 ? chunkSize : view.size();

    int events = 0;
    qsizetype typeSize = 0;
    qsizetype dataSize = 0;
    const qint64 baseline = heapInUse();
    qint64 afterEvent = 0;
    qint64 afterReset = 0;
    qint64 atDispatch = 0;
    {
        SseParser parser([&](const SseEvent &event) {
            if (++events > 1)
                return;
            atDispatch = heapInUse() - baseline;
            typeSize = event.type().size();
            dataSize = event.data().size();
        });
        parser.setMaxEventSize(Max);
        for (qsizetype pos = 0; pos < view.size(); pos += chunk)
            QVERIFY(parser.feed(view.sliced(pos, qMin(chunk, view.size() - pos))));
        QCOMPARE(events, nextIdSize >= 0 ? 2 : 1);
        QCOMPARE(typeSize, Max - 1 - 7);
        QCOMPARE(dataSize, Max - 1 - 6);
        QCOMPARE(parser.lastEventId().size(), lastIdSize);
        afterEvent = heapInUse() - baseline;

        parser.reset();
        afterReset = heapInUse() - baseline;
        QCOMPARE(parser.lastEventId().size(), lastIdSize); // sent as Last-Event-ID: kept
    }
    if (baseline < 0)
        QSKIP("heap use cannot be measured here (no glibc mallinfo2, or a sanitizer)");
    qInfo("last id of %d bytes: the parser holds %lld KiB after the event, %lld KiB after reset()",
          lastIdSize, afterEvent / 1024, afterReset / 1024);
    qInfo("while the event is handled the parser holds %lld KiB", atDispatch / 1024);
    const qint64 id = 3 * qint64(qMax(lastIdSize, 256));
    QVERIFY2(afterEvent <= id + IdleSlack, qPrintable(QString::number(afterEvent)));
    QVERIFY2(afterReset <= id + ResetSlack, qPrintable(QString::number(afterReset)));
    // The parser's term of the README's memory bound per stream: its ID, type and data each up
    // to maxEventSize, raw and decoded (measured: 9-11 MiB for 1 MiB each).
    QVERIFY2(atDispatch <= 12 * Max + Rounding, qPrintable(QString::number(atDispatch)));
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
