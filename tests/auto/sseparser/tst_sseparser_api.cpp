// SPDX-License-Identifier: BSD-3-Clause
// SseParser's API around the parsing: explicit chunkings that matter, reset() between streams,
// setLastEventId(), the defaults, and feeding without handlers.
#include "sseparsertest.h"

#include <QtTest/qtest.h>

using namespace ParserTest;

class tst_SseParserApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chunks_data();
    void chunks();
    void reset_data();
    void reset();
    void setLastEventId();
    void defaults();
    void noHandlers();
    void eventHasId_data();
    void eventHasId();
};

// Explicit chunkings that matter: a CRLF, a BOM and a long line split over chunks.
void tst_SseParserApi::chunks_data()
{
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("CRLF split over chunks")
            << QByteArrayList {"data: a\r", "\ndata: b\r", "\n\r", "\n"}
            << texts({"message|a\nb|"});
    QTest::newRow("CR at a chunk end, then a line")
            << QByteArrayList {"data: a\r", "data: b\r", "\r"} << texts({"message|a\nb|"});
    QTest::newRow("CR at a chunk end, then CR")
            << QByteArrayList {"data: a\r", "\r"} << texts({"message|a|"});
    QTest::newRow("CR, empty chunk, LF")
            << QByteArrayList {"data: a\r", "", "\ndata: b\n\n"} << texts({"message|a\nb|"});
    QTest::newRow("CR, LF, LF in three chunks")
            << QByteArrayList {"data: a\r", "\n", "\n"} << texts({"message|a|"});
    QTest::newRow("BOM byte by byte")
            << QByteArrayList {"\xEF", "\xBB", "\xBF", "data: a\n\n"} << texts({"message|a|"});
    QTest::newRow("BOM with empty chunks")
            << QByteArrayList {"", "\xEF", "", "\xBB\xBF", "", "data: a\n\n"}
            << texts({"message|a|"});
    QTest::newRow("BOM split, second BOM")
            << QByteArrayList {"\xEF\xBB", "\xBF\xEF", "\xBB\xBF", "data: a\n\n"} << QStringList();
    QTest::newRow("partial BOM, then CR")
            << QByteArrayList {"\xEF\xBB", "\r", "\ndata: a\n\n"} << texts({"message|a|"});
    QTest::newRow("partial BOM, then a comment")
            << QByteArrayList {"\xEF", ":x\n"} << QStringList();
    QTest::newRow("UTF-8 sequence split over chunks")
            << QByteArrayList {"data: \xF0\x9F", "\x98", "\x80\n\n"}
            << texts({"message|\xF0\x9F\x98\x80|"});
    const QByteArray big = pattern(10000);
    QTest::newRow("long line in many chunks")
            << QByteArrayList {"data: ",      big.left(3000), big.mid(3000, 3000),
                               big.mid(6000), "\ndata: b\n",  "\n"}
            << QStringList {QString(QStringLiteral("message|") + QString::fromLatin1(big)
                                    + QStringLiteral("\nb|"))};
    QTest::newRow("long line, blank line in the next chunk")
            << QByteArrayList {"data: " + big.left(5000), big.mid(5000) + '\n', "\n"}
            << QStringList {QString(QStringLiteral("message|") + QString::fromLatin1(big) + u'|')};
}

void tst_SseParserApi::chunks()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QStringList, expected);

    QList<QByteArrayView> views;
    for (const QByteArray &chunk : std::as_const(chunks))
        views.append(chunk);
    const Result result = run(views);
    QCOMPARE(result.output, expected);
    QVERIFY(result.ok);
    QCOMPARE(run(whole(chunks.join())).output, expected);
}

// reset() between two streams: buffers, the pending event and the BOM state go, the committed
// last event ID stays.
void tst_SseParserApi::reset_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("lastEventId");

    auto row = [](const char *name, const QByteArray &before, const QByteArray &after,
                  std::initializer_list<const char *> expected, const char *lastEventId = "") {
        QTest::newRow(name) << before << after << texts(expected) << QString::fromUtf8(lastEventId);
    };
    row("drops the pending event", B("data: a\n"), B("data: b\n\n"), {"message|b|"});
    row("drops a partial line", B("data: a\n\ndata: b"), B("\n\n"), {"message|a|"});
    row("drops a partial field name", B("da"), B("ta: x\n\ndata: y\n\n"), {"message|y|"});
    row("drops the event type", B("event: x\n"), B("data: a\n\n"), {"message|a|"});
    row("keeps the committed id", B("id: 1\n\n"), B("data: a\n\n"), {"message|a|1"}, "1");
    row("drops an uncommitted id", B("id: 1\n\nid: 2\n"), B("data: a\n\n"), {"message|a|1"}, "1");
    row("an id after reset", B("id: 1\n\n"), B("id: 2\ndata: a\n\n"), {"message|a|2"}, "2");
    row("re-arms the BOM", B(BOM "data: a\n\n"), B(BOM "data: b\n\n"),
        {"message|a|", "message|b|"});
    row("re-arms the BOM after a stream without", B("data: a\n\n"), B(BOM ": c\n"),
        {"message|a|", "comment| c"});
    row("one BOM after reset", B("data: a\n\n"), B(BOM BOM "data: b\n\n"), {"message|a|"});
    row("drops a partial BOM", B("\xEF\xBB"),
        B("\xBF"
          "data: a\n\n"),
        {});
    row("partial BOM, then a full one", B("\xEF\xBB"), B(BOM "data: a\n\n"), {"message|a|"});
    row("nothing before", B(""), B("data: a\n\n"), {"message|a|"});
}

void tst_SseParserApi::reset()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    auto runWithReset = [](const QList<QByteArrayView> &first,
                           const QList<QByteArrayView> &second) {
        Result result;
        Recorder recorder;
        SseParser parser;
        recorder.attach(parser);
        for (QByteArrayView chunk : first)
            result.ok = parser.feed(chunk) && result.ok;
        parser.reset();
        if (parser.bufferedBytes() != 0)
            result.ok = false;
        for (QByteArrayView chunk : second)
            result.ok = parser.feed(chunk) && result.ok;
        parser.finish();
        result.output = recorder.output;
        result.lastEventId = parser.lastEventId();
        return result;
    };

    const Result reference = runWithReset(whole(before), whole(after));
    QCOMPARE(reference.output, expected);
    QCOMPARE(reference.lastEventId, lastEventId);
    QVERIFY(reference.ok);

    QCOMPARE(runWithReset(bytewise(before), bytewise(after)), reference);
    for (qsizetype at = 0; at <= before.size(); ++at)
        QCOMPARE(runWithReset(splitAt(before, at), whole(after)), reference);
    for (qsizetype at = 0; at <= after.size(); ++at)
        QCOMPARE(runWithReset(whole(before), splitAt(after, at)), reference);
}

void tst_SseParserApi::setLastEventId()
{
    Recorder recorder;
    SseParser parser;
    recorder.attach(parser);
    parser.setLastEventId(QStringLiteral("42"));
    QCOMPARE(parser.lastEventId(), QStringLiteral("42"));

    // It is the id of the following events, until an id: field changes it.
    parser.feed("data: a\n\n");
    parser.feed("id\n\n"); // an id-only block with an empty id resets it
    parser.feed("data: b\n\n");
    QCOMPARE(recorder.output, texts({"message|a|42", "message|b|"}));
    QCOMPARE(parser.lastEventId(), QString());

    // Set while an event is pending: the pending event gets the new id unless it has its own.
    parser.feed("data: c\n");
    parser.setLastEventId(QStringLiteral("\u00e9"));
    parser.feed("\n");
    QCOMPARE(recorder.output.last(), QString::fromUtf8("message|c|\xC3\xA9"));

    // An uncommitted id is discarded by finish(): the set one remains.
    parser.feed("id: 7\ndata: d\n");
    parser.finish();
    QCOMPARE(parser.lastEventId(), QString::fromUtf8("\xC3\xA9"));

    // It survives reset(), and an id: field overrides it.
    parser.setLastEventId(QStringLiteral("x"));
    parser.reset();
    QCOMPARE(parser.lastEventId(), QStringLiteral("x"));
    parser.feed("data: e\n\nid: y\n\n");
    QCOMPARE(recorder.output.last(), QStringLiteral("message|e|x"));
    QCOMPARE(parser.lastEventId(), QStringLiteral("y"));

    // Setting it to what it was, then a block with that same id: no change.
    parser.setLastEventId(QStringLiteral("y"));
    parser.feed("id: y\ndata: f\n\n");
    QCOMPARE(recorder.output.last(), QStringLiteral("message|f|y"));
}

void tst_SseParserApi::defaults()
{
    SseParser parser;
    QCOMPARE(parser.error(), SseParser::Error::NoError);
    QVERIFY(parser.errorString().isEmpty());
    QCOMPARE(parser.maxEventSize(), SseParser::DefaultMaxEventSize);
    QCOMPARE(parser.lastEventId(), QString());
    QCOMPARE(parser.bufferedBytes(), 0);

    parser.setMaxEventSize(100);
    QCOMPARE(parser.maxEventSize(), 100);
    parser.setMaxEventSize(0); // at least one byte
    QCOMPARE(parser.maxEventSize(), 1);
    parser.setMaxEventSize(-5);
    QCOMPARE(parser.maxEventSize(), 1);

    // bufferedBytes() counts an unfinished line and the pending data.
    parser.setMaxEventSize(SseParser::DefaultMaxEventSize);
    QVERIFY(parser.feed("data: abc\ndata: de"));
    QVERIFY(parser.bufferedBytes() >= 3 + 8);
    QVERIFY(parser.feed("\n\n"));
    QCOMPARE(parser.bufferedBytes(), 0);

    // The constructor's handler.
    QStringList output;
    SseParser withHandler([&output](const SseEvent &event) { output.append(eventText(event)); });
    withHandler.feed("data: a\n\n");
    QCOMPARE(output, texts({"message|a|"}));
}

void tst_SseParserApi::noHandlers()
{
    SseParser parser;
    QVERIFY(parser.feed(": c\nretry: 5\nid: 1\ndata: a\n\n"));
    QCOMPARE(parser.lastEventId(), QStringLiteral("1"));

    // Handlers can be replaced and cleared.
    QStringList output;
    parser.setEventHandler([&output](const SseEvent &event) { output.append(eventText(event)); });
    QVERIFY(parser.feed("data: b\n\n"));
    parser.setEventHandler(nullptr);
    QVERIFY(parser.feed("data: c\n\n"));
    QCOMPARE(output, texts({"message|b|1"}));
}

void tst_SseParserApi::eventHasId_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QList<bool>>("hasId"); // per event
    QTest::newRow("none") << QByteArray("data: a\n\ndata: b\n\n") << QList<bool> {false, false};
    QTest::newRow("each") << QByteArray("id: 1\ndata: a\n\nid: 2\ndata: b\n\n")
                          << QList<bool> {true, true};
    // The ID persists, the field does not.
    QTest::newRow("then none") << QByteArray("id: 1\ndata: a\n\ndata: b\n\n")
                               << QList<bool> {true, false};
    // The same ID again is a field of its own; an empty id: field too.
    QTest::newRow("repeated") << QByteArray("id: 1\ndata: a\n\nid: 1\ndata: b\n\nid\ndata: c\n\n")
                              << QList<bool> {true, true, true};
    // An id: in an event without data is not dispatched, and not carried to the next.
    QTest::newRow("id without data") << QByteArray("id: 5\n\ndata: a\n\n") << QList<bool> {false};
}

void tst_SseParserApi::eventHasId()
{
    QFETCH(QByteArray, stream);
    QFETCH(QList<bool>, hasId);
    QList<bool> seen;
    SseParser *parserPtr = nullptr;
    SseParser parser([&](const SseEvent &) { seen.append(parserPtr->eventHasId()); });
    parserPtr = &parser;
    QVERIFY(!parser.eventHasId());
    QVERIFY(parser.feed(stream));
    QCOMPARE(seen, hasId);
}

QTEST_MAIN(tst_SseParserApi)
#include "tst_sseparser_api.moc"
