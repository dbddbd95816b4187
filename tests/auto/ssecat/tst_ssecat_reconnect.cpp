// SPDX-License-Identifier: BSD-3-Clause
// ssecat after an opened stream ended: reconnects with Last-Event-ID, or not (--max-retries 0,
// non-GET methods, --retry-any-method), --idle-timeout, and a close-delimited end.
#include "ssecattest.h"

class tst_SseCatReconnect : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void reconnect_data();
    void reconnect();
    void noReconnect_data();
    void noReconnect();
    void retryAnyMethod();
    void idleTimeout_data();
    void idleTimeout();
    void closeDelimitedStreamEnd();
};

// ---------------------------------------------------------------------------------------------
// Reconnect after an opened GET stream ended

void tst_SseCatReconnect::reconnect_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QByteArray>("second");
    QTest::addColumn<QStringList>("expected"); // "data/id" per event
    QTest::addColumn<QByteArray>("header"); // Last-Event-ID of the 2nd request; null: absent

    QTest::newRow("id carried") << QStringList() << "id: 1\ndata: a\n\n"_ba
                                << "data: b\n\n"_ba << QStringList {u"a/1"_s, u"b/1"_s} << "1"_ba;
    QTest::newRow("non-ASCII id sent as UTF-8")
            << QStringList() << "id: \xc3\xa9\xe2\x82\xac\ndata: a\n\n"_ba
            << "data: b\n\n"_ba << QStringList {u"a/\u00e9\u20ac"_s, u"b/\u00e9\u20ac"_s}
            << "\xc3\xa9\xe2\x82\xac"_ba;
    QTest::newRow("no id") << QStringList() << "data: a\n\n"_ba
                           << "data: b\n\n"_ba << QStringList {u"a/"_s, u"b/"_s} << QByteArray();
    QTest::newRow("id reset before the end")
            << QStringList() << "id: 1\ndata: a\n\nid\ndata: b\n\n"_ba
            << "data: c\n\n"_ba << QStringList {u"a/1"_s, u"b/"_s, u"c/"_s} << QByteArray();
    QTest::newRow("--last-event-id kept")
            << QStringList {u"--last-event-id"_s, u"X"_s} << "data: a\n\n"_ba
            << "data: b\n\n"_ba << QStringList {u"a/X"_s, u"b/X"_s} << "X"_ba;
    QTest::newRow("id without event at the end")
            << QStringList() << "data: a\n\nid: 9\n\n"_ba
            << "data: b\n\n"_ba << QStringList {u"a/"_s, u"b/9"_s} << "9"_ba;
    QTest::newRow("one BOM stripped per response")
            << QStringList()
            << "\xef\xbb\xbf"
               "data: a\n\n"_ba
            << "\xef\xbb\xbf"
               "data: b\n\n"_ba
            << QStringList {u"a/"_s, u"b/"_s} << QByteArray();
    QTest::newRow("incomplete event discarded")
            << QStringList() << "id: 1\ndata: a\n\nid: 2\ndata: partial"_ba
            << "data: b\n\n"_ba << QStringList {u"a/1"_s, u"b/1"_s} << "1"_ba;
    QTest::newRow("incomplete UTF-8 sequence discarded")
            << QStringList() << "data: a\n\ndata: \xe2\x82"_ba
            << "data: b\n\n"_ba << QStringList {u"a/"_s, u"b/"_s} << QByteArray();
}

void tst_SseCatReconnect::reconnect()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, second);
    QFETCH(QStringList, expected);
    QFETCH(QByteArray, header);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send(first).close());
    server.enqueue(stream().send(second).holdOpen());
    SseCat cat(args
               + QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s,
                              QString::number(expected.size()), server.url(u"/s"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QStringList got;
    for (const Event &e : std::as_const(events))
        got.append(e.data + u'/' + e.id);
    QCOMPARE(got, expected);
    QVERIFY2(server.requestCount() == 2, server.describe().constData());
    const Server::Request request = server.requests().at(1);
    QCOMPARE(request.method, "GET");
    QCOMPARE(request.target, server.path("/s"));
    QCOMPARE(request.hasHeader("Last-Event-ID"), !header.isNull());
    QCOMPARE(request.header("Last-Event-ID"), header);
    QCOMPARE(request.header("Accept"), "text/event-stream");
}

// ---------------------------------------------------------------------------------------------
// An opened stream ended and no further attempt is allowed: exit 0, one request

void tst_SseCatReconnect::noReconnect_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("method");

    QTest::newRow("--max-retries 0") << QStringList {u"--max-retries"_s, u"0"_s} << "GET"_ba;
    QTest::newRow("POST") << QStringList {u"-d"_s, u"x"_s} << "POST"_ba;
    QTest::newRow("POST with --max-retries 5")
            << QStringList {u"-d"_s, u"x"_s, u"--max-retries"_s, u"5"_s} << "POST"_ba;
    QTest::newRow("-X PUT") << QStringList {u"-X"_s, u"PUT"_s} << "PUT"_ba;
}

void tst_SseCatReconnect::noReconnect()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, method);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("id: 1\ndata: a\n\n").close());
    server.enqueue(stream().send("data: again\n\n").holdOpen());
    SseCat cat(args + QStringList {u"--retry-delay"_s, u"20"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"a"_s});
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
    QCOMPARE(server.requests().at(0).method, method);
}

void tst_SseCatReconnect::retryAnyMethod()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("id: 1\ndata: a\n\n").close());
    server.enqueue(stream().send("data: b\n\n").holdOpen());
    SseCat cat({u"-d"_s, u"body"_s, u"--retry-any-method"_s, u"--retry-delay"_s, u"50"_s,
                u"--max-events"_s, u"2"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"a"_s, u"b"_s}));
    QVERIFY2(server.requestCount() == 2, server.describe().constData());
    for (const Server::Request &request : server.requests()) {
        QCOMPARE(request.method, "POST");
        QCOMPARE(request.body, "body");
    }
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "1");
}

// ---------------------------------------------------------------------------------------------
// --idle-timeout SEC: silence = the stream ended

void tst_SseCatReconnect::idleTimeout_data()
{
    QTest::addColumn<QList<Response>>("responses");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("requests");

    QTest::newRow("silent stream reconnected")
            << QList<Response> {stream().send("id: 1\ndata: a\n\n").holdOpen(),
                                stream().send("data: b\n\n").holdOpen()}
            << QStringList {u"--idle-timeout"_s, u"0.3"_s, u"--retry-delay"_s, u"50"_s,
                            u"--max-events"_s,   u"2"_s}
            << QStringList {u"a"_s, u"b"_s} << 2;
    QTest::newRow("silent stream, --max-retries 0")
            << QList<Response> {stream().send("data: a\n\n").holdOpen(),
                                stream().send("data: b\n\n").holdOpen()}
            << QStringList {u"--idle-timeout"_s, u"0.3"_s, u"--max-retries"_s, u"0"_s}
            << QStringList {u"a"_s} << 1;
    Response keptAlive = stream().send("data: a\n\n");
    for (int i = 0; i < 16; ++i)
        keptAlive.pause(50).send(": keep-alive\n");
    QTest::newRow("comments keep it alive")
            << QList<Response> {keptAlive.send("data: b\n\n").holdOpen(),
                                stream().send("data: c\n\n").holdOpen()}
            << QStringList {u"--idle-timeout"_s, u"0.5"_s, u"--retry-delay"_s, u"50"_s,
                            u"--max-events"_s,   u"2"_s}
            << QStringList {u"a"_s, u"b"_s} << 1;
}

void tst_SseCatReconnect::idleTimeout()
{
    QFETCH(QList<Response>, responses);
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    QFETCH(int, requests);

    Server server;
    QVERIFY(server.listen());
    for (const Response &r : std::as_const(responses))
        server.enqueue(r);
    SseCat cat(args + QStringList {server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), expected);
    QVERIFY2(server.requestCount() == requests, server.describe().constData());
    if (requests > 1)
        QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "1");
}

// A close-delimited body (no Content-Length, no chunking, the end of the stream is the end of the
// connection), as HTTP/1.0-style servers send it. ssecat's own behaviour is exact: the event, exit
// 0, no reconnect with --max-retries 0. The request count is not: Qt 6.4.2's QNetworkAccessManager
// re-sends a body-less request by itself, on a new connection, in a good share of the runs where
// the response head and the first body bytes arrive together and the server then closes
// (reproduced with a bare QNetworkAccessManager, without QtSse); the reply itself finishes
// normally and the re-sent request's answer is dropped. Shown as XFAIL when it happens.
void tst_SseCatReconnect::closeDelimitedStreamEnd()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("id: 1\ndata: a\n\n").close());
    server.setHandler([](const Server::Request &) { return Response::status(503, "phantom"); });
    SseCat cat({u"--max-retries"_s, u"0"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"a"_s});
    if (server.requestCount() == 2 && server.requests().at(1).hasHeader("Last-Event-ID") == false) {
        QEXPECT_FAIL("",
                     "Qt 6.4 QNetworkAccessManager re-sent a request whose close-delimited "
                     "response had ended (not ssecat: no Last-Event-ID, and --max-retries 0)",
                     Continue);
    }
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

QTEST_GUILESS_MAIN(tst_SseCatReconnect)
#include "tst_ssecat_reconnect.moc"
