// SPDX-License-Identifier: BSD-3-Clause
// SseClient's request (headers, Last-Event-ID) and how a stream opens: the Content-Type check
// and a 204.
#include "sseclienttest.h"

#include <QtCore/qregularexpression.h>

class tst_SseClientRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 1. request headers and Last-Event-ID
    void requestHeaders();
    void userAgent_data();
    void userAgent();
    void lastEventIdSentOnReconnect();
    void presetLastEventIdSentOnFirstRequest();
    void emptyIdResetsLastEventId();
    void userLastEventIdHeaderIgnored_data();
    void userLastEventIdHeaderIgnored();
    void headerInjectionRefused_data();
    void headerInjectionRefused();
    void invalidUrlFailsAtOnce_data();
    void invalidUrlFailsAtOnce();
    // 2. opening
    void opensOnEventStream_data();
    void opensOnEventStream();
    void wrongContentTypeFails_data();
    void wrongContentTypeFails();
    // 3. 204
    void noContentCloses();
};

// ---- 1. request headers ----------------------------------------------------------------------

void tst_SseClientRequest::requestHeaders()
{
    SseClientFixture f;
    QVERIFY(f.start(u"/events?topic=x"_s));
    f.server.enqueue(Response::sse().send("data: a\n\n").holdOpen());

    f.client.setRawHeaders({{"X-Api-Key", "k1"}, {"X-Trace", "t1"}, {"X-Remove", "r"}});
    f.client.setRawHeader("X-Trace", "t2"); // replaces
    f.client.setRawHeader("x-remove", {}); // removes, case-insensitively
    f.client.setRawHeader("X-Added", "a");
    QCOMPARE(f.client.rawHeaders(),
             Headers({{"X-Api-Key", "k1"}, {"X-Trace", "t2"}, {"X-Added", "a"}}));
    f.client.open();
    QVERIFY(f.openedSpy.wait(Timeout));

    QCOMPARE(f.server.requestCount(), 1);
    const Request r = f.server.requests().at(0);
    QCOMPARE(r.method, "GET");
    QCOMPARE(r.target, "/events?topic=x");
    QCOMPARE(r.header("Accept"), "text/event-stream");
    QCOMPARE(headerCount(r, "Accept"), 1);
    QCOMPARE(r.header("Cache-Control"), "no-cache");
    QCOMPARE(headerCount(r, "Cache-Control"), 1);
    QCOMPARE(r.header("X-Api-Key"), "k1");
    QCOMPARE(r.header("X-Trace"), "t2");
    QCOMPARE(headerCount(r, "X-Trace"), 1);
    QCOMPARE(r.header("X-Added"), "a");
    QVERIFY(!r.hasHeader("X-Remove"));
    QVERIFY(!r.hasHeader("Last-Event-ID")); // lastEventId is empty
    QVERIFY(r.body.isEmpty());
    f.client.close();
}

void tst_SseClientRequest::userAgent_data()
{
    QTest::addColumn<QByteArray>("name"); // of the application's header; empty: none
    QTest::addColumn<QByteArray>("expected"); // a regular expression
    QTest::newRow("default") << QByteArray() << QByteArray("^QtSse/\\d+\\.\\d+\\.\\d+$");
    QTest::newRow("the application's") << QByteArray("User-Agent") << QByteArray("^MyApp/2$");
    QTest::newRow("the application's, any case")
            << QByteArray("user-agent") << QByteArray("^MyApp/2$");
}

// Requests say who they are: QtSse/<version> (not Qt's "Mozilla/5.0"); the application's
// User-Agent wins, sent once.
void tst_SseClientRequest::userAgent()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, expected);
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().holdOpen());
    if (!name.isEmpty())
        f.client.setRawHeader(name, "MyApp/2");
    f.client.open();
    QVERIFY(f.openedSpy.wait(Timeout));
    const Request r = f.server.requests().at(0);
    QCOMPARE(headerCount(r, "User-Agent"), 1);
    const QString agent = QString::fromLatin1(r.header("User-Agent"));
    QVERIFY2(QRegularExpression(QString::fromLatin1(expected)).match(agent).hasMatch(),
             qPrintable(agent));
    f.client.close();
}

void tst_SseClientRequest::lastEventIdSentOnReconnect()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(endingStream("id: 41\ndata: a\n\nid: 42\ndata: b\n\n"));
    f.server.enqueue(Response::sse().holdOpen());

    QSignalSpy idSpy(&f.client, &SseClient::lastEventIdChanged);
    f.client.open();
    TRY_COMPARE(f.server.requestCount(), 2);
    TRY_COMPARE(f.client.state(), SseClient::Open);

    QVERIFY(!f.server.requests().at(0).hasHeader("Last-Event-ID"));
    QCOMPARE(f.server.requests().at(1).header("Last-Event-ID"), "42");
    QCOMPARE(headerCount(f.server.requests().at(1), "Last-Event-ID"), 1);
    QCOMPARE(f.client.lastEventId(), u"42"_s);
    QCOMPARE(idSpy.size(), 2);
    QCOMPARE(idSpy.at(0).at(0).toString(), u"41"_s);
    QCOMPARE(idSpy.at(1).at(0).toString(), u"42"_s);
    f.client.close();
}

void tst_SseClientRequest::presetLastEventIdSentOnFirstRequest()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().holdOpen());

    QSignalSpy idSpy(&f.client, &SseClient::lastEventIdChanged);
    f.client.setLastEventId(u"x"_s);
    QCOMPARE(f.client.lastEventId(), u"x"_s);
    QCOMPARE(idSpy.size(), 1);
    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.server.requests().at(0).header("Last-Event-ID"), "x");
    f.client.close();
}

void tst_SseClientRequest::emptyIdResetsLastEventId()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(endingStream("id: 1\ndata: a\n\nid:\ndata: b\n\n"));
    f.server.enqueue(Response::sse().holdOpen());

    f.client.open();
    TRY_COMPARE(f.server.requestCount(), 2);
    TRY_COMPARE(f.client.state(), SseClient::Open);

    const QList<SseEvent> events = eventsOf(f.eventSpy);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).lastEventId(), u"1"_s);
    QCOMPARE(events.at(1).lastEventId(), QString());
    QCOMPARE(f.client.lastEventId(), QString());
    QVERIFY(!f.server.requests().at(1).hasHeader("Last-Event-ID"));
    f.client.close();
}

void tst_SseClientRequest::userLastEventIdHeaderIgnored_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<QByteArray>("expected"); // null: no header

    QTest::newRow("id empty: no header") << QString() << QByteArray();
    QTest::newRow("id set: the client's id") << u"7"_s << QByteArray("7");
}

void tst_SseClientRequest::userLastEventIdHeaderIgnored()
{
    QFETCH(QString, presetId);
    QFETCH(QByteArray, expected);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(endingStream("data: a\n\n"));
    f.server.enqueue(Response::sse().holdOpen());

    f.client.setRawHeader("Last-Event-ID", "from-user");
    f.client.setLastEventId(presetId);
    f.client.open();
    TRY_COMPARE(f.server.requestCount(), 2); // the first request and a reconnect
    for (const Request &r : f.server.requests()) {
        QCOMPARE(r.hasHeader("Last-Event-ID"), !expected.isNull());
        QCOMPARE(headerCount(r, "Last-Event-ID"), expected.isNull() ? 0 : 1);
        QCOMPARE(r.header("Last-Event-ID"), expected);
    }
    f.client.close();
}

// ---- 2. opening -----------------------------------------------------------------------------

void tst_SseClientRequest::opensOnEventStream_data()
{
    QTest::addColumn<QByteArray>("contentType");

    QTest::newRow("text/event-stream") << QByteArray("text/event-stream");
    QTest::newRow("mixed case") << QByteArray("TEXT/Event-Stream");
    QTest::newRow("charset") << QByteArray("text/event-stream; charset=utf-8");
    QTest::newRow("spaces and parameter") << QByteArray(" text/event-stream ;x=y");
}

void tst_SseClientRequest::opensOnEventStream()
{
    QFETCH(QByteArray, contentType);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse()
                             .header("Content-Type", contentType)
                             .send("event: price\nid: 7\ndata: 1.5\n\ndata: plain\n\n")
                             .holdOpen());

    f.client.open();
    QVERIFY(f.openedSpy.wait(Timeout));
    QCOMPARE(f.client.state(), SseClient::Open);
    TRY_COMPARE(f.eventSpy.size(), 2);
    const QList<SseEvent> events = eventsOf(f.eventSpy);
    QCOMPARE(events.at(0), SseEvent(u"price"_s, u"1.5"_s, u"7"_s));
    QCOMPARE(events.at(1), SseEvent(u"message"_s, u"plain"_s, u"7"_s));
    QCOMPARE(f.client.error(), SseClient::NoError);
    QCOMPARE(f.client.httpStatus(), 200);
    f.client.close();
}

void tst_SseClientRequest::wrongContentTypeFails_data()
{
    QTest::addColumn<QByteArray>("contentType"); // null: no Content-Type header
    QTest::addColumn<QString>("named"); // what the errorString must contain

    QTest::newRow("text/plain") << QByteArray("text/plain") << u"text/plain"_s;
    QTest::newRow("application/json") << QByteArray("application/json") << u"application/json"_s;
    QTest::newRow("missing") << QByteArray() << u"Content-Type"_s;
    QTest::newRow("text/event-streamx")
            << QByteArray("text/event-streamx") << u"text/event-streamx"_s;
}

void tst_SseClientRequest::wrongContentTypeFails()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QString, named);

    SseClientFixture f;
    QVERIFY(f.start());
    // Content-Length framing (see endingStream()); an empty type means no Content-Type header
    f.answerFirstThenHold(Response::status(200, "data: a\n\n", contentType));

    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));

    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.error(), SseClient::InvalidStreamError);
    QCOMPARE(errorsOf(f.errorSpy), QList<SseClient::Error> {SseClient::InvalidStreamError});
    QVERIFY2(f.client.errorString().contains(named), qPrintable(f.client.errorString()));
    QCOMPARE(f.openedSpy.size(), 0);
    QCOMPARE(f.eventSpy.size(), 0);
    QCOMPARE(f.scheduledSpy.size(), 0);
    QCOMPARE(f.client.readyState(), SseClient::CLOSED);
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), 1);
}

// ---- 3. 204 ---------------------------------------------------------------------------------

void tst_SseClientRequest::noContentCloses()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.answerFirstThenHold(Response::status(204, {}, {}));

    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));

    QCOMPARE(f.client.state(), SseClient::Closed);
    QCOMPARE(f.client.error(), SseClient::NoError);
    QCOMPARE(f.client.errorString(), QString());
    QCOMPARE(f.errorSpy.size(), 0);
    QCOMPARE(f.openedSpy.size(), 0);
    QCOMPARE(statesOf(f.stateSpy), StateList({SseClient::Connecting, SseClient::Closed}));
    QVERIFY(!f.client.nextRetryTime().isValid());
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), 1);
    QCOMPARE(f.closedSpy.size(), 1);
}

// CR, LF or NUL in a header value (or a preset last event ID) would end the header and add
// others (Qt 6.4 writes them as they are): such a header is not sent, such an ID not taken.
void tst_SseClientRequest::headerInjectionRefused_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("CRLF") << "1\r\nX-Injected: yes"_ba;
    QTest::newRow("LF") << "1\nX-Injected: yes"_ba;
    QTest::newRow("CR") << "1\rX-Injected: yes"_ba;
    QTest::newRow("NUL") << QByteArray("1\0X-Injected: yes", 18);
}

void tst_SseClientRequest::headerInjectionRefused()
{
    QFETCH(QByteArray, value);
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().holdOpen());

    f.client.setLastEventId(u"42"_s);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(u"setLastEventId: rejected, CR, LF or NUL"_s));
    f.client.setLastEventId(QString::fromUtf8(value));
    QCOMPARE(f.client.lastEventId(), u"42"_s); // the old one stays
    f.client.setRawHeader("X-Token", value);
    f.client.setRawHeader("X-Other", "fine");
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"header not sent.*X-Token"_s));
    f.client.open();
    TRY_COMPARE(f.client.state(), SseClient::Open);
    const Request request = f.server.requests().first();
    QVERIFY(!request.hasHeader("X-Injected"));
    QVERIFY(!request.hasHeader("X-Token"));
    QCOMPARE(request.header("X-Other"), "fine");
    QCOMPARE(request.header("Last-Event-ID"), "42");
    f.client.close();
}

// A URL the client cannot request fails at once, for good, saying why: no retry loop of
// "Host  not found".
void tst_SseClientRequest::invalidUrlFailsAtOnce_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("reason");
    QTest::newRow("http:// (no host)") << u"http://"_s << u"no host"_s;
    QTest::newRow("http:///x (no host)") << u"http:///x"_s << u"no host"_s;
    QTest::newRow("https:// (no host)") << u"https://"_s << u"no host"_s;
    QTest::newRow("ftp") << u"ftp://127.0.0.1/x"_s << u"http and https are supported"_s;
    QTest::newRow("empty") << QString() << u"http and https are supported"_s;
}

void tst_SseClientRequest::invalidUrlFailsAtOnce()
{
    QFETCH(QString, url);
    QFETCH(QString, reason);
    SseClient client(QUrl(url, QUrl::TolerantMode));
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    client.open(); // synchronously: no request goes out
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::ConnectionError);
    QVERIFY2(client.errorString().startsWith(u"Invalid URL"_s)
                     && client.errorString().contains(reason),
             qPrintable(client.errorString()));
    QCOMPARE(statesOf(stateSpy), StateList {SseClient::Failed});
    QCOMPARE(scheduledSpy.size(), 0);
}

QTEST_MAIN(tst_SseClientRequest)
#include "tst_sseclient_request.moc"
