// SPDX-License-Identifier: BSD-3-Clause
#include <QtSse/SseEvent>
#include <QtSse/SseParser>

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <initializer_list>

// The rules come from the WHATWG HTML standard, "9.2.6 Interpreting an event stream", and the
// WHATWG Encoding standard's "UTF-8 decode" (one U+FFFD per maximal invalid subpart).
//
// Every row of parse_data() is run whole, split in two at every byte, byte by byte, in random
// chunks and through parseAll(): the result must not depend on the chunking. A row's expected
// result is normalised text, one entry per handler call in order:
//   "type|data|lastEventId" for an event, "comment|text" for a comment, "retry|ms" for a retry.

#define FFFD "\xEF\xBF\xBD" // U+FFFD REPLACEMENT CHARACTER in UTF-8
#define BOM "\xEF\xBB\xBF" // U+FEFF in UTF-8

namespace {

// A byte array from a string literal, embedded NULs included.
template<qsizetype N> QByteArray B(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QStringList texts(std::initializer_list<const char *> items)
{
    QStringList list;
    list.reserve(qsizetype(items.size()));
    for (const char *item : items)
        list.append(QString::fromUtf8(item));
    return list;
}

QString eventText(const SseEvent &event)
{
    return QString(event.type() + u'|' + event.data() + u'|' + event.lastEventId());
}

// Records every handler call of a parser as normalised text.
struct Recorder
{
    QStringList output;

    void attach(SseParser &parser)
    {
        parser.setEventHandler([this](const SseEvent &event) { output.append(eventText(event)); });
        parser.setCommentHandler([this](const QString &comment) {
            output.append(QString(QLatin1String("comment|") + comment));
        });
        parser.setRetryHandler([this](qint64 ms) {
            output.append(QString(QLatin1String("retry|") + QString::number(ms)));
        });
    }
};

struct Result
{
    QStringList output;
    QString lastEventId;
    bool ok = true; // every feed() returned true
    SseParser::Error error = SseParser::Error::NoError;

    bool operator==(const Result &other) const
    {
        return output == other.output && lastEventId == other.lastEventId && ok == other.ok
                && error == other.error;
    }
    bool operator!=(const Result &other) const { return !(*this == other); }
};

// Feeds the chunks to a fresh parser, then finish(). If maxBuffered >= 0, checks after every feed
// that bufferedBytes() stays within it (*boundViolated is set otherwise).
Result run(const QList<QByteArrayView> &chunks,
           qsizetype maxEventSize = SseParser::DefaultMaxEventSize, qsizetype maxBuffered = -1,
           bool *boundViolated = nullptr)
{
    Result result;
    Recorder recorder;
    SseParser parser;
    parser.setMaxEventSize(maxEventSize);
    recorder.attach(parser);
    for (QByteArrayView chunk : chunks) {
        if (!parser.feed(chunk))
            result.ok = false;
        if (maxBuffered >= 0 && parser.bufferedBytes() > maxBuffered && boundViolated)
            *boundViolated = true;
    }
    parser.finish();
    result.output = std::move(recorder.output);
    result.lastEventId = parser.lastEventId();
    result.error = parser.error();
    return result;
}

QList<QByteArrayView> whole(QByteArrayView input)
{
    return {input};
}

QList<QByteArrayView> splitAt(QByteArrayView input, qsizetype at)
{
    return {input.first(at), input.sliced(at)};
}

QList<QByteArrayView> bytewise(QByteArrayView input)
{
    QList<QByteArrayView> chunks;
    chunks.reserve(input.size());
    for (qsizetype i = 0; i < input.size(); ++i)
        chunks.append(input.sliced(i, 1));
    return chunks;
}

QList<QByteArrayView> randomChunks(QByteArrayView input, QRandomGenerator &random)
{
    QList<QByteArrayView> chunks;
    qsizetype pos = 0;
    while (pos < input.size()) {
        // Empty chunks too: they must change nothing.
        const qsizetype len = qMin(input.size() - pos, qsizetype(random.bounded(0, 9)));
        chunks.append(input.sliced(pos, len));
        pos += len;
    }
    return chunks;
}

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[i % 36];
    return bytes;
}

} // namespace

class tst_SseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void parseSplit_data() { parse_data(); }
    void parseSplit();
    void parseBytewise_data() { parse_data(); }
    void parseBytewise();
    void parseRandomChunks_data() { parse_data(); }
    void parseRandomChunks();
    void parseAll_data() { parse_data(); }
    void parseAll();

    void chunks_data();
    void chunks();
    void reset_data();
    void reset();
    void setLastEventId();
    void defaults();
    void noHandlers();

    void limits_data();
    void limits();
    void errorStateAndRecovery();

    void resetFromHandler_data();
    void resetFromHandler();
    void resetAndFeedFromHandler();
    void deleteFromHandler_data();
    void deleteFromHandler();
    void deleteFromNestedFeed();

    void largeEvent();
    void manyEvents();
};

void tst_SseParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("lastEventId"); // after finish()

    auto row = [](const char *name, const QByteArray &input,
                  std::initializer_list<const char *> expected, const char *lastEventId = "") {
        QTest::newRow(name) << input << texts(expected) << QString::fromUtf8(lastEventId);
    };

    // Byte order mark: one leading U+FEFF is dropped by the UTF-8 decoder; any other is data.
    row("bom: leading BOM ignored", B(BOM "data: a\n\n"), {"message|a|"});
    row("bom: alone", B(BOM), {});
    row("bom: before a comment", B(BOM ": c\n"), {"comment| c"});
    row("bom: second BOM is data", B(BOM BOM "data: a\n\n"), {});
    row("bom: second BOM before a comment", B(BOM BOM ": c\n"), {});
    row("bom: BOM in a value is kept", B(BOM "data: " BOM "a\n\n"), {"message|" BOM "a|"});
    row("bom: only at the stream start", B("data: a\n\n" BOM "data: b\n\n"), {"message|a|"});
    row("bom: not after a blank line", B("\n" BOM "data: a\n\n"), {});
    row("bom: comment starting with a BOM", B(":" BOM "\n"), {"comment|" BOM});
    row("bom: truncated BOM is data",
        B("\xEF\xBB"
          "data: a\n\n"),
        {});
    row("bom: truncated BOM then a line break", B("\xEF\xBB\ndata: a\n\n"), {"message|a|"});
    row("bom: first BOM byte then CRLF", B("\xEF\r\ndata: a\n\n"), {"message|a|"});
    row("bom: third byte differs",
        B("\xEF\xBB\xBE"
          "data: a\n\n"),
        {});
    row("bom: empty stream", B(""), {});

    // Line endings: CRLF, LF and CR, in any mix; CRLF is one line break.
    row("eol: LF", B("data: a\n\n"), {"message|a|"});
    row("eol: CRLF", B("data: a\r\n\r\n"), {"message|a|"});
    row("eol: CR", B("data: a\r\r"), {"message|a|"});
    row("eol: mixed in one event", B("data: a\rdata: b\ndata: c\r\n\n"), {"message|a\nb\nc|"});
    row("eol: mixed blank lines", B("data: a\r\n\rdata: b\n\r\ndata: c\r\n\n"),
        {"message|a|", "message|b|", "message|c|"});
    row("eol: CRLF is one line break", B("data: a\r\ndata: b\r\n\r\n"), {"message|a\nb|"});
    row("eol: LF CR is two line breaks", B("data: a\n\rdata: b\n\n"), {"message|a|", "message|b|"});
    row("eol: CR CRLF is two line breaks", B("data: a\r\r\ndata: b\n\n"),
        {"message|a|", "message|b|"});
    row("eol: CRLF LF is two line breaks", B("data: a\r\n\ndata: b\r\n\r\n"),
        {"message|a|", "message|b|"});
    row("eol: many blank lines", B("\n\r\n\r\ndata: a\n\n\n\r\r\ndata: b\r\r"),
        {"message|a|", "message|b|"});
    row("eol: a line of spaces is not blank", B("data: a\n \ndata: b\n\n"), {"message|a\nb|"});
    row("eol: CR ends the blank line at the end", B("data: a\n\r"), {"message|a|"});

    // Comments: reported with what follows the colon, never dispatched.
    row("comment: leading space kept", B(": hello\n"), {"comment| hello"});
    row("comment: no space", B(":hello\n"), {"comment|hello"});
    row("comment: empty", B(":\n"), {"comment|"});
    row("comment: colons", B("::a:b\n"), {"comment|:a:b"});
    row("comment: not dispatched", B(": x\n\n"), {"comment| x"});
    row("comment: inside an event", B("data: a\n: c\ndata: b\n\n"),
        {"comment| c", "message|a\nb|"});
    row("comment: UTF-8", B(": \xC3\xA9\n"), {"comment| \xC3\xA9"});
    row("comment: invalid UTF-8",
        B(":\xFF"
          "a\n"),
        {"comment|" FFFD "a"});
    row("comment: CR, CRLF and LF", B(":a\r:b\r\n:c\n"), {"comment|a", "comment|b", "comment|c"});
    row("comment: unterminated at the end", B("data: a\n\n: x"), {"message|a|"});
    row("comment: looks like a field", B(":data: a\n\n"), {"comment|data: a"});
    row("comment: space before the colon is a field", B(" : x\n"), {});

    // Fields: the name up to the first colon, one leading space of the value removed.
    row("field: one space removed", B("data: a\n\n"), {"message|a|"});
    row("field: no space", B("data:a\n\n"), {"message|a|"});
    row("field: two spaces keep one", B("data:  a\n\n"), {"message| a|"});
    row("field: trailing space kept", B("data: a \n\n"), {"message|a |"});
    row("field: tab kept", B("data:\ta\n\n"), {"message|\ta|"});
    row("field: no colon means empty value", B("data\n\n"), {"message||"});
    row("field: colon and empty value", B("data:\n\n"), {"message||"});
    row("field: colon and one space", B("data: \n\n"), {"message||"});
    row("field: value with a colon", B("data: a:b\n\n"), {"message|a:b|"});
    row("field: value with colon and space", B("data: a: b\n\n"), {"message|a: b|"});
    row("field: value is a colon", B("data::\n\n"), {"message|:|"});
    row("field: unknown ignored", B("foo: bar\ndata: a\n\n"), {"message|a|"});
    row("field: unknown alone", B("foo: bar\n\n"), {});
    row("field: unknown without colon", B("foo\n\n"), {});
    row("field: names are case-sensitive", B("Data: a\nDATA: b\n\n"), {});
    row("field: Event is not event", B("Event: x\ndata: a\n\n"), {"message|a|"});
    row("field: ID is not id", B("ID: 1\ndata: a\n\n"), {"message|a|"});
    row("field: Retry is not retry", B("Retry: 5\n"), {});
    row("field: space before the colon", B("data : a\n\n"), {});
    row("field: space before the name", B(" data: a\n\n"), {});
    row("field: longer and shorter names", B("datas: a\ndat: b\nidd: 1\n\n"), {});
    row("field: non-ASCII name", B("d\xC3\xA1ta: a\n\n"), {});
    row("field: NUL in the name", B("data\0: a\nid\0: 1\n\n"), {});

    // The data buffer: lines joined with LF, the final LF removed.
    row("data: two lines", B("data: a\ndata: b\n\n"), {"message|a\nb|"});
    row("data: empty then value", B("data\ndata: b\n\n"), {"message|\nb|"});
    row("data: value then empty", B("data: a\ndata\n\n"), {"message|a\n|"});
    row("data: two empty lines", B("data\ndata\n\n"), {"message|\n|"});
    row("data: empty line in the middle", B("data: a\ndata\ndata: b\n\n"), {"message|a\n\nb|"});
    row("data: two events", B("data: a\n\ndata: b\n\n"), {"message|a|", "message|b|"});
    row("data: JSON", B("data: {\"a\": [1, 2]}\n\n"), {"message|{\"a\": [1, 2]}|"});
    row("data: UTF-8 of 2, 3 and 4 bytes", B("data: \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n\n"),
        {"message|\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|"});
    row("data: lone continuation byte",
        B("data: a\x80"
          "b\n\n"),
        {"message|a" FFFD "b|"});
    row("data: sequence truncated by the line end", B("data: \xE2\x82\n\n"), {"message|" FFFD "|"});
    row("data: sequence split over two data lines", B("data: \xE2\ndata: \x82\xAC\n\n"),
        {"message|" FFFD "\n" FFFD FFFD "|"});
    row("data: maximal subparts",
        B("data: a\xF1\x80\x80\xE1\x80\xC2"
          "b\x80"
          "c\x80\xBF"
          "d\n\n"),
        {"message|a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d|"});
    row("data: surrogate", B("data: \xED\xA0\x80\n\n"), {"message|" FFFD FFFD FFFD "|"});
    row("data: overlong", B("data: \xC0\xAF\n\n"), {"message|" FFFD FFFD "|"});
    row("data: above U+10FFFF", B("data: \xF4\x90\x80\x80\n\n"),
        {"message|" FFFD FFFD FFFD FFFD "|"});
    row("data: FF FE", B("data: \xFF\xFE\n\n"), {"message|" FFFD FFFD "|"});
    row("data: invalid bytes then ASCII", B("data: \xE2\x82x\xE2(x\n\n"),
        {"message|" FFFD "x" FFFD "(x|"});

    // Dispatch: nothing when the data buffer is empty; the event type is reset either way.
    row("dispatch: no data, no event", B("event: x\n\n"), {});
    row("dispatch: type reset without data", B("event: x\n\ndata: a\n\n"), {"message|a|"});
    row("dispatch: blank lines only", B("\n\n\n"), {});

    // The event type.
    row("event: type", B("event: add\ndata: a\n\n"), {"add|a|"});
    row("event: empty is message", B("event:\ndata: a\n\n"), {"message|a|"});
    row("event: no colon is message", B("event\ndata: a\n\n"), {"message|a|"});
    row("event: empty resets an earlier one", B("event: a\nevent\ndata: x\n\n"), {"message|x|"});
    row("event: last one wins", B("event: a\nevent: b\ndata: x\n\n"), {"b|x|"});
    row("event: after the data", B("data: x\nevent: a\n\n"), {"a|x|"});
    row("event: reset after dispatch", B("event: a\ndata: x\n\ndata: y\n\n"),
        {"a|x|", "message|y|"});
    row("event: same type twice", B("event: a\ndata: x\n\nevent: a\ndata: y\n\n"),
        {"a|x|", "a|y|"});
    row("event: types alternate",
        B("event: a\ndata: x\n\nevent: b\ndata: y\n\nevent: a\ndata: z\n\n"),
        {"a|x|", "b|y|", "a|z|"});
    row("event: two spaces keep one", B("event:  a\ndata: x\n\n"), {" a|x|"});
    row("event: UTF-8", B("event: \xC3\xA9\ndata: x\n\n"), {"\xC3\xA9|x|"});
    row("event: invalid UTF-8", B("event: \xFF\ndata: x\n\n"), {FFFD "|x|"});
    row("event: explicit message", B("event: message\ndata: x\n\n"), {"message|x|"});

    // The last event ID: set at dispatch, kept across events, "" resets it, NUL is ignored.
    row("id: set", B("id: 1\ndata: a\n\n"), {"message|a|1"}, "1");
    row("id: persists", B("id: 1\ndata: a\n\ndata: b\n\n"), {"message|a|1", "message|b|1"}, "1");
    row("id: after the data", B("data: a\nid: 1\n\n"), {"message|a|1"}, "1");
    row("id: id-only block commits", B("id: 5\n\n"), {}, "5");
    row("id: id-only block then event", B("id: 5\n\ndata: a\n\n"), {"message|a|5"}, "5");
    row("id: last one wins", B("id: 1\nid: 2\ndata: a\n\n"), {"message|a|2"}, "2");
    row("id: empty resets", B("id: 1\ndata: a\n\nid\ndata: b\n\n"), {"message|a|1", "message|b|"});
    row("id: empty after colon resets", B("id: 1\n\nid:\n\n"), {});
    row("id: NUL ignored",
        B("id: 1\ndata: a\n\nid: 2\0"
          "3\ndata: b\n\n"),
        {"message|a|1", "message|b|1"}, "1");
    row("id: only NUL ignored", B("id: 7\n\nid: \0\n\n"), {}, "7");
    row("id: NUL keeps the earlier id of the block", B("id: 1\nid: \0\ndata: a\n\n"),
        {"message|a|1"}, "1");
    row("id: spaces", B("id:  7 \ndata: a\n\n"), {"message|a| 7 "}, " 7 ");
    row("id: with a colon", B("id: a:b\ndata: x\n\n"), {"message|x|a:b"}, "a:b");
    row("id: UTF-8", B("id: \xC3\xA9\ndata: a\n\n"), {"message|a|\xC3\xA9"}, "\xC3\xA9");
    row("id: invalid UTF-8", B("id: \xFF\ndata: a\n\n"), {"message|a|" FFFD}, FFFD);
    row("id: with empty data", B("id: 3\ndata\n\n"), {"message||3"}, "3");
    row("id: unterminated event not committed", B("id: 1\ndata: a\n\nid: 2\ndata: b\n"),
        {"message|a|1"}, "1");
    row("id: unterminated id-only block not committed", B("id: 1\n\nid: 2\n"), {}, "1");
    row("id: unterminated id line", B("id: 1\n\nid: 2"), {}, "1");

    // retry: only ASCII digits.
    row("retry: value", B("retry: 1000\n"), {"retry|1000"});
    row("retry: no space", B("retry:5\n"), {"retry|5"});
    row("retry: zero", B("retry: 0\n"), {"retry|0"});
    row("retry: leading zeros", B("retry: 007\n"), {"retry|7"});
    row("retry: letters", B("retry: 10x\n"), {});
    row("retry: negative", B("retry: -1\n"), {});
    row("retry: decimal", B("retry: 1.5\n"), {});
    row("retry: empty", B("retry:\n"), {});
    row("retry: no colon", B("retry\n"), {});
    row("retry: one space only", B("retry: \n"), {});
    row("retry: two spaces", B("retry:  10\n"), {});
    row("retry: plus sign", B("retry: +10\n"), {});
    row("retry: trailing space", B("retry: 10 \n"), {});
    row("retry: exponent", B("retry: 1e3\n"), {});
    row("retry: fullwidth digit", B("retry: \xEF\xBC\x91\n"), {});
    // The standard sets no upper bound; the parser saturates at INT_MAX (a QTimer interval).
    row("retry: huge value saturates", B("retry: 99999999999999999999999\n"), {"retry|2147483647"});
    row("retry: not dispatched", B("retry: 5\n\n"), {"retry|5"});
    row("retry: inside an event", B("data: a\nretry: 5\n\n"), {"retry|5", "message|a|"});
    row("retry: several", B("retry: 1\nretry: x\nretry: 2\n"), {"retry|1", "retry|2"});
    row("retry: unterminated", B("retry: 5"), {});

    // The end of the stream: an event without its blank line is discarded.
    row("eos: unterminated line", B("data: a"), {});
    row("eos: unterminated event", B("data: a\n"), {});
    row("eos: unterminated event after CRLF", B("data: a\r\n"), {});
    row("eos: CR ends the line, not the event", B("data: a\r"), {});
    row("eos: after a dispatched event", B("data: a\n\ndata: b\n"), {"message|a|"});
    row("eos: typed event discarded", B("event: x\ndata: a\n"), {});

    // The standard's own examples.
    row("spec: three messages",
        B("data: This is the first message.\n\n"
          "data: This is the second message, it\n"
          "data: has two lines.\n\n"
          "data: This is the third message.\n\n"),
        {"message|This is the first message.|",
         "message|This is the second message, it\nhas two lines.|",
         "message|This is the third message.|"});
    row("spec: event types",
        B("event: add\ndata: 73857293\n\n"
          "event: remove\ndata: 2153\n\n"
          "event: add\ndata: 113411\n\n"),
        {"add|73857293|", "remove|2153|", "add|113411|"});
    row("spec: test stream",
        B(": test stream\n\n"
          "data: first event\nid: 1\n\n"
          "data:second event\nid\n\n"
          "data:  third event\n"),
        {"comment| test stream", "message|first event|1", "message|second event|"});
    row("spec: empty data", B("data\n\ndata\ndata\n\ndata:"), {"message||", "message|\n|"});
    row("spec: identical events", B("data:test\n\ndata: test\n\n"),
        {"message|test|", "message|test|"});

    // Lines longer than the parser's internal adoption threshold (4 KiB), so that a line split
    // over chunks takes the path where the line buffer becomes the data buffer.
    const QByteArray big = pattern(5000);
    const QString bigText = QString::fromLatin1(big);
    QTest::newRow("large: one long data line")
            << QByteArray("data: " + big + "\n\n")
            << QStringList {QString(QStringLiteral("message|") + bigText + u'|')} << QString();
    QTest::newRow("large: long data line without space")
            << QByteArray("data:" + big + "\n\n")
            << QStringList {QString(QStringLiteral("message|") + bigText + u'|')} << QString();
    QTest::newRow("large: long line then more lines")
            << QByteArray("data: " + big + "\r\n: c\r\ndata: b\r\nid: 9\r\ndata\r\n\r\n")
            << QStringList {QStringLiteral("comment| c"),
                            QString(QStringLiteral("message|") + bigText
                                    + QStringLiteral("\nb\n|9"))}
            << QStringLiteral("9");
    QTest::newRow("large: short line then a long line")
            << QByteArray("data: a\ndata: " + big + "\n\ndata: " + big + "\n\n")
            << QStringList {QString(QStringLiteral("message|a\n") + bigText + u'|'),
                            QString(QStringLiteral("message|") + bigText + u'|')}
            << QString();
    QTest::newRow("large: long line, then two events")
            << QByteArray("data: " + big + "\n\ndata: x\n\ndata: y\n\n")
            << QStringList {QString(QStringLiteral("message|") + bigText + u'|'),
                            QStringLiteral("message|x|"), QStringLiteral("message|y|")}
            << QString();
    QTest::newRow("large: long comment and id")
            << QByteArray(":" + big + "\nid: " + big + "\ndata: a\n\n")
            << QStringList {QString(QStringLiteral("comment|") + bigText),
                            QString(QStringLiteral("message|a|") + bigText)}
            << bigText;

    // U+0000 in data is kept.
    QTest::newRow("data: NUL kept")
            << B("data: a\0b\n\n")
            << QStringList {QString(QStringLiteral("message|a") + QChar(0) + QStringLiteral("b|"))}
            << QString();
}

void tst_SseParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    const Result result = run(whole(input));
    QCOMPARE(result.output, expected);
    QCOMPARE(result.lastEventId, lastEventId);
    QVERIFY(result.ok);
    QCOMPARE(result.error, SseParser::Error::NoError);
}

void tst_SseParser::parseSplit()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    const Result reference = run(whole(input));
    for (qsizetype at = 0; at <= input.size(); ++at) {
        const Result result = run(splitAt(input, at));
        if (result != reference) {
            qWarning("input split at byte %lld", qint64(at));
            QCOMPARE(result.output, expected);
            QCOMPARE(result.lastEventId, lastEventId);
            QCOMPARE(result.ok, reference.ok);
            QCOMPARE(result.error, reference.error);
        }
    }
}

void tst_SseParser::parseBytewise()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    const Result result = run(bytewise(input));
    QCOMPARE(result.output, expected);
    QCOMPARE(result.lastEventId, lastEventId);
    QVERIFY(result.ok);
}

void tst_SseParser::parseRandomChunks()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    QRandomGenerator random(20240601); // fixed: the test is deterministic
    for (int round = 0; round < 20; ++round) {
        const Result result = run(randomChunks(input, random));
        if (result.output != expected || result.lastEventId != lastEventId || !result.ok) {
            qWarning("random chunking, round %d", round);
            QCOMPARE(result.output, expected);
            QCOMPARE(result.lastEventId, lastEventId);
            QVERIFY(result.ok);
        }
    }
}

void tst_SseParser::parseAll()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    QStringList expectedEvents;
    for (const QString &entry : std::as_const(expected)) {
        if (!entry.startsWith(QLatin1String("comment|"))
            && !entry.startsWith(QLatin1String("retry|")))
            expectedEvents.append(entry);
    }

    QString id = QStringLiteral("unset");
    const QList<SseEvent> events = SseParser::parseAll(input, &id);
    QStringList output;
    for (const SseEvent &event : events)
        output.append(eventText(event));
    QCOMPARE(output, expectedEvents);
    QCOMPARE(id, lastEventId);

    // The out-parameter is optional.
    QCOMPARE(SseParser::parseAll(input).size(), events.size());
}

// Explicit chunkings that matter: a CRLF, a BOM and a long line split over chunks.
void tst_SseParser::chunks_data()
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

void tst_SseParser::chunks()
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
void tst_SseParser::reset_data()
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

void tst_SseParser::reset()
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

void tst_SseParser::setLastEventId()
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

void tst_SseParser::defaults()
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

void tst_SseParser::noHandlers()
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

// maxEventSize() bounds a line (without its line break) and the data of one event.
void tst_SseParser::limits_data()
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

void tst_SseParser::limits()
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

void tst_SseParser::errorStateAndRecovery()
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

// Re-entrancy: a handler that calls reset() stops the rest of the chunk from being parsed.
void tst_SseParser::resetFromHandler_data()
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

void tst_SseParser::resetFromHandler()
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
void tst_SseParser::resetAndFeedFromHandler()
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
void tst_SseParser::deleteFromHandler_data()
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

void tst_SseParser::deleteFromHandler()
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

void tst_SseParser::deleteFromNestedFeed()
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

// One event with a 32 MiB data line, fed in 64 KiB chunks.
void tst_SseParser::largeEvent()
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
void tst_SseParser::manyEvents()
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

QTEST_MAIN(tst_SseParser)
#include "tst_sseparser.moc"
