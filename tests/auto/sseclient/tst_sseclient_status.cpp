// SPDX-License-Identifier: BSD-3-Clause
// SseClient on HTTP error statuses: retryable ones (with Retry-After in seconds or as an HTTP
// date) and fatal ones, whose body is kept for errorBody().
#include "sseclienttest.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qlocale.h>

class tst_SseClientStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 5. retryable statuses and Retry-After
    void retryableStatus_data();
    void retryableStatus();
    void retryAfterSeconds_data();
    void retryAfterSeconds();
    void retryAfterHttpDate();
    // 6. fatal statuses
    void nonRetryableStatus_data();
    void nonRetryableStatus();
    void interimResponses_data();
    void interimResponses();
    void errorPropertiesFollowAttempts();
    void responseHeadersFollowResponses();
};

// ---- 5. retryable statuses ------------------------------------------------------------------

void tst_SseClientStatus::retryableStatus_data()
{
    QTest::addColumn<int>("status");
    for (int status : {408, 429, 500, 502, 503, 504})
        QTest::addRow("%d", status) << status;
}

void tst_SseClientStatus::retryableStatus()
{
    QFETCH(int, status);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(status, "try again later"));
    f.server.enqueue(Response::sse().send("data: ok\n\n").holdOpen());

    f.client.open();
    QVERIFY(f.scheduledSpy.wait(Timeout));
    QCOMPARE(errorsOf(f.errorSpy), QList<SseClient::Error> {SseClient::HttpStatusError});
    QCOMPARE(f.client.httpStatus(), status);
    QVERIFY2(f.client.errorString().contains(QString::number(status)),
             qPrintable(f.client.errorString()));
    QCOMPARE(argsOf(f.scheduledSpy, 0), QList<int> {1});
    QCOMPARE(argsOf(f.scheduledSpy, 1), QList<int> {50});

    TRY_COMPARE(f.eventSpy.size(), 1);
    QCOMPARE(f.server.requestCount(), 2);
    QCOMPARE(statesOf(f.stateSpy),
             StateList({SseClient::Connecting, SseClient::Reconnecting, SseClient::Connecting,
                        SseClient::Open}));
    QCOMPARE(f.client.reconnectAttempt(), 0);
    f.client.close();
}

void tst_SseClientStatus::retryAfterSeconds_data()
{
    QTest::addColumn<bool>("jitter");
    QTest::newRow("jitter off") << false;
    QTest::newRow("jitter on") << true; // Retry-After is a floor; jitter lengthens it
}

void tst_SseClientStatus::retryAfterSeconds()
{
    QFETCH(bool, jitter);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(503, "busy").header("Retry-After", "1"));
    f.server.enqueue(Response::sse().holdOpen());

    f.client.setJitterEnabled(jitter);
    f.client.open();
    QVERIFY(f.scheduledSpy.wait(Timeout));
    const int delay = f.scheduledSpy.at(0).at(1).toInt();
    if (jitter) // never earlier than asked, clients told the same do not return together
        QVERIFY2(delay >= 1000 && delay <= 1500, QByteArray::number(delay).constData());
    else
        QCOMPARE(delay, 1000);
    QCOMPARE(statesOf(f.stateSpy), StateList({SseClient::Connecting, SseClient::Reconnecting}));
    QVERIFY(f.client.nextRetryTime().isValid());
    f.client.close();
}

void tst_SseClientStatus::retryAfterHttpDate()
{
    SseTestServer server;
    QVERIFY(server.listen());
    QDateTime answered;
    QDateTime target;
    server.setHandler([&](const Request &) {
        answered = QDateTime::currentDateTimeUtc();
        const QDateTime inTwo = answered.addSecs(2);
        target = QDateTime(inTwo.date(),
                           QTime(inTwo.time().hour(), inTwo.time().minute(), inTwo.time().second()),
                           Qt::UTC); // an HTTP date has whole seconds
        const QString date = QLocale::c().toString(inTwo, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
        return Response::status(503, "busy").header("Retry-After", date.toLatin1());
    });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QDateTime scheduledAt;
    connect(&client, &SseClient::reconnectScheduled, this,
            [&] { scheduledAt = QDateTime::currentDateTimeUtc(); });
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    client.open();
    QVERIFY(scheduledSpy.wait(Timeout));
    client.close();
    const int delay = scheduledSpy.at(0).at(1).toInt();
    // The client parsed the date between the answer and the signal: the delay to the target is
    // bracketed by the two, whatever the load. Without load it is about 1000..2000 ms.
    const qint64 atMost = answered.msecsTo(target);
    const qint64 atLeast = scheduledAt.msecsTo(target);
    QVERIFY2(atMost > 1000 && atMost <= 2000, QByteArray::number(atMost).constData());
    QVERIFY2(delay <= atMost && delay >= atLeast,
             qPrintable(u"%1 not in [%2, %3]"_s.arg(delay).arg(atLeast).arg(atMost)));
}

// ---- 6. fatal statuses ----------------------------------------------------------------------

void tst_SseClientStatus::nonRetryableStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");

    QTest::newRow("400") << 400 << QByteArray(R"({"error":"bad request"})")
                         << QByteArray("application/json");
    QTest::newRow("401 JSON error") << 401
                                    << QByteArray(R"({"error":{"message":"Incorrect API key )"
                                                  R"(provided","type":"invalid_request_error"}})")
                                    << QByteArray("application/json");
    QTest::newRow("401 large body") << 401 << QByteArray(20000, 'x') << QByteArray("text/plain");
    QTest::newRow("403") << 403 << QByteArray("forbidden") << QByteArray("text/plain");
    QTest::newRow("404") << 404 << QByteArray("no such stream") << QByteArray("text/plain");
    QTest::newRow("410") << 410 << QByteArray("gone for good") << QByteArray("text/plain");
}

void tst_SseClientStatus::nonRetryableStatus()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);

    SseClientFixture f;
    QVERIFY(f.start(u"/v1/chat"_s));
    f.server.setHandler(
            [&](const Request &) { return Response::status(status, body, contentType); });

    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));

    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.readyState(), SseClient::CLOSED);
    QCOMPARE(f.client.error(), SseClient::HttpStatusError);
    QCOMPARE(errorsOf(f.errorSpy), QList<SseClient::Error> {SseClient::HttpStatusError});
    QCOMPARE(f.client.httpStatus(), status);
    const QByteArray errorBody = f.client.errorBody();
    QVERIFY(!errorBody.isEmpty());
    QVERIFY(body.startsWith(errorBody));
    if (body.size() < 1024)
        QCOMPARE(errorBody, body);
    else
        QVERIFY(errorBody.size() < body.size()); // only the start is kept
    const QString text = f.client.errorString();
    QVERIFY2(text.contains(QString::number(status)), qPrintable(text));
    QVERIFY2(text.contains(QString::fromUtf8(errorBody.left(60))), qPrintable(text));
    QCOMPARE(f.scheduledSpy.size(), 0);
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), 1);
}

// Interim 1xx responses before the final one: RFC 9110 (15.2) says to skip those a client does
// not know, but Qt 6.4 ends the reply at them, and the final response after it is lost. Defined
// outcome: Failed, with an error that says so (not a bare "HTTP 103").
void tst_SseClientStatus::interimResponses_data()
{
    QTest::addColumn<QByteArray>("interim");
    QTest::addColumn<QString>("status");
    QTest::newRow("102 Processing") << "HTTP/1.1 102 Processing\r\n\r\n"_ba << u"HTTP 102"_s;
    QTest::newRow("103 Early Hints")
            << "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"_ba
            << u"HTTP 103"_s;
}

void tst_SseClientStatus::interimResponses()
{
    QFETCH(QByteArray, interim);
    QFETCH(QString, status);
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(
            Response::raw(interim + "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
                    .send("id: 1\ndata: a\n\n")
                    .holdOpen());
    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.error(), SseClient::HttpStatusError);
    QVERIFY2(f.client.errorString().startsWith(status)
                     && f.client.errorString().contains(
                             u"an interim response, which Qt 6.4 takes"_s),
             qPrintable(f.client.errorString()));
    QCOMPARE(f.server.requestCount(), 1);
}

// The property contract (sseclient.h): error and errorString describe the last failure until a
// stream opens; httpStatus and errorBody the latest response, from each request on; all four
// notify with errorChanged(), also when open() resets them.
void tst_SseClientStatus::errorPropertiesFollowAttempts()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::status(503, "busy"));
    f.server.enqueue(Response::sse().send("data: a\n\n").holdOpen());

    f.client.setReconnectionTime(300);
    struct Seen
    {
        SseClient::State state;
        SseClient::Error error;
        int status;
        QByteArray body;
        bool operator==(const Seen &o) const
        {
            return state == o.state && error == o.error && status == o.status && body == o.body;
        }
    };
    QList<Seen> seen; // at each errorChanged()
    connect(&f.client, &SseClient::errorChanged, this, [&] {
        seen.append(
                {f.client.state(), f.client.error(), f.client.httpStatus(), f.client.errorBody()});
    });
    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.client.error(), SseClient::NoError);
    QCOMPARE(f.client.errorString(), QString());
    QCOMPARE(f.client.httpStatus(), 200);
    using S = SseClient;
    const QList<Seen> expected {
            {S::Connecting, S::NoError, 503, {}}, // the 503's head
            {S::Connecting, S::HttpStatusError, 503, "busy"}, // its verdict, with its body
            {S::Reconnecting, S::HttpStatusError, 0, {}}, // the retry's request: a new response
            {S::Connecting, S::HttpStatusError, 200, {}}, // its head
            {S::Connecting, S::NoError, 200, {}}, // the stream opens: the trouble is over
    };
    QCOMPARE(seen.size(), expected.size());
    for (qsizetype i = 0; i < seen.size(); ++i)
        QVERIFY2(seen.at(i) == expected.at(i), qPrintable(QString::number(i)));

    // The server goes: the next attempt's error is not paired with the last stream's 200.
    f.server.stopListening();
    f.server.closeAllConnections();
    TRY_COMPARE(f.client.error(), SseClient::ConnectionError);
    QCOMPARE(f.client.httpStatus(), 0);
    QCOMPARE(f.client.errorBody(), QByteArray());
    f.client.close();
    QCOMPARE(f.client.error(), SseClient::ConnectionError); // close() keeps what happened

    // open() starts afresh, and says so.
    seen.clear();
    f.client.open();
    QVERIFY(!seen.isEmpty());
    QCOMPARE(seen.first().error, SseClient::NoError);
    QCOMPARE(f.client.errorString(), QString());
    f.client.close();
}

// Every response's head, a redirect's and an error's included, is announced by
// responseReceived() with httpStatus() and responseHeaders() set; each request clears them.
void tst_SseClientStatus::responseHeadersFollowResponses()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(
            Response::redirect(302, f.server.url(u"/there"_s).toEncoded()).header("X-Hop", "1"));
    f.server.enqueue(Response::status(503, "busy").header("Retry-After", "0"));
    f.server.enqueue(Response::sse().header("X-Request-Id", "r-42").send("data: a\n\n").holdOpen());
    f.client.setReconnectionTime(20);
    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    const auto value = [](const Headers &headers, QByteArrayView name) {
        for (const auto &[n, v] : headers) {
            if (name.compare(n, Qt::CaseInsensitive) == 0)
                return v;
        }
        return QByteArray();
    };
    QList<std::pair<int, Headers>> responses; // at each responseReceived()
    QList<qsizetype> headersAtRequest; // responseHeaders().size() as each request goes out
    connect(&f.client, &SseClient::responseReceived, this, [&] {
        responses.append({f.client.httpStatus(), f.client.responseHeaders()});
    });
    connect(&f.client, &SseClient::aboutToSendRequest, this,
            [&] { headersAtRequest.append(f.client.responseHeaders().size()); });
    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(0).first, 302);
    QCOMPARE(value(responses.at(0).second, "x-hop"), QByteArray("1"));
    QVERIFY(!value(responses.at(0).second, "Location").isEmpty());
    QCOMPARE(responses.at(1).first, 503);
    QCOMPARE(value(responses.at(1).second, "Retry-After"), QByteArray("0"));
    QCOMPARE(value(responses.at(1).second, "X-Hop"), QByteArray()); // not the last response's
    QCOMPARE(responses.at(2).first, 200);
    QCOMPARE(value(responses.at(2).second, "X-Request-Id"), QByteArray("r-42"));
    QCOMPARE(f.client.responseHeaders(), responses.at(2).second); // kept while the stream lives
    QCOMPARE(headersAtRequest, QList<qsizetype>({0, 0, 0}));
    f.client.close();
}

QTEST_MAIN(tst_SseClientStatus)
#include "tst_sseclient_status.moc"
