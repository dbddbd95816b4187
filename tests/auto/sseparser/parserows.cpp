// SPDX-License-Identifier: BSD-3-Clause
// The rows of tst_sseparser_conformance's parse_data(): one table, kept whole in one file (a
// little under 300 lines), grouped by topic (BOM, line endings, fields, ids, retry, comments,
// UTF-8, large input). Each row is run whole, split in two at every byte, byte by byte, in
// random chunks and through parseAll(): the result must not depend on the chunking.
#include "sseparsertest.h"

#include <QtTest/qtest.h>

namespace ParserTest {

void addParseRows()
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

} // namespace ParserTest
