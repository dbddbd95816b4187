// SPDX-License-Identifier: BSD-3-Clause
// The policy's state without sockets or timers: RetryState (the counters, the reconnection
// times and what follows each failure or ended stream), RedirectState (the request as
// redirects change it: URL, method, body, headers, the limit) and ResumeCheck (duplicates and
// gaps after a resume).
#include "ssepolicy_p.h"
#include "sseresumecheck_p.h"

#include <QtSse/SseParser>

#include <QtTest/qtest.h>

using namespace QtSsePrivate;
using namespace Qt::StringLiterals;

namespace {
using Header = std::pair<QByteArray, QByteArray>;

// One step of a retry scenario, as written in the rows below:
//   "fail" / "fail 2000"  a retryable failure (with Retry-After in ms)
//   "fatal", "stop"       a Fail or a Stop verdict
//   "open"                a stream opened
//   "end 50"              the opened stream ended after 50 ms
//   "revert"              the opened stream counts as a failed attempt after all
//   "reset"               open() again
// and what it gives: "reconnect <delay> #<attempt>", "close", "fail", "giveup #<attempt>",
// "not resent close" / "not resent fail", or "-" for a step that decides nothing.
QString runStep(RetryState &retry, const QString &step, QByteArrayView method)
{
    const QStringList words = step.split(u' ');
    const QString op = words.value(0);
    const qint64 arg = words.value(1, u"-1"_s).toLongLong();
    RetryState::Next next;
    if (op == u"fail" || op == u"fatal" || op == u"stop") {
        Verdict v;
        v.action = op == u"fail" ? Verdict::Retry : op == u"fatal" ? Verdict::Fail : Verdict::Stop;
        v.retryAfterMs = arg;
        next = retry.afterFailure(v, method);
    } else if (op == u"end") {
        next = retry.afterStreamEnd(arg, method);
    } else {
        if (op == u"open")
            retry.streamOpened();
        else if (op == u"revert")
            retry.revertOpen();
        else if (op == u"reset")
            retry.reset();
        else if (op == u"network-back")
            retry.resetBackoff();
        else
            qFatal("unknown step %s", qPrintable(step));
        return u"-"_s;
    }
    const QString notResent = next.methodNotResent ? u"not resent "_s : QString();
    switch (next.action) {
    case RetryState::Next::Reconnect:
        return u"reconnect %1 #%2"_s.arg(next.delayMs).arg(next.attempt);
    case RetryState::Next::Close:
        return notResent + u"close"_s;
    case RetryState::Next::Fail:
        return notResent + u"fail"_s;
    case RetryState::Next::GiveUp:
        return u"giveup #%1"_s.arg(next.attempt);
    }
    return QString();
}
} // namespace

class tst_SsePolicyState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void retry_data();
    void retry();
    void reconnectionTimes_data();
    void reconnectionTimes();
    void retryJitter();
    void redirectLimit();
    void redirectRequest_data();
    void redirectRequest();
    void startForgetsRedirects();
    void resumeCheck_data();
    void resumeCheck();
};

void tst_SsePolicyState::retry_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("maxRetries");
    QTest::addColumn<bool>("retryAnyMethod");
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QStringList>("expected");
    // reconnectionTime 100, maxDelay 1000, no jitter.
    QTest::newRow("failures back off to the cap")
            << QByteArray("GET") << -1 << false
            << QStringList {u"fail"_s, u"fail"_s, u"fail"_s, u"fail"_s, u"fail"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s,  u"reconnect 400 #3"_s,
                            u"reconnect 800 #4"_s, u"reconnect 1000 #5"_s, u"reconnect 1000 #6"_s};
    QTest::newRow("an opened stream resets the counters")
            << QByteArray("GET") << -1 << false
            << QStringList {u"fail"_s, u"fail"_s, u"open"_s, u"end 5000"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"-"_s,
                            u"reconnect 100 #1"_s};
    // A stream that ends at once is no success: the failures before it go on counting.
    QTest::newRow("a short stream keeps the backoff growing")
            << QByteArray("GET") << -1 << false
            << QStringList {u"fail"_s, u"fail"_s, u"open"_s, u"end 10"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"-"_s,
                            u"reconnect 400 #1"_s};
    QTest::newRow("short streams in a row")
            << QByteArray("GET") << -1 << false
            << QStringList {u"open"_s, u"end 10"_s, u"open"_s, u"end 999"_s,
                            u"open"_s, u"end 0"_s,  u"open"_s, u"end 1000"_s}
            << QStringList {u"-"_s, u"reconnect 100 #1"_s, u"-"_s, u"reconnect 200 #1"_s,
                            u"-"_s, u"reconnect 400 #1"_s, u"-"_s, u"reconnect 100 #1"_s};
    // Retry-After is a floor under the backoff, never a replacement.
    QTest::newRow("Retry-After") << QByteArray("GET") << -1 << false
                                 << QStringList {u"fail 2000"_s, u"fail 0"_s, u"fail 150"_s}
                                 << QStringList {u"reconnect 2000 #1"_s, u"reconnect 200 #2"_s,
                                                 u"reconnect 400 #3"_s};
    QTest::newRow("maxRetries: gives up after that many in a row")
            << QByteArray("GET") << 2 << false << QStringList {u"fail"_s, u"fail"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"giveup #2"_s};
    QTest::newRow("maxRetries: an opened stream starts the count again")
            << QByteArray("GET") << 1 << false
            << QStringList {u"fail"_s, u"open"_s, u"end 5000"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"-"_s, u"reconnect 100 #1"_s, u"giveup #1"_s};
    QTest::newRow("maxRetries 0: an ended stream closes")
            << QByteArray("GET") << 0 << false << QStringList {u"open"_s, u"end 5000"_s}
            << QStringList {u"-"_s, u"close"_s};
    QTest::newRow("maxRetries 0: a failure gives up")
            << QByteArray("GET") << 0 << false << QStringList {u"fail"_s}
            << QStringList {u"giveup #0"_s};
    QTest::newRow("POST is not sent again")
            << QByteArray("POST") << -1 << false
            << QStringList {u"fail"_s, u"open"_s, u"end 5000"_s}
            << QStringList {u"not resent fail"_s, u"-"_s, u"not resent close"_s};
    QTest::newRow("POST with retryAnyMethod")
            << QByteArray("POST") << -1 << true << QStringList {u"fail"_s, u"open"_s, u"end 5000"_s}
            << QStringList {u"reconnect 100 #1"_s, u"-"_s, u"reconnect 100 #1"_s};
    QTest::newRow("fatal and stop verdicts")
            << QByteArray("GET") << -1 << false
            << QStringList {u"fail"_s, u"fatal"_s, u"stop"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"fail"_s, u"close"_s, u"reconnect 200 #2"_s};
    // An event too large: the stream counts as never opened.
    QTest::newRow("revert an opened stream")
            << QByteArray("GET") << 3 << false
            << QStringList {u"fail"_s, u"fail"_s, u"open"_s, u"revert"_s, u"fail"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"-"_s, u"-"_s,
                            u"reconnect 400 #3"_s, u"giveup #3"_s};
    // The network returned: the backoff and the count restart, the server's retry: stays.
    QTest::newRow("the network returns")
            << QByteArray("GET") << 2 << false
            << QStringList {u"fail"_s, u"fail"_s, u"network-back"_s,
                            u"fail"_s, u"fail"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"-"_s,
                            u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"giveup #2"_s};
    QTest::newRow("open() resets")
            << QByteArray("GET") << 2 << false
            << QStringList {u"fail"_s, u"fail"_s, u"reset"_s, u"fail"_s, u"fail"_s}
            << QStringList {u"reconnect 100 #1"_s, u"reconnect 200 #2"_s, u"-"_s,
                            u"reconnect 100 #1"_s, u"reconnect 200 #2"_s};
}

void tst_SsePolicyState::retry()
{
    QFETCH(QByteArray, method);
    QFETCH(int, maxRetries);
    QFETCH(bool, retryAnyMethod);
    QFETCH(QStringList, steps);
    QFETCH(QStringList, expected);
    QCOMPARE(steps.size(), expected.size());
    RetryState retry;
    retry.setReconnectionTime(100);
    retry.backoff.maxDelay = 1000;
    retry.backoff.jitter = false;
    retry.maxRetries = maxRetries;
    retry.retryAnyMethod = retryAnyMethod;
    QStringList got;
    for (const QString &step : std::as_const(steps))
        got.append(runStep(retry, step, method));
    QCOMPARE(got, expected);
}

void tst_SsePolicyState::reconnectionTimes_data()
{
    QTest::addColumn<qint64>("application");
    QTest::addColumn<qint64>("server"); // -1: no retry: field
    QTest::addColumn<qint64>("serverKept"); // serverReconnectionTime() after setting it
    QTest::addColumn<qint64>("inForce");
    QTest::newRow("the application's") << qint64(3000) << qint64(-1) << qint64(-1) << qint64(3000);
    QTest::newRow("the server's wins") << qint64(3000) << qint64(500) << qint64(500) << qint64(500);
    QTest::newRow("longer than the cap")
            << qint64(3000) << qint64(60000) << qint64(60000) << qint64(60000);
    // "retry: 0" would make a stream that opens and ends at once a busy loop.
    QTest::newRow("retry: 0 has a floor")
            << qint64(3000) << qint64(0) << MinServerRetryMs << MinServerRetryMs;
    QTest::newRow("within an int")
            << qint64(3000) << (qint64(1) << 40) << qint64(std::numeric_limits<int>::max())
            << qint64(std::numeric_limits<int>::max());
    QTest::newRow("application 0") << qint64(0) << qint64(-1) << qint64(-1) << qint64(0);
    QTest::newRow("application negative") << qint64(-5) << qint64(-1) << qint64(-1) << qint64(0);
}

void tst_SsePolicyState::reconnectionTimes()
{
    QFETCH(qint64, application);
    QFETCH(qint64, server);
    QFETCH(qint64, serverKept);
    QFETCH(qint64, inForce);
    RetryState retry;
    retry.setReconnectionTime(application);
    retry.setServerReconnectionTime(server);
    QCOMPARE(retry.serverReconnectionTime(), serverKept);
    QCOMPARE(retry.backoff.reconnectionTime, inForce);
    // The application's setting is kept, also while the server's is in force...
    retry.setReconnectionTime(application + 7);
    QCOMPARE(retry.reconnectionTime(), qMax<qint64>(0, application + 7));
    QCOMPARE(retry.backoff.reconnectionTime,
             server >= 0 ? inForce : qMax<qint64>(0, application + 7));
    // ...and in force again once open() forgets the server's.
    retry.reset();
    QCOMPARE(retry.serverReconnectionTime(), qint64(-1));
    QCOMPARE(retry.backoff.reconnectionTime, qMax<qint64>(0, application + 7));
}

void tst_SsePolicyState::retryJitter()
{
    // Every scheduled reconnect is spread, Retry-After included, never earlier than asked: up to
    // half again (here a quarter, r = 0.5).
    RetryState retry;
    retry.setReconnectionTime(100);
    retry.backoff.random = [] { return 0.5; };
    Verdict v;
    v.action = Verdict::Retry;
    QCOMPARE(retry.afterFailure(v, "GET").delayMs, qint64(125));
    v.retryAfterMs = 2000;
    QCOMPARE(retry.afterFailure(v, "GET").delayMs, qint64(2500));
    retry.streamOpened();
    QCOMPARE(retry.afterStreamEnd(5000, "GET").delayMs, qint64(125));
}

void tst_SsePolicyState::redirectLimit()
{
    RedirectState request;
    const QUrl start(u"http://a.test/0"_s);
    request.start(start, "GET", QByteArray());
    Verdict hop;
    hop.action = Verdict::FollowRedirect;
    for (int i = 1; i <= RedirectState::MaxRedirects; ++i) {
        hop.redirectUrl = QUrl(u"http://a.test/%1"_s.arg(i));
        const Verdict followed = request.follow(hop);
        QCOMPARE(followed.action, Verdict::FollowRedirect);
        QCOMPARE(request.url(), hop.redirectUrl);
        QCOMPARE(request.redirects(), i);
    }
    hop.redirectUrl = QUrl(u"http://a.test/21"_s);
    const Verdict loop = request.follow(hop);
    QCOMPARE(loop.action, Verdict::Fail);
    QCOMPARE(loop.error, SseClient::RedirectError);
    QCOMPARE(loop.reason, u"Too many redirects (more than 20), last to http://a.test/21"_s);
    QCOMPARE(request.url(), QUrl(u"http://a.test/20"_s)); // unchanged
}

void tst_SsePolicyState::redirectRequest_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("hops"); // "<status> <url>": 303 turns a POST into a GET
    QTest::addColumn<QByteArray>("finalMethod");
    QTest::addColumn<QByteArray>("finalBody");
    QTest::addColumn<QByteArrayList>("sent"); // the configured headers' names that go
    const QByteArrayList all {"Authorization", "Cookie", "Content-Type", "Content-Language",
                              "X-Trace"};
    const QByteArray json = R"({"q":1})";
    QTest::newRow("no redirect") << QByteArray("POST") << json << QStringList()
                                 << QByteArray("POST") << json << all;
    QTest::newRow("same origin keeps credentials")
            << QByteArray("GET") << QByteArray()
            << QStringList {u"307 http://a.test/b"_s, u"308 http://a.test:80/c"_s}
            << QByteArray("GET") << QByteArray() << all;
    QTest::newRow("another origin drops credentials for the rest of the chain")
            << QByteArray("GET") << QByteArray()
            << QStringList {u"302 http://b.test/x"_s, u"302 http://a.test/back"_s}
            << QByteArray("GET") << QByteArray()
            << QByteArrayList {"Content-Type", "Content-Language", "X-Trace"};
    QTest::newRow("another port is another origin")
            << QByteArray("GET") << QByteArray() << QStringList {u"301 http://a.test:8080/x"_s}
            << QByteArray("GET") << QByteArray()
            << QByteArrayList {"Content-Type", "Content-Language", "X-Trace"};
    QTest::newRow("307 keeps a POST and its body")
            << QByteArray("POST") << json << QStringList {u"307 http://a.test/b"_s}
            << QByteArray("POST") << json << all;
    QTest::newRow("303 turns a POST into a GET without body headers")
            << QByteArray("POST") << json << QStringList {u"303 http://a.test/b"_s}
            << QByteArray("GET") << QByteArray()
            << QByteArrayList {"Authorization", "Cookie", "X-Trace"};
    QTest::newRow("303 then 307 stays a GET")
            << QByteArray("POST") << json
            << QStringList {u"303 http://a.test/b"_s, u"307 http://c.test/d"_s} << QByteArray("GET")
            << QByteArray() << QByteArrayList {"X-Trace"};
}

void tst_SsePolicyState::redirectRequest()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, hops);
    QFETCH(QByteArray, finalMethod);
    QFETCH(QByteArray, finalBody);
    QFETCH(QByteArrayList, sent);
    RedirectState request;
    request.start(QUrl(u"http://a.test/s"_s), method, body);
    for (const QString &hop : std::as_const(hops)) {
        ResponseInfo response;
        response.status = hop.section(u' ', 0, 0).toInt();
        response.location = hop.section(u' ', 1).toLatin1();
        const Verdict v = classifyResponse(response, request.url(), request.method(), QDateTime());
        QCOMPARE(v.action, Verdict::FollowRedirect);
        QCOMPARE(request.follow(v).action, Verdict::FollowRedirect);
    }
    QCOMPARE(request.method(), finalMethod);
    QCOMPARE(request.body(), finalBody);
    const QList<Header> configured {
            {"Authorization", "Bearer t"},
            {"cookie", "s=1"},
            {"Content-Type", "application/json"},
            {"Content-Language", "en"},
            {"Last-Event-ID", "ignored"}, // the client's lastEventId decides
            {"X-Trace", "1"},
            {"X-Injected", "a\r\nX-Evil: 1"},
            {"X-Nul", QByteArray("a\0b", 3)}};
    QList<QByteArray> rejected;
    const QList<Header> headers = request.headers(configured, &rejected);
    QByteArrayList names;
    for (const Header &h : headers)
        names.append(h.first);
    QByteArrayList expected;
    for (const QByteArray &name : sent) // as configured: "cookie" keeps its case
        expected.append(name == "Cookie" ? QByteArray("cookie") : name);
    QCOMPARE(names, expected);
    QCOMPARE(rejected, QByteArrayList({"X-Injected", "X-Nul"}));
}

void tst_SsePolicyState::startForgetsRedirects()
{
    // Every attempt starts at the configured request, not where the last chain went.
    RedirectState request;
    request.start(QUrl(u"http://a.test/s"_s), "POST", "x=1");
    Verdict hop;
    hop.action = Verdict::FollowRedirect;
    hop.redirectUrl = QUrl(u"http://b.test/t"_s);
    hop.switchToGet = true;
    request.follow(hop);
    QVERIFY(request.crossedOrigin());
    QCOMPARE(request.headers({{"Authorization", "a"}}), QList<Header>());
    request.start(QUrl(u"http://a.test/s"_s), "POST", "x=1");
    QCOMPARE(request.url(), QUrl(u"http://a.test/s"_s));
    QCOMPARE(request.method(), QByteArray("POST"));
    QCOMPARE(request.body(), QByteArray("x=1"));
    QCOMPARE(request.redirects(), 0);
    QVERIFY(!request.crossedOrigin());
    // A body without a Content-Type gets one, as curl sends it.
    QCOMPARE(request.headers({{"Authorization", "a"}}),
             QList<Header>({{"Authorization", "a"},
                            {"Content-Type", "application/x-www-form-urlencoded"}}));
}

void tst_SsePolicyState::resumeCheck_data()
{
    QTest::addColumn<int>("window");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QByteArray>("stream"); // parsed with SseParser
    QTest::addColumn<QStringList>("expected"); // per event: "ok", "dup", "gap E R"
    const QByteArray resumed = "id: 1\ndata: a\n\nid: 2\ndata: b\n\n"
                               "id: 2\ndata: b\n\nid: 3\ndata: c\n\n";
    QTest::newRow("duplicate after a resume")
            << 16 << QString() << resumed << QStringList {u"ok"_s, u"ok"_s, u"dup"_s, u"ok"_s};
    QTest::newRow("off") << 0 << QString() << resumed
                         << QStringList {u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s};
    // Events without an id: field of their own are never duplicates (their ID is inherited).
    QTest::newRow("inherited ids")
            << 16 << QString() << QByteArray("id: 1\ndata: a\n\ndata: b\n\ndata: c\n\n")
            << QStringList {u"ok"_s, u"ok"_s, u"ok"_s};
    // An empty id: field clears the ID: it names no event, however often it comes.
    QTest::newRow("empty ids") << 16 << QString()
                               << QByteArray("id\ndata: a\n\nid:\ndata: b\n\nid\ndata: c\n\n")
                               << QStringList {u"ok"_s, u"ok"_s, u"ok"_s};
    // The window forgets: id 1 is out of a window of 2 by the time it comes again.
    QTest::newRow("window") << 2 << QString()
                            << QByteArray("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: "
                                          "c\n\nid: 1\ndata: a\n\nid: 3\ndata: c\n\n")
                            << QStringList {u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s, u"dup"_s};
    // The same id for another event (a server that restarted its numbering, as nchan reuses
    // "<second>:<n>" within a second): not a duplicate; nor another type with the same data.
    QTest::newRow("reused id, new data")
            << 16 << QString()
            << QByteArray("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 1\ndata: new\n\n"
                          "event: other\nid: 2\ndata: b\n\nid: 2\ndata: b\n\n")
            << QStringList {u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s, u"dup"_s};
    QTest::newRow("gap in ids") << 0 << u"id"_s
                                << QByteArray("id: 4\ndata: a\n\nid: 5\ndata: b\n\n"
                                              "id: 9\ndata: c\n\nid: 10\ndata: d\n\n")
                                << QStringList {u"ok"_s, u"ok"_s, u"gap 6 9"_s, u"ok"_s};
    // A server that restarts its numbers (nchan after a restart) is no gap; non-integers are
    // not numbers.
    QTest::newRow("restart, not numbers")
            << 0 << u"id"_s
            << QByteArray("id: 7\ndata: a\n\nid: 1\ndata: b\n\nid: x\ndata: c\n\nid: "
                          "3\ndata: d\n\n")
            << QStringList {u"ok"_s, u"ok"_s, u"ok"_s, u"gap 2 3"_s};
    QTest::newRow("JSON field")
            << 0 << u"sequence_number"_s
            << QByteArray("data: {\"sequence_number\":0}\n\ndata: {\"sequence_number\":1}\n\n"
                          "data: not json\n\ndata: {\"sequence_number\":1.5}\n\n"
                          "data: {\"sequence_number\":4}\n\n")
            << QStringList {u"ok"_s, u"ok"_s, u"ok"_s, u"ok"_s, u"gap 2 4"_s};
    QTest::newRow("both: a duplicate is no gap")
            << 8 << u"id"_s
            << QByteArray("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 1\ndata: a\n\n"
                          "id: 3\ndata: c\n\n")
            << QStringList {u"ok"_s, u"ok"_s, u"dup"_s, u"ok"_s};
    QTest::newRow("the largest id")
            << 0 << u"id"_s
            << QByteArray("id: 9223372036854775807\ndata: a\n\nid: 9223372036854775807\ndata: "
                          "b\n\n")
            << QStringList {u"ok"_s, u"ok"_s};
}

void tst_SsePolicyState::resumeCheck()
{
    QFETCH(int, window);
    QFETCH(QString, field);
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, expected);
    ResumeCheck check;
    check.setWindow(window);
    check.setSequenceField(field);
    QStringList got;
    SseParser *parserPtr = nullptr;
    SseParser parser([&](const SseEvent &event) {
        const ResumeCheck::Result r = check.check(event, parserPtr->eventHasId());
        got.append(r.duplicate     ? u"dup"_s
                           : r.gap ? u"gap %1 %2"_s.arg(r.expected).arg(r.received)
                                   : u"ok"_s);
    });
    parserPtr = &parser;
    QVERIFY(parser.feed(stream));
    QCOMPARE(got, expected);
    check.reset(); // open(): nothing seen
    got.clear();
    QVERIFY(parser.feed("id: 1\ndata: a\n\n"));
    QCOMPARE(got, QStringList {u"ok"_s});
}

QTEST_MAIN(tst_SsePolicyState)
#include "tst_ssepolicy_state.moc"
