// SPDX-License-Identifier: BSD-3-Clause
// ssecat through redirects: method and body per status, reconnects to the original URL, and
// credentials dropped on another origin.
#include "ssecattest.h"

class tst_SseCatRedirects : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void redirect_data();
    void redirect();
    void redirectReconnectsToOriginalUrl();
    void redirectCredentials_data();
    void redirectCredentials();
};

// ---------------------------------------------------------------------------------------------
// Redirects

void tst_SseCatRedirects::redirect_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("method"); // of the redirected request
    QTest::addColumn<QByteArray>("body");

    const QStringList post {u"-d"_s, u"x"_s};
    QTest::newRow("301 GET") << 301 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("302 GET") << 302 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("303 GET") << 303 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("307 GET") << 307 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("308 GET") << 308 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("303 POST becomes GET") << 303 << post << "GET"_ba << QByteArray();
    QTest::newRow("302 POST stays POST") << 302 << post << "POST"_ba
                                         << "x"_ba;
    QTest::newRow("307 POST stays POST") << 307 << post << "POST"_ba
                                         << "x"_ba;
    QTest::newRow("308 POST stays POST") << 308 << post << "POST"_ba
                                         << "x"_ba;
}

void tst_SseCatRedirects::redirect()
{
    QFETCH(int, status);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(status, server.path("/other")));
    server.enqueue(stream().send("data: redirected\n\n").holdOpen());
    SseCat cat(args + QStringList {u"--max-events"_s, u"1"_s, server.url(u"/start"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"redirected"_s});
    QVERIFY2(server.requestCount() == 2, server.describe().constData());
    const Server::Request request = server.requests().at(1);
    QCOMPARE(request.target, server.path("/other"));
    QCOMPARE(request.method, method);
    QCOMPARE(request.body, body);
    QCOMPARE(request.header("Accept"), "text/event-stream");
}

void tst_SseCatRedirects::redirectReconnectsToOriginalUrl()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(302, server.url(u"/b"_s).toEncoded()));
    server.enqueue(stream().send("id: 1\ndata: 1\n\n").close());
    server.enqueue(stream().send("data: 2\n\n").holdOpen());
    SseCat cat({u"--last-event-id"_s, u"X"_s, u"--retry-delay"_s, u"50"_s, u"--max-events"_s,
                u"2"_s, server.url(u"/a"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"1"_s, u"2"_s}));
    // Last-Event-ID on every request, the redirected one too.
    QCOMPARE(server.requests().at(0).header("Last-Event-ID"), "X");
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "X");
    QVERIFY2(server.requestCount() == 3, server.describe().constData());
    QCOMPARE(server.requests().at(0).target, server.path("/a"));
    QCOMPARE(server.requests().at(1).target, server.path("/b"));
    QCOMPARE(server.requests().at(2).target, server.path("/a"));
    QCOMPARE(server.requests().at(2).header("Last-Event-ID"), "1");
}

void tst_SseCatRedirects::redirectCredentials_data()
{
    QTest::addColumn<bool>("crossOrigin");

    QTest::newRow("same origin") << false;
    QTest::newRow("other origin") << true;
}

void tst_SseCatRedirects::redirectCredentials()
{
    QFETCH(bool, crossOrigin);

    Server first;
    Server second;
    QVERIFY(first.listen());
    QVERIFY(second.listen());
    Server &target = crossOrigin ? second : first;
    first.enqueue(Response::redirect(302, target.url(u"/s"_s).toEncoded()));
    target.enqueue(stream().send("data: x\n\n").holdOpen());
    SseCat cat({u"-H"_s, u"Authorization: Bearer t"_s, u"-H"_s, u"Cookie: c=1"_s, u"-H"_s,
                u"X-Keep: 1"_s, u"--max-events"_s, u"1"_s, first.url(u"/a"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QCOMPARE(first.requests().at(0).header("Authorization"), "Bearer t");
    QCOMPARE(first.requests().at(0).header("Cookie"), "c=1");
    const QList<Server::Request> requests = target.requests();
    QCOMPARE(requests.size(), crossOrigin ? 1 : 2);
    const Server::Request &redirected = requests.last();
    QCOMPARE(redirected.target, target.path("/s"));
    QCOMPARE(redirected.header("X-Keep"), "1");
    QCOMPARE(redirected.hasHeader("Authorization"), !crossOrigin);
    QCOMPARE(redirected.hasHeader("Cookie"), !crossOrigin);
}

QTEST_GUILESS_MAIN(tst_SseCatRedirects)
#include "tst_ssecat_redirects.moc"
