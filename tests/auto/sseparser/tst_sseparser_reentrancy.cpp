// SPDX-License-Identifier: BSD-3-Clause
// SseParser re-entrancy: handlers that call reset(), reset() and feed(), or delete the parser,
// in the middle of a chunk or of a nested feed().
#include "sseparsertest.h"

#include <QtTest/qtest.h>

#include <utility>

using namespace ParserTest;

class tst_SseParserReentrancy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resetFromHandler_data();
    void resetFromHandler();
    void resetAndFeedFromHandler();
    void deleteFromHandler_data();
    void deleteFromHandler();
    void deleteFromNestedFeed();
};

// Re-entrancy: a handler that calls reset() stops the rest of the chunk from being parsed.
void tst_SseParserReentrancy::resetFromHandler_data()
{
    QTest::addColumn<QString>("handler"); // which handler calls reset()
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QStringList>("expected");

    const QByteArray stream = "id: 1\ndata: a\n\n: c\nretry: 5\ndata: b\n\n";
    const QStringList afterEvent = texts({"message|a|1"});
    const QStringList afterComment = texts({"message|a|1", "comment| c"});
    const QStringList afterRetry = texts({"message|a|1", "comment| c", "retry|5"});

    QTest::newRow("event, one chunk")
            << QStringLiteral("event") << QByteArrayList {stream} << afterEvent;
    QTest::newRow("comment, one chunk")
            << QStringLiteral("comment") << QByteArrayList {stream} << afterComment;
    QTest::newRow("retry, one chunk")
            << QStringLiteral("retry") << QByteArrayList {stream} << afterRetry;
    // The triggering line completed from the line buffer, with more lines behind it.
    QTest::newRow("event, blank line in the next chunk")
            << QStringLiteral("event")
            << QByteArrayList {"id: 1\ndata: a\n", "\n: c\nretry: 5\ndata: b\n\n"} << afterEvent;
    QTest::newRow("comment, split comment line")
            << QStringLiteral("comment")
            << QByteArrayList {"id: 1\ndata: a\n\n: ", "c\nretry: 5\ndata: b\n\n"} << afterComment;
    QTest::newRow("retry, split retry line")
            << QStringLiteral("retry")
            << QByteArrayList {"id: 1\ndata: a\n\n: c\nretry: ", "5\r\ndata: b\n\n"} << afterRetry;
    QTest::newRow("comment inside a pending event")
            << QStringLiteral("comment") << QByteArrayList {"id: 1\n\ndata: a\n: c\ndata: b\n\n"}
            << texts({"comment| c"});
    QTest::newRow("retry, CR at the chunk end")
            << QStringLiteral("retry")
            << QByteArrayList {"id: 1\ndata: a\n\n: c\nretry: 5\r", "\ndata: b\n\n"} << afterRetry;
}

void tst_SseParserReentrancy::resetFromHandler()
{
    QFETCH(QString, handler);
    QFETCH(QByteArrayList, chunks);
    QFETCH(QStringList, expected);

    Recorder recorder;
    SseParser parser;
    recorder.attach(parser);
    bool done = false;
    auto resetOnce = [&] {
        if (!std::exchange(done, true))
            parser.reset();
    };
    if (handler == QLatin1String("event")) {
        parser.setEventHandler([&](const SseEvent &event) {
            recorder.output.append(eventText(event));
            resetOnce();
        });
    } else if (handler == QLatin1String("comment")) {
        parser.setCommentHandler([&](const QString &comment) {
            recorder.output.append(QString(QLatin1String("comment|") + comment));
            resetOnce();
        });
    } else {
        parser.setRetryHandler([&](qint64 ms) {
            recorder.output.append(QString(QLatin1String("retry|") + QString::number(ms)));
            resetOnce();
        });
    }

    // Chunks after the one in which reset() happened belong to the new stream; the test stops
    // feeding there.
    for (const QByteArray &chunk : std::as_const(chunks)) {
        QVERIFY(parser.feed(chunk));
        if (done)
            break;
    }
    QVERIFY(done);
    QCOMPARE(recorder.output, expected);
    QCOMPARE(parser.bufferedBytes(), 0);

    // The parser is usable, as a new stream that starts with a BOM; the last event ID survived.
    QVERIFY(parser.feed(BOM "data: z\n\n"));
    QCOMPARE(recorder.output.last(), QStringLiteral("message|z|1"));
}

// A handler that resets the parser and feeds it the start of a new stream at once: the rest of
// the old chunk is not parsed into the new stream, and the new stream's bytes are kept.
void tst_SseParserReentrancy::resetAndFeedFromHandler()
{
    for (const bool splitComment : {false, true}) {
        Recorder recorder;
        SseParser parser;
        recorder.attach(parser);
        bool done = false;
        parser.setCommentHandler([&](const QString &comment) {
            recorder.output.append(QString(QLatin1String("comment|") + comment));
            if (std::exchange(done, true))
                return;
            parser.reset();
            // An unfinished event of the new stream, ending in an unfinished line.
            QVERIFY(parser.feed("data: new\ndata: mo"));
        });
        if (splitComment) {
            QVERIFY(parser.feed("data: old\n: x"));
            QVERIFY(parser.feed("\ndata: rest\n\n"));
        } else {
            QVERIFY(parser.feed("data: old\n: x\ndata: rest\n\n"));
        }
        QVERIFY(done);
        QCOMPARE(recorder.output, texts({"comment| x"}));
        QVERIFY(parser.feed("re\n\n"));
        QCOMPARE(recorder.output, texts({"comment| x", "message|new\nmore|"}));
    }

    // The same from the event handler.
    Recorder recorder;
    SseParser parser;
    recorder.attach(parser);
    bool done = false;
    parser.setEventHandler([&](const SseEvent &event) {
        recorder.output.append(eventText(event));
        if (std::exchange(done, true))
            return;
        parser.reset();
        QVERIFY(parser.feed("data: new"));
    });
    QVERIFY(parser.feed("data: old\n\ndata: rest\n\n"));
    QCOMPARE(recorder.output, texts({"message|old|"}));
    QVERIFY(parser.feed("\n\n"));
    QCOMPARE(recorder.output, texts({"message|old|", "message|new|"}));
}

// A handler may delete the parser (heap-allocated); the parser stops touching itself.
void tst_SseParserReentrancy::deleteFromHandler_data()
{
    QTest::addColumn<QString>("handler");
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QStringList>("expected");

    const QByteArray stream = "data: a\n\n: c\nretry: 5\ndata: b\n\n";
    const QByteArray big = pattern(5000);
    QTest::newRow("event") << QStringLiteral("event") << QByteArrayList {stream}
                           << texts({"message|a|"});
    QTest::newRow("comment") << QStringLiteral("comment") << QByteArrayList {stream}
                             << texts({"message|a|", "comment| c"});
    QTest::newRow("retry") << QStringLiteral("retry") << QByteArrayList {stream}
                           << texts({"message|a|", "comment| c", "retry|5"});
    QTest::newRow("event, split") << QStringLiteral("event")
                                  << QByteArrayList {"data: a\n", "\n: c\n"}
                                  << texts({"message|a|"});
    QTest::newRow("comment from the line buffer")
            << QStringLiteral("comment") << QByteArrayList {": ", "c\ndata: b\n\n"}
            << texts({"comment| c"});
    QTest::newRow("retry from the line buffer, CR")
            << QStringLiteral("retry") << QByteArrayList {"retry: ", "5\r", "\n"}
            << texts({"retry|5"});
    QTest::newRow("event after a long adopted line")
            << QStringLiteral("event")
            << QByteArrayList {"data: " + big.left(100), big.mid(100) + "\n\ndata: b\n\n"}
            << QStringList {QString(QStringLiteral("message|") + QString::fromLatin1(big) + u'|')};
    QTest::newRow("comment after BOM")
            << QStringLiteral("comment") << QByteArrayList {"\xEF", "\xBB\xBF:c\n:d\n"}
            << texts({"comment|c"});
}

void tst_SseParserReentrancy::deleteFromHandler()
{
    QFETCH(QString, handler);
    QFETCH(QByteArrayList, chunks);
    QFETCH(QStringList, expected);

    QStringList output;
    auto *parser = new SseParser;
    auto destroy = [&parser] {
        delete parser;
        parser = nullptr;
    };
    parser->setEventHandler([&](const SseEvent &event) {
        output.append(eventText(event));
        if (handler == QLatin1String("event"))
            destroy();
    });
    parser->setCommentHandler([&](const QString &comment) {
        output.append(QString(QLatin1String("comment|") + comment));
        if (handler == QLatin1String("comment"))
            destroy();
    });
    parser->setRetryHandler([&](qint64 ms) {
        output.append(QString(QLatin1String("retry|") + QString::number(ms)));
        if (handler == QLatin1String("retry"))
            destroy();
    });
    for (const QByteArray &chunk : std::as_const(chunks)) {
        parser->feed(chunk); // the result of a feed() that destroyed its parser is unspecified
        if (!parser)
            break;
    }
    QVERIFY(!parser);
    QCOMPARE(output, expected);
}

void tst_SseParserReentrancy::deleteFromNestedFeed()
{
    // A handler feeds the parser (nested feed()), and the inner event's handler deletes it: both
    // feeds stop.
    // The handler's closure lives in the parser: after the delete it must not touch its captures,
    // hence the helper on the stack.
    QStringList output;
    auto *parser = new SseParser;
    auto destroy = [&parser] {
        delete parser;
        parser = nullptr;
    };
    parser->setEventHandler([&](const SseEvent &event) {
        output.append(eventText(event));
        if (event.data() == QLatin1String("outer")) {
            parser->reset();
            parser->feed("data: inner\n\ndata: inner2\n\n");
        } else {
            destroy();
        }
    });
    parser->feed("data: outer\n\ndata: after\n\n");
    QVERIFY(!parser);
    QCOMPARE(output, texts({"message|outer|", "message|inner|"}));
}

QTEST_MAIN(tst_SseParserReentrancy)
#include "tst_sseparser_reentrancy.moc"
