// SPDX-License-Identifier: BSD-3-Clause
// ssecat's stdout: one JSON object per event per line, exact bytes; ids; --max-events and
// --max-time.
#include "ssecattest.h"

class tst_SseCatOutput : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void outputFormat_data();
    void outputFormat();
    void lastEventId_data();
    void lastEventId();
    void maxEvents_data();
    void maxEvents();
    void maxTime();
    void maxTimeBeyondTimerRange();
};

// ---------------------------------------------------------------------------------------------
// stdout: one JSON object per event per line, exact bytes

void tst_SseCatOutput::outputFormat_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("bytesPerWrite"); // 0: one write
    QTest::addColumn<QByteArray>("expected");

    const auto add = [](const char *name, const QByteArray &wire, const QByteArray &expected) {
        QTest::addRow("%s", name) << wire << 0 << expected;
        QTest::addRow("%s/bytewise", name) << wire << 1 << expected;
    };
    add("simple", "data: hello\n\n",
        R"({"type":"message","data":"hello","id":""})"
        "\n");
    add("event type", "event: ping\ndata: x\n\n",
        R"({"type":"ping","data":"x","id":""})"
        "\n");
    add("id", "id: 42\ndata: x\n\n",
        R"({"type":"message","data":"x","id":"42"})"
        "\n");
    add("two events", "data: 1\n\nevent: e\ndata: 2\n\n",
        R"({"type":"message","data":"1","id":""})"
        "\n"
        R"({"type":"e","data":"2","id":""})"
        "\n");
    add("empty data", "data\n\n",
        R"({"type":"message","data":"","id":""})"
        "\n");
    add("two data lines", "data: a\ndata: b\n\n",
        R"({"type":"message","data":"a\nb","id":""})"
        "\n");
    add("crlf and cr", "data: a\r\ndata: b\r\r",
        R"({"type":"message","data":"a\nb","id":""})"
        "\n");
    add("quote", "data: say \"hi\"\n\n",
        R"({"type":"message","data":"say \"hi\"","id":""})"
        "\n");
    add("backslash", "data: C:\\dir\\\n\n",
        R"({"type":"message","data":"C:\\dir\\","id":""})"
        "\n");
    add("tab", "data: a\tb\n\n",
        R"({"type":"message","data":"a\tb","id":""})"
        "\n");
    add("nul", "data: a\0b\n\n"_ba,
        R"({"type":"message","data":"a\u0000b","id":""})"
        "\n");
    add("control characters", "data: \x01-\x1f-\x7f\n\n",
        R"({"type":"message","data":"\u0001-\u001f-)"
        "\x7f"
        R"(","id":""})"
        "\n");
    add("backspace formfeed", "data: \b\f\n\n",
        R"({"type":"message","data":"\b\f","id":""})"
        "\n");
    add("special characters in type and id", "event: a\"b\nid: c\\d\tx\ndata: y\n\n",
        R"({"type":"a\"b","data":"y","id":"c\\d\tx"})"
        "\n");
    add("utf-8 passes through", "data: h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n\n",
        "{\"type\":\"message\",\"data\":\"h\xc3\xa9 \xe2\x82\xac "
        "\xf0\x9f\x98\x80\",\"id\":\"\"}\n");
    add("utf-8 in type and id", "event: \xc3\xa9\nid: \xe2\x82\xac\ndata: x\n\n",
        "{\"type\":\"\xc3\xa9\",\"data\":\"x\",\"id\":\"\xe2\x82\xac\"}\n");
    add("invalid byte",
        "data: a\xff"
        "b\n\n",
        "{\"type\":\"message\",\"data\":\"a\xef\xbf\xbd"
        "b\",\"id\":\"\"}\n");
    add("truncated sequence", "data: \xe2\x82x\n\n",
        "{\"type\":\"message\",\"data\":\"\xef\xbf\xbdx\",\"id\":\"\"}\n");
    add("encoded surrogate", "data: \xed\xa0\x80\n\n",
        "{\"type\":\"message\",\"data\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"id\":\"\"}\n");
    add("overlong", "data: \xc0\xaf\n\n",
        "{\"type\":\"message\",\"data\":\"\xef\xbf\xbd\xef\xbf\xbd\",\"id\":\"\"}\n");
    add("bom stripped",
        "\xef\xbb\xbf"
        "data: x\n\n",
        R"({"type":"message","data":"x","id":""})"
        "\n");
    // Only one BOM is stripped: the second one makes the field name "\uFEFFdata", ignored.
    add("second bom kept",
        "\xef\xbb\xbf\xef\xbb\xbf"
        "data: x\n\ndata: y\n\n",
        R"({"type":"message","data":"y","id":""})"
        "\n");
    // Not a BOM but a truncated sequence: one U+FFFD, which spoils the first line's field name.
    add("partial bom",
        "\xef\xbb"
        "data: a\n\ndata: b\n\n",
        R"({"type":"message","data":"b","id":""})"
        "\n");
    add("incomplete event at the end", "data: 1\n\ndata: 2",
        R"({"type":"message","data":"1","id":""})"
        "\n");
    add("empty event type is message", "event:\ndata: x\n\n",
        R"({"type":"message","data":"x","id":""})"
        "\n");
    add("event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n",
        R"({"type":"a","data":"1","id":""})"
        "\n"
        R"({"type":"message","data":"2","id":""})"
        "\n");
    add("comments and unknown fields", ": c\nfoo: bar\ndata: x\n\n",
        R"({"type":"message","data":"x","id":""})"
        "\n");
}

void tst_SseCatOutput::outputFormat()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, bytesPerWrite);
    QFETCH(QByteArray, expected);

    Server server;
    QVERIFY(server.listen());
    Response response = stream();
    if (bytesPerWrite > 0)
        response.sendSlowly(wire, bytesPerWrite, 2);
    else
        response.send(wire);
    server.enqueue(response.close());

    SseCat cat({u"--max-retries"_s, u"0"_s, server.url(u"/stream"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QCOMPARE(cat.out, expected);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(events.size(), expected.count('\n'));
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// id: persists across events; --last-event-id; an empty id: resets it

void tst_SseCatOutput::lastEventId_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QStringList>("expectedIds");
    QTest::addColumn<QByteArray>("header"); // Last-Event-ID of the request; null: absent

    QTest::newRow("persists") << QStringList()
                              << "id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n"_ba
                              << QStringList {u"1"_s, u"1"_s, u"2"_s} << QByteArray();
    QTest::newRow("empty id: resets")
            << QStringList() << "id: 1\ndata: a\n\nid:\ndata: b\n\ndata: c\n\n"_ba
            << QStringList {u"1"_s, QString(), QString()} << QByteArray();
    QTest::newRow("bare id resets") << QStringList() << "id: 1\ndata: a\n\nid\ndata: b\n\n"_ba
                                    << QStringList {u"1"_s, QString()} << QByteArray();
    QTest::newRow("id without an event")
            << QStringList() << "id: 7\n\ndata: a\n\n"_ba << QStringList {u"7"_s} << QByteArray();
    QTest::newRow("id with NUL ignored")
            << QStringList() << "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n"_ba
            << QStringList {u"1"_s, u"1"_s} << QByteArray();
    QTest::newRow("--last-event-id") << QStringList {u"--last-event-id"_s, u"X"_s}
                                     << "data: a\n\nid: 5\ndata: b\n\ndata: c\n\n"_ba
                                     << QStringList {u"X"_s, u"5"_s, u"5"_s} << "X"_ba;
    QTest::newRow("--last-event-id=") << QStringList {u"--last-event-id=abc"_s} << "data: a\n\n"_ba
                                      << QStringList {u"abc"_s} << "abc"_ba;
    QTest::newRow("--last-event-id then empty id:")
            << QStringList {u"--last-event-id"_s, u"X"_s} << "data: a\n\nid:\ndata: b\n\n"_ba
            << QStringList {u"X"_s, QString()} << "X"_ba;
    QTest::newRow("--last-event-id empty")
            << QStringList {u"--last-event-id"_s, QString()} << "data: a\n\n"_ba
            << QStringList {QString()} << QByteArray();
}

void tst_SseCatOutput::lastEventId()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, wire);
    QFETCH(QStringList, expectedIds);
    QFETCH(QByteArray, header);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send(wire).close());
    SseCat cat(args + QStringList {u"--max-retries"_s, u"0"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(ids(events), expectedIds);
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
    const Server::Request request = server.requests().at(0);
    QCOMPARE(request.hasHeader("Last-Event-ID"), !header.isNull());
    QCOMPARE(request.header("Last-Event-ID"), header);
}

// ---------------------------------------------------------------------------------------------
// --max-events N: exit 0 after exactly N lines

void tst_SseCatOutput::maxEvents_data()
{
    QTest::addColumn<int>("maxEvents");
    QTest::addColumn<bool>("oneWrite");

    QTest::newRow("1 of 5, one write") << 1 << true;
    QTest::newRow("3 of 5, one write") << 3 << true;
    QTest::newRow("5 of 5, one write") << 5 << true;
    QTest::newRow("3 of 5, one write per event") << 3 << false;
}

void tst_SseCatOutput::maxEvents()
{
    QFETCH(int, maxEvents);
    QFETCH(bool, oneWrite);

    Server server;
    QVERIFY(server.listen());
    Response response = stream();
    QByteArray all;
    QStringList expected;
    for (int i = 1; i <= 5; ++i) {
        const QByteArray event =
                "id: " + QByteArray::number(i) + "\ndata: " + QByteArray::number(i) + "\n\n";
        if (!oneWrite)
            response.send(event).pause(10);
        all += event;
        if (i <= maxEvents)
            expected.append(QString::number(i));
    }
    if (oneWrite)
        response.send(all);
    server.enqueue(response.holdOpen()); // only --max-events can end the run

    SseCat cat({u"--max-events"_s, QString::number(maxEvents), server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), expected);
    QCOMPARE(ids(events), expected);
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// --max-time SEC: exit 0 after SEC seconds, while the stream is still open

void tst_SseCatOutput::maxTime()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("data: a\n\n").holdOpen());

    QElapsedTimer elapsed;
    elapsed.start();
    SseCat cat({u"--max-time"_s, u"0.5"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QVERIFY2(elapsed.elapsed() >= 450, QByteArray::number(elapsed.elapsed()).constData());
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"a"_s});
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// --max-time beyond a QTimer's 24.8 days (2^31 ms): neither at once nor never. Checked from
// outside: ssecat must stay, reading the stream, well past the moment an overflowed timer fired.
void tst_SseCatOutput::maxTimeBeyondTimerRange()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("data: a\n\n").pause(500).send("data: b\n\n").holdOpen());

    SseCat cat({u"--max-time"_s, u"2200000"_s, server.url().toString()}); // 25.5 days
    QTRY_VERIFY_WITH_TIMEOUT(cat.out.contains("\"b\""), Timeout); // 500 ms and more after start
    QCOMPARE(cat.proc.state(), QProcess::Running);
}

QTEST_GUILESS_MAIN(tst_SseCatOutput)
#include "tst_ssecat_output.moc"
