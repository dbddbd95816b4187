// SPDX-License-Identifier: BSD-3-Clause
// ssecat on failures: HTTP statuses and Content-Type, retries exhausted (exit 1), failures
// followed by success, the backoff, and a non-GET failure that is not re-sent.
#include "ssecattest.h"

class tst_SseCatRetry : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void httpStatus_data();
    void httpStatus();
    void retriesExhausted_data();
    void retriesExhausted();
    void retryAfterFailure_data();
    void retryAfterFailure();
    void backoff();
    void networkErrorThenSuccess();
    void postFailureNotResent();
    void refusedProxyIsNamed();
};

// ---------------------------------------------------------------------------------------------
// HTTP statuses and Content-Type

void tst_SseCatRetry::httpStatus_data()
{
    QTest::addColumn<Response>("response");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("stderrMentions");
    QTest::addColumn<QByteArray>("expectedOut");

    QTest::newRow("204") << Response::status(204, {}, {}) << 0 << QByteArray() << QByteArray();
    QTest::newRow("404") << Response::status(404, "Not Found") << 1 << "404"_ba << QByteArray();
    QTest::newRow("401") << Response::status(401, "token expired") << 1 << "401"_ba << QByteArray();
    QTest::newRow("403") << Response::status(403, "no") << 1 << "403"_ba << QByteArray();
    QTest::newRow("400") << Response::status(400, "bad") << 1 << "400"_ba << QByteArray();
    QTest::newRow("410") << Response::status(410, "gone") << 1 << "410"_ba << QByteArray();
    QTest::newRow("501") << Response::status(501, "no") << 1 << "501"_ba << QByteArray();
    QTest::newRow("304") << Response::status(304, {}, {}) << 1 << "304"_ba << QByteArray();
    QTest::newRow("200 text/plain") << Response::status(200, "data: x\n\n", "text/plain") << 1
                                    << "text/plain"_ba << QByteArray();
    QTest::newRow("200 application/json") << Response::status(200, "{}", "application/json") << 1
                                          << "application/json"_ba << QByteArray();
    QTest::newRow("200 without Content-Type")
            << Response::status(200, "data: x\n\n", {}) << 1 << "Content-Type"_ba << QByteArray();
    QTest::newRow("200 any case, parameters")
            << stream().header("Content-Type", "Text/Event-Stream; charset=utf-8")
                       .send("data: x\n\n")
                       .holdOpen()
            << 0 << QByteArray()
            << R"({"type":"message","data":"x","id":""})"
               "\n"_ba;
}

void tst_SseCatRetry::httpStatus()
{
    QFETCH(Response, response);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, stderrMentions);
    QFETCH(QByteArray, expectedOut);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(response);
    // No --max-retries: a 204 and a fatal answer must end the run by themselves.
    SseCat cat({u"--retry-delay"_s, u"50"_s, u"--max-events"_s, u"1"_s, server.url().toString()});
    QVERIFY2(cat.finish(), cat.describe().constData());
    QVERIFY2(cat.exitedWith(exitCode), cat.describe().constData());
    QCOMPARE(cat.out, expectedOut);
    if (!stderrMentions.isEmpty())
        QVERIFY2(cat.err.contains(stderrMentions), cat.describe().constData());
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// Retries exhausted: exit 1

void tst_SseCatRetry::retriesExhausted_data()
{
    QTest::addColumn<bool>("refused"); // else the server answers `status` every time
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("maxRetries");

    QTest::newRow("connection refused, --max-retries 2") << true << 0 << 2;
    QTest::newRow("503, --max-retries 2") << false << 503 << 2;
    QTest::newRow("500, --max-retries 0") << false << 500 << 0;
    QTest::newRow("429, --max-retries 1") << false << 429 << 1;
}

void tst_SseCatRetry::retriesExhausted()
{
    QFETCH(bool, refused);
    QFETCH(int, status);
    QFETCH(int, maxRetries);

    Server server;
    QVERIFY(server.listen());
    const QUrl url = server.url();
    if (refused)
        server.stopListening(); // the port is free now: connecting is refused
    else
        server.setHandler(
                [status](const Server::Request &) { return Response::status(status, "busy"); });
    SseCat cat({u"-v"_s, u"--max-retries"_s, QString::number(maxRetries), u"--retry-delay"_s,
                u"20"_s, url.toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.out.isEmpty(), cat.describe().constData());
    static const QRegularExpression givingUp(u"gave up|giving up"_s,
                                             QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(QString::fromUtf8(cat.err).contains(givingUp), cat.describe().constData());
    // -v announces each reconnect: maxRetries of them, i.e. maxRetries + 1 attempts.
    QCOMPARE(cat.err.count("reconnect attempt"), maxRetries);
    if (!refused) {
        QVERIFY2(server.requestCount() == maxRetries + 1, server.describe().constData());
        QVERIFY2(cat.err.contains(QByteArray::number(status)), cat.describe().constData());
    }
}

// ---------------------------------------------------------------------------------------------
// Failures followed by success

void tst_SseCatRetry::retryAfterFailure_data()
{
    QTest::addColumn<QList<Response>>("responses");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("minGapMs"); // at least this long between the 1st and 2nd request

    const Response ok = stream().send("data: ok\n\n").holdOpen();
    for (const int status : {408, 429, 500, 502, 503, 504}) {
        QTest::addRow("%d then 200", status)
                << QList<Response> {Response::status(status, "busy"), ok} << QStringList()
                << QStringList {u"ok"_s} << 0;
    }
    QTest::newRow("429 Retry-After: 1")
            << QList<Response> {Response::status(429, "slow down").header("Retry-After", "1"), ok}
            << QStringList() << QStringList {u"ok"_s} << 950;
    // --max-retries 1: 503, then a stream (resets the count), then one reconnect is allowed.
    QTest::newRow("an opened stream resets the count")
            << QList<Response> {Response::status(503, "busy"), stream().send("data: a\n\n").close(),
                                stream().send("data: b\n\n").holdOpen()}
            << QStringList {u"--max-retries"_s, u"1"_s} << QStringList {u"a"_s, u"b"_s} << 0;
}

void tst_SseCatRetry::retryAfterFailure()
{
    QFETCH(QList<Response>, responses);
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    QFETCH(int, minGapMs);

    Server server;
    QVERIFY(server.listen());
    for (const Response &r : std::as_const(responses))
        server.enqueue(r);
    SseCat cat(args
               + QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s,
                              QString::number(expected.size()), server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), expected);
    QVERIFY2(server.requestCount() == responses.size(), server.describe().constData());
    const QList<qint64> times = server.times();
    QVERIFY2(times.at(1) - times.at(0) >= minGapMs,
             QByteArray::number(times.at(1) - times.at(0)).constData());
}

// Consecutive failures back off exponentially up to --retry-max-delay, jitter up to 1.5x on top;
// an opened stream resets the delay. Read from -v's reconnect lines.
void tst_SseCatRetry::backoff()
{
    Server server;
    QVERIFY(server.listen());
    for (int i = 0; i < 3; ++i)
        server.enqueue(Response::status(503, "busy"));
    // Lives longer than 1 s: an opened stream that resets the delay (a shorter one would not).
    server.enqueue(stream().send("data: a\n\n").pause(1100).close());
    server.enqueue(stream().send("data: b\n\n").holdOpen());
    SseCat cat({u"-v"_s, u"--retry-delay"_s, u"50"_s, u"--retry-max-delay"_s, u"120"_s,
                u"--max-events"_s, u"2"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"a"_s, u"b"_s}));
    QVERIFY2(server.requestCount() == 5, server.describe().constData());
    static const QRegularExpression delayRe(u"^.*reconnect.*attempt.*\\b(\\d+) ?ms$"_s,
                                            QRegularExpression::MultilineOption
                                                    | QRegularExpression::CaseInsensitiveOption);
    QList<int> delays;
    for (const QRegularExpressionMatch &m : delayRe.globalMatch(QString::fromUtf8(cat.err)))
        delays.append(m.captured(1).toInt());
    QCOMPARE(delays.size(), 4);
    const int bounds[4][2] = {{50, 75}, {100, 150}, {120, 180}, {50, 75}};
    for (int i = 0; i < 4; ++i) {
        QVERIFY2(delays.at(i) >= bounds[i][0] && delays.at(i) <= bounds[i][1],
                 qPrintable(u"delay %1: %2\n"_s.arg(i).arg(delays.at(i))
                            + QString::fromUtf8(cat.err)));
    }
}

// Connection refused (the server is down), then the server comes back on the same port.
void tst_SseCatRetry::networkErrorThenSuccess()
{
    Server server;
    QVERIFY(server.listen());
    const QUrl url = server.url();
    const quint16 port = quint16(url.port());
    server.stopListening();
    server.enqueue(stream().send("data: back\n\n").holdOpen());
    SseCat cat({u"-v"_s, u"--retry-delay"_s, u"200"_s, u"--max-events"_s, u"1"_s, url.toString()});
    QTRY_VERIFY_WITH_TIMEOUT(cat.err.contains("reconnect attempt 1"), Timeout);
    QVERIFY2(server.listen(port), "could not listen on the same port again");
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"back"_s});
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// A non-GET request that failed with a retryable status is not re-sent: failed for good.
void tst_SseCatRetry::postFailureNotResent()
{
    Server server;
    QVERIFY(server.listen());
    server.setHandler([](const Server::Request &) { return Response::status(503, "busy"); });
    SseCat cat({u"-d"_s, u"x"_s, u"--retry-delay"_s, u"20"_s, server.url().toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.out.isEmpty(), cat.describe().constData());
    QVERIFY2(cat.err.contains("503"), cat.describe().constData());
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// http_proxy pointing at a closed port: Qt 6.4 says only "Connection refused", which reads as
// if the server refused. The error names the proxy. (The URL's host is never looked up: the
// request goes to the proxy.)
void tst_SseCatRetry::refusedProxyIsNamed()
{
    Server closed;
    QVERIFY(closed.listen());
    const QString proxy = u"127.0.0.1:%1"_s.arg(closed.url().port());
    closed.stopListening();
    SseCat cat({u"--max-retries"_s, u"0"_s, u"http://sse.example.invalid/events"_s},
               Env {{u"http_proxy"_s, u"http://"_s + proxy}});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.err.contains(u"Connection refused (through the proxy %1)"_s.arg(proxy).toUtf8()),
             cat.err.constData());
}

QTEST_GUILESS_MAIN(tst_SseCatRetry)
#include "tst_ssecat_retry.moc"
