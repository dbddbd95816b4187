// SPDX-License-Identifier: BSD-3-Clause
// SseClient through redirects: methods and bodies per status, relative Locations, reconnects to
// the configured URL, credentials across origins, loops and a missing Location.
#include "sseclienttest.h"

class tst_SseClientRedirects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 4. redirects
    void followsRedirect_data();
    void followsRedirect();
    void relativeLocation_data();
    void relativeLocation();
    void reconnectAfterRedirectUsesOriginalUrl();
    void crossOriginRedirectDropsCredentials();
    void sameOriginRedirectKeepsCredentials();
    void redirectLoopFails();
    void redirectWithoutLocationFails_data();
    void redirectWithoutLocationFails();
};

// ---- 4. redirects ---------------------------------------------------------------------------

void tst_SseClientRedirects::followsRedirect_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("expectedMethod");
    QTest::addColumn<bool>("bodyKept");

    for (int status : {301, 302, 303, 307, 308})
        QTest::addRow("GET %d", status)
                << status << QByteArray("GET") << QByteArray("GET") << false;
    QTest::newRow("POST 303 -> GET") << 303 << QByteArray("POST") << QByteArray("GET") << false;
    QTest::newRow("POST 307 keeps") << 307 << QByteArray("POST") << QByteArray("POST") << true;
    QTest::newRow("POST 308 keeps") << 308 << QByteArray("POST") << QByteArray("POST") << true;
    // The documented contract (ssepolicy.cpp): 301 and 302 keep the method too.
    QTest::newRow("POST 301 keeps") << 301 << QByteArray("POST") << QByteArray("POST") << true;
    QTest::newRow("POST 302 keeps") << 302 << QByteArray("POST") << QByteArray("POST") << true;
}

void tst_SseClientRedirects::followsRedirect()
{
    QFETCH(int, status);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, expectedMethod);
    QFETCH(bool, bodyKept);

    SseClientFixture f;
    QVERIFY(f.start(u"/start"_s));
    f.server.enqueue(Response::redirect(status, "/moved"));
    f.server.enqueue(Response::sse().send("data: here\n\n").holdOpen());

    const QByteArray body = method == "POST" ? QByteArray(R"({"prompt":"hi"})") : QByteArray();
    f.client.setMethod(method);
    f.client.setBody(body);
    if (!body.isEmpty())
        f.client.setRawHeader("Content-Type", "application/json");
    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 1);
    QCOMPARE(dataOf(f.eventSpy), QStringList {u"here"_s});
    QCOMPARE(f.client.state(), SseClient::Open);

    QCOMPARE(f.server.requestCount(), 2);
    const Request first = f.server.requests().at(0);
    const Request second = f.server.requests().at(1);
    QCOMPARE(first.target, "/start");
    QCOMPARE(first.method, method);
    QCOMPARE(first.body, body);
    QCOMPARE(second.target, "/moved");
    QCOMPARE(second.method, expectedMethod);
    QCOMPARE(second.header("Accept"), "text/event-stream");
    if (bodyKept) {
        QCOMPARE(second.body, body);
        QCOMPARE(second.header("Content-Type"), "application/json");
    } else {
        QVERIFY(second.body.isEmpty());
        // A body dropped by a 303 takes its Content-Type with it (Fetch: request-body-header).
        QVERIFY2(!second.hasHeader("Content-Type"), second.header("Content-Type").constData());
    }
    f.client.close();
}

void tst_SseClientRedirects::relativeLocation_data()
{
    QTest::addColumn<QString>("start");
    QTest::addColumn<QByteArray>("location");
    QTest::addColumn<QByteArray>("expectedTarget");

    QTest::newRow("absolute path") << u"/a/b"_s << QByteArray("/moved") << QByteArray("/moved");
    QTest::newRow("relative path") << u"/a/b"_s << QByteArray("c") << QByteArray("/a/c");
    QTest::newRow("dot-dot and query")
            << u"/a/b/c"_s << QByteArray("../d?x=1") << QByteArray("/a/d?x=1");
    QTest::newRow("query only") << u"/a/b?old=1"_s << QByteArray("?new=2")
                                << QByteArray("/a/b?new=2");
}

void tst_SseClientRedirects::relativeLocation()
{
    QFETCH(QString, start);
    QFETCH(QByteArray, location);
    QFETCH(QByteArray, expectedTarget);

    SseClientFixture f;
    QVERIFY(f.start(start));
    f.server.enqueue(Response::redirect(302, location));
    f.server.enqueue(Response::sse().holdOpen());

    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.server.requestCount(), 2);
    QCOMPARE(f.server.requests().at(1).target, expectedTarget);
    f.client.close();
}

void tst_SseClientRedirects::reconnectAfterRedirectUsesOriginalUrl()
{
    SseClientFixture f;
    QVERIFY(f.start(u"/original"_s));
    f.server.enqueue(Response::redirect(307, "/moved"));
    f.server.enqueue(endingStream("id: 3\ndata: a\n\n")); // ends: the client reconnects
    f.server.enqueue(Response::redirect(307, "/moved"));
    f.server.enqueue(Response::sse().holdOpen());

    QSignalSpy urlSpy(&f.client, &SseClient::urlChanged);
    f.client.open();
    TRY_COMPARE(f.server.requestCount(), 4);
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QList<QByteArray> targets;
    for (const Request &r : f.server.requests())
        targets.append(r.target);
    QCOMPARE(targets, QList<QByteArray>({"/original", "/moved", "/original", "/moved"}));
    QCOMPARE(f.server.requests().at(2).header("Last-Event-ID"), "3");
    QCOMPARE(f.client.url(), f.server.url(u"/original"_s)); // the configured URL is untouched
    QCOMPARE(urlSpy.size(), 0);
    f.client.close();
}

void tst_SseClientRedirects::crossOriginRedirectDropsCredentials()
{
    SseTestServer origin;
    QVERIFY(origin.listen());
    SseTestServer other;
    if (!other.listen(QHostAddress(u"127.0.0.2"_s)))
        QSKIP("127.0.0.2 is not available on this machine");

    // origin -> other (cross-origin) -> origin again: the credentials stay off for the rest of
    // the chain, as browsers do.
    origin.enqueue(Response::redirect(302, other.url(u"/other"_s).toEncoded()));
    other.enqueue(Response::redirect(307, origin.url(u"/back"_s).toEncoded()));
    origin.enqueue(Response::sse().send("data: ok\n\n").holdOpen());

    SseClient client;
    configure(client, origin.url(u"/events"_s));
    client.setRawHeaders(
            {{"Authorization", "Bearer secret"}, {"Cookie", "session=1"}, {"X-Custom", "keep"}});
    client.setLastEventId(u"9"_s);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    TRY_COMPARE(eventSpy.size(), 1);

    QCOMPARE(origin.requestCount(), 2);
    QCOMPARE(other.requestCount(), 1);
    const Request first = origin.requests().at(0);
    QCOMPARE(first.header("Authorization"), "Bearer secret");
    QCOMPARE(first.header("Cookie"), "session=1");
    QCOMPARE(first.header("X-Custom"), "keep");

    const Request crossed = other.requests().at(0);
    QCOMPARE(crossed.target, "/other");
    QVERIFY(!crossed.hasHeader("Authorization"));
    QVERIFY(!crossed.hasHeader("Cookie"));
    QCOMPARE(crossed.header("X-Custom"), "keep");
    QCOMPARE(crossed.header("Accept"), "text/event-stream");
    QCOMPARE(crossed.header("Last-Event-ID"), "9");

    const Request back = origin.requests().at(1);
    QCOMPARE(back.target, "/back");
    QVERIFY(!back.hasHeader("Authorization"));
    QVERIFY(!back.hasHeader("Cookie"));
    QCOMPARE(back.header("X-Custom"), "keep");

    // The next attempt starts over at the configured URL, with the credentials.
    client.reconnectNow();
    TRY_COMPARE(origin.requestCount(), 3);
    QCOMPARE(origin.requests().at(2).target, "/events");
    QCOMPARE(origin.requests().at(2).header("Authorization"), "Bearer secret");
    QCOMPARE(origin.requests().at(2).header("Cookie"), "session=1");
    client.close();
}

void tst_SseClientRedirects::sameOriginRedirectKeepsCredentials()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::redirect(302, f.server.url(u"/moved"_s).toEncoded()));
    f.server.enqueue(Response::sse().holdOpen());

    f.client.setRawHeaders({{"Authorization", "Bearer secret"}, {"Cookie", "session=1"}});
    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.server.requestCount(), 2);
    QCOMPARE(f.server.requests().at(1).target, "/moved");
    QCOMPARE(f.server.requests().at(1).header("Authorization"), "Bearer secret");
    QCOMPARE(f.server.requests().at(1).header("Cookie"), "session=1");
    f.client.close();
}

void tst_SseClientRedirects::redirectLoopFails()
{
    SseClientFixture f;
    QVERIFY(f.start(u"/loop"_s));
    f.server.setHandler([](const Request &) { return Response::redirect(302, "/loop"); });

    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));
    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.error(), SseClient::RedirectError);
    QVERIFY2(f.client.errorString().contains(u"redirect"_s, Qt::CaseInsensitive),
             qPrintable(f.client.errorString()));
    QCOMPARE(f.scheduledSpy.size(), 0);
    const int hops = f.server.requestCount();
    QVERIFY2(hops >= 10 && hops <= 50, QByteArray::number(hops).constData());
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), hops);
}

void tst_SseClientRedirects::redirectWithoutLocationFails_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("location"); // empty: none
    for (int status : {301, 302, 303, 307, 308})
        QTest::addRow("%d", status) << status << QByteArray();
    // Qt 6.4 drops a Location header this long: the error must not claim there was none.
    QTest::addRow("302, a 200 KiB Location")
            << 302 << "/elsewhere?x=" + QByteArray(200 * 1024, 'a');
}

void tst_SseClientRedirects::redirectWithoutLocationFails()
{
    QFETCH(int, status);
    QFETCH(QByteArray, location);

    SseClientFixture f;
    QVERIFY(f.start());
    Response response = Response::status(status, {}, {});
    if (!location.isEmpty())
        response.header("Location", location);
    f.answerFirstThenHold(response);

    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));
    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.error(), SseClient::RedirectError);
    QVERIFY2(f.client.errorString().contains(u"without a usable Location header"_s),
             qPrintable(f.client.errorString()));
    if (!location.isEmpty()) {
        // After the header it dropped, Qt 6.4 sometimes sends the GET again by itself (seen once
        // in a repeat run under load; its reply reaches nobody): only the client is checked.
        QVERIFY(!f.scheduledSpy.wait(Quiet));
        QCOMPARE(f.client.state(), SseClient::Failed);
        return;
    }
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), 1);
}

QTEST_MAIN(tst_SseClientRedirects)
#include "tst_sseclient_redirects.moc"
