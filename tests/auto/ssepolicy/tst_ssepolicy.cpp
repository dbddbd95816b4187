// SPDX-License-Identifier: BSD-3-Clause
// The connection policy without sockets: verdicts per status/Content-Type/Location, Retry-After
// and the backoff math with an injected random source.
#include "ssepolicy_p.h"

#include <QtTest/qtest.h>

using namespace QtSsePrivate;

class tst_SsePolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contentType_data();
    void contentType();
    void statusVerdict_data();
    void statusVerdict();
    void redirect_data();
    void redirect();
    void retryAfter_data();
    void retryAfter();
    void sameOrigin_data();
    void sameOrigin();
    void networkErrors_data();
    void networkErrors();
    void backoffBase_data();
    void backoffBase();
    void backoffJitter_data();
    void backoffJitter();
    void backoffRetryAfterFloor_data();
    void backoffRetryAfterFloor();
};

void tst_SsePolicy::contentType_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("eventStream");
    QTest::newRow("exact") << QByteArray("text/event-stream") << true;
    QTest::newRow("case") << QByteArray("Text/Event-Stream") << true;
    QTest::newRow("charset") << QByteArray("text/event-stream; charset=utf-8") << true;
    QTest::newRow("spaces") << QByteArray("  text/event-stream  ;x=y") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("plain") << QByteArray("text/plain") << false;
    QTest::newRow("suffix") << QByteArray("text/event-streams") << false;
    QTest::newRow("json") << QByteArray("application/json") << false;
}

void tst_SsePolicy::contentType()
{
    QFETCH(QByteArray, contentType);
    QFETCH(bool, eventStream);
    QCOMPARE(isEventStreamContentType(contentType), eventStream);
}

void tst_SsePolicy::statusVerdict_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("action");
    QTest::addColumn<int>("error");
    const int retry = Verdict::Retry, fail = Verdict::Fail;
    QTest::newRow("200") << 200 << int(Verdict::OpenStream) << int(SseClient::NoError);
    QTest::newRow("204") << 204 << int(Verdict::Stop) << int(SseClient::NoError);
    for (int s : {408, 429, 500, 502, 503, 504})
        QTest::addRow("%d", s) << s << retry << int(SseClient::HttpStatusError);
    for (int s :
         {101, 102, 103, 201, 202, 206, 400, 401, 403, 404, 405, 410, 418, 451, 501, 505, 511})
        QTest::addRow("%d", s) << s << fail << int(SseClient::HttpStatusError);
}

void tst_SsePolicy::statusVerdict()
{
    QFETCH(int, status);
    QFETCH(int, action);
    QFETCH(int, error);
    ResponseInfo info;
    info.status = status;
    info.reasonPhrase = "Reason";
    info.contentType = "text/event-stream";
    const Verdict v = classifyResponse(info, QUrl(QStringLiteral("http://a.test/s")), "GET",
                                       QDateTime::currentDateTimeUtc());
    QCOMPARE(int(v.action), action);
    QCOMPARE(int(v.error), error);
    if (v.action == Verdict::Fail || v.action == Verdict::Retry)
        QVERIFY2(v.reason.contains(QString::number(status)), qPrintable(v.reason));
    QCOMPARE(v.retryAfterMs, -1);
}

void tst_SsePolicy::redirect_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QByteArray>("location");
    QTest::addColumn<int>("action");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("toGet");
    const int follow = Verdict::FollowRedirect, fail = Verdict::Fail;
    const QString http = QStringLiteral("http://a.test/s");
    const QString https = QStringLiteral("https://a.test/s");
    for (int s : {301, 302, 307, 308}) {
        QTest::addRow("%d GET", s) << s << QByteArray("GET") << http << QByteArray("/t") << follow
                                   << QStringLiteral("http://a.test/t") << false;
        QTest::addRow("%d POST keeps", s)
                << s << QByteArray("POST") << http << QByteArray("http://b.test/x") << follow
                << QStringLiteral("http://b.test/x") << false;
    }
    QTest::newRow("303 POST to GET") << 303 << QByteArray("POST") << http << QByteArray("t2")
                                     << follow << QStringLiteral("http://a.test/t2") << true;
    QTest::newRow("303 GET stays") << 303 << QByteArray("GET") << http << QByteArray("/t") << follow
                                   << QStringLiteral("http://a.test/t") << false;
    QTest::newRow("https to https")
            << 302 << QByteArray("GET") << https << QByteArray("https://b.test/") << follow
            << QStringLiteral("https://b.test/") << false;
    QTest::newRow("http to https")
            << 302 << QByteArray("GET") << http << QByteArray("https://b.test/") << follow
            << QStringLiteral("https://b.test/") << false;
    QTest::newRow("https to http refused")
            << 302 << QByteArray("GET") << https << QByteArray("http://b.test/") << fail
            << QString() << false;
    QTest::newRow("no location") << 302 << QByteArray("GET") << http << QByteArray() << fail
                                 << QString() << false;
    QTest::newRow("ftp refused") << 302 << QByteArray("GET") << http << QByteArray("ftp://b.test/")
                                 << fail << QString() << false;
}

void tst_SsePolicy::redirect()
{
    QFETCH(int, status);
    QFETCH(QByteArray, method);
    QFETCH(QString, from);
    QFETCH(QByteArray, location);
    QFETCH(int, action);
    QFETCH(QString, target);
    QFETCH(bool, toGet);
    ResponseInfo info;
    info.status = status;
    info.location = location;
    const Verdict v = classifyResponse(info, QUrl(from), method, QDateTime::currentDateTimeUtc());
    QCOMPARE(int(v.action), action);
    if (action == Verdict::FollowRedirect) {
        QCOMPARE(v.redirectUrl, QUrl(target));
        QCOMPARE(v.switchToGet, toGet);
    } else {
        QCOMPARE(v.error, SseClient::RedirectError);
        QVERIFY(!v.reason.isEmpty());
    }
}

void tst_SsePolicy::retryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("absent") << QByteArray() << qint64(-1);
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("seconds") << QByteArray("120") << qint64(120000);
    QTest::newRow("spaces") << QByteArray(" 5 ") << qint64(5000);
    QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
    QTest::newRow("fraction") << QByteArray("1.5") << qint64(-1);
    QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
    QTest::newRow("huge") << QByteArray("99999999999999999999") << qint64(999999999) * 1000;
    // now is 2026-11-25 12:00:00 UTC
    QTest::newRow("imf-fixdate") << QByteArray("Wed, 25 Nov 2026 12:00:30 GMT") << qint64(30000);
    QTest::newRow("rfc850") << QByteArray("Wednesday, 25-Nov-26 12:01:00 GMT") << qint64(60000);
    QTest::newRow("asctime") << QByteArray("Wed Nov 25 12:00:10 2026") << qint64(10000);
    QTest::newRow("past date") << QByteArray("Wed, 25 Nov 2026 11:00:00 GMT") << qint64(0);
}

void tst_SsePolicy::retryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expected);
    const QDateTime now(QDate(2026, 11, 25), QTime(12, 0), Qt::UTC);
    QCOMPARE(parseRetryAfter(value, now), expected);

    // And through the verdict of a 503.
    ResponseInfo info;
    info.status = 503;
    info.retryAfter = value;
    const Verdict v = classifyResponse(info, QUrl(QStringLiteral("http://a.test/")), "GET", now);
    QCOMPARE(v.action, Verdict::Retry);
    QCOMPARE(v.retryAfterMs, expected);
}

void tst_SsePolicy::sameOrigin_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");
    QTest::newRow("path") << "http://h.test/a"
                          << "http://h.test/b?x" << true;
    QTest::newRow("default port") << "http://h.test/"
                                  << "http://h.test:80/" << true;
    QTest::newRow("https default port") << "https://h.test/"
                                        << "https://h.test:443/" << true;
    QTest::newRow("host case") << "http://H.test/"
                               << "http://h.test/" << true;
    QTest::newRow("port") << "http://h.test:1/"
                          << "http://h.test:2/" << false;
    QTest::newRow("host") << "http://127.0.0.1:1/"
                          << "http://127.0.0.2:1/" << false;
    QTest::newRow("scheme") << "http://h.test/"
                            << "https://h.test/" << false;
}

void tst_SsePolicy::sameOrigin()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(isSameOrigin(QUrl(a), QUrl(b)), same);
    QCOMPARE(isSameOrigin(QUrl(b), QUrl(a)), same);
}

void tst_SsePolicy::networkErrors_data()
{
    QTest::addColumn<int>("networkError");
    QTest::addColumn<int>("action");
    QTest::addColumn<int>("error");
    const int retry = Verdict::Retry, fail = Verdict::Fail;
    QTest::newRow("refused") << int(QNetworkReply::ConnectionRefusedError) << retry
                             << int(SseClient::ConnectionError);
    QTest::newRow("closed") << int(QNetworkReply::RemoteHostClosedError) << retry
                            << int(SseClient::ConnectionError);
    QTest::newRow("host not found")
            << int(QNetworkReply::HostNotFoundError) << retry << int(SseClient::ConnectionError);
    QTest::newRow("h2 reset") << int(QNetworkReply::InternalServerError) << retry
                              << int(SseClient::ConnectionError);
    QTest::newRow("tls") << int(QNetworkReply::SslHandshakeFailedError) << fail
                         << int(SseClient::TlsError);
    QTest::newRow("protocol") << int(QNetworkReply::ProtocolUnknownError) << fail
                              << int(SseClient::ConnectionError);
}

void tst_SsePolicy::networkErrors()
{
    QFETCH(int, networkError);
    QFETCH(int, action);
    QFETCH(int, error);
    const Verdict v = classifyNetworkError(QNetworkReply::NetworkError(networkError),
                                           QStringLiteral("because"));
    QCOMPARE(int(v.action), action);
    QCOMPARE(int(v.error), error);
    QCOMPARE(v.reason, QStringLiteral("because"));
}

void tst_SsePolicy::backoffBase_data()
{
    QTest::addColumn<qint64>("reconnectionTime");
    QTest::addColumn<qint64>("cap");
    QTest::addColumn<QList<qint64>>("delays"); // for 0, 1, 2, ... consecutive failures
    QTest::newRow("default") << qint64(3000) << qint64(30000)
                             << QList<qint64> {3000, 3000, 6000, 12000, 24000, 30000, 30000};
    QTest::newRow("small cap") << qint64(50) << qint64(150)
                               << QList<qint64> {50, 50, 100, 150, 150, 150};
    // The cap never makes the client reconnect earlier than the server's retry: asks.
    QTest::newRow("retry above cap")
            << qint64(60000) << qint64(30000) << QList<qint64> {60000, 60000, 60000};
    // retry: 0 reconnects at once after a stream ends, but failures still back off.
    QTest::newRow("zero") << qint64(0) << qint64(30000) << QList<qint64> {0, 1, 2, 4, 8};
}

void tst_SsePolicy::backoffBase()
{
    QFETCH(qint64, reconnectionTime);
    QFETCH(qint64, cap);
    QFETCH(QList<qint64>, delays);
    Backoff b;
    b.reconnectionTime = reconnectionTime;
    b.maxDelay = cap;
    b.jitter = false;
    for (int failures = 0; failures < delays.size(); ++failures) {
        QCOMPARE(b.baseDelay(failures), delays.at(failures));
        QCOMPARE(b.delay(failures), delays.at(failures));
    }
    QCOMPARE(b.baseDelay(1000), qMax(cap, reconnectionTime)); // no overflow for long outages
}

void tst_SsePolicy::backoffJitter_data()
{
    QTest::addColumn<double>("random");
    QTest::addColumn<qint64>("expected"); // for 3000 ms and 0 failures
    QTest::newRow("0") << 0.0 << qint64(3000); // never shortened
    QTest::newRow("0.5") << 0.5 << qint64(3750);
    QTest::newRow("almost 1") << 0.999999 << qint64(4499); // up to 1.5x
    QTest::newRow("clamped") << 7.0 << qint64(4500);
}

void tst_SsePolicy::backoffJitter()
{
    QFETCH(double, random);
    QFETCH(qint64, expected);
    Backoff b;
    b.random = [random] { return random; };
    QCOMPARE(b.delay(0), expected);
    // At the cap the jitter still spreads clients out (30000 * (1 + 0.5 r)).
    QCOMPARE(b.delay(50), qint64(30000 + qint64(30000 * 0.5 * qBound(0.0, random, 1.0))));

    Backoff global; // QRandomGenerator: always within [base, 1.5 base]
    for (int i = 0; i < 1000; ++i) {
        const qint64 d = global.delay(2);
        QVERIFY(d >= 6000 && d <= 9000);
    }
}

void tst_SsePolicy::backoffRetryAfterFloor_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<qint64>("retryAfter"); // ms, -1: none
    QTest::addColumn<qint64>("expected"); // reconnectionTime 100, maxDelay 1000, no jitter
    QTest::newRow("none") << 1 << qint64(-1) << qint64(100);
    QTest::newRow("Retry-After longer than the backoff") << 1 << qint64(2000) << qint64(2000);
    QTest::newRow("Retry-After above the cap") << 9 << qint64(5000) << qint64(5000);
    // "Retry-After: 0" (or a date in the past): the backoff still applies and grows.
    QTest::newRow("Retry-After 0, 1st failure") << 1 << qint64(0) << qint64(100);
    QTest::newRow("Retry-After 0, 4th failure") << 4 << qint64(0) << qint64(800);
    QTest::newRow("Retry-After 0, at the cap") << 9 << qint64(0) << qint64(1000);
}

void tst_SsePolicy::backoffRetryAfterFloor()
{
    QFETCH(int, failures);
    QFETCH(qint64, retryAfter);
    QFETCH(qint64, expected);
    Backoff b;
    b.reconnectionTime = 100;
    b.maxDelay = 1000;
    b.jitter = false;
    QCOMPARE(b.delay(failures, retryAfter), expected);
    b.jitter = true; // and jitter on top: never earlier than asked, at most half again
    b.random = [] { return 0.999999; };
    QCOMPARE(b.delay(failures, retryAfter), expected + qint64(double(expected) * 0.5 * 0.999999));
}

QTEST_MAIN(tst_SsePolicy)
#include "tst_ssepolicy.moc"
