// SPDX-License-Identifier: BSD-3-Clause
// SseClient against the in-process SseTestServer: the connection policy, one line at a time.
// Delays are asserted on the values the client schedules (reconnectScheduled), never on the
// wall clock; waits are QSignalSpy::wait / QTRY_* with generous timeouts.
#include "ssepolicy_p.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseConnectionPool>
#include <QtSse/SseEvent>
#include <QtSse/SseParser>

#include <QtCore/qeventloop.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qlocale.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qset.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkrequest.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using Request = SseTestServer::Request;
using Headers = QList<std::pair<QByteArray, QByteArray>>;
using StateList = QList<SseClient::State>;

static constexpr int Timeout = 10000; // generous: the suite must pass on a loaded machine
// How long "nothing more happens" is watched; longer than any retry delay the tests schedule.
static constexpr int Quiet = 200;

#define TRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, Timeout)
#define TRY_VERIFY(expr) QTRY_VERIFY_WITH_TIMEOUT(expr, Timeout)

// Records every SseClient signal by name, in emission order ("stateChanged:Open" carries the
// new state), so that tests can assert sequences and "no signal after close()".
class SignalLog : public QObject
{
    Q_OBJECT
public:
    explicit SignalLog(SseClient *client) : m_client(client)
    {
        const QMetaObject &mo = SseClient::staticMetaObject;
        const QMetaMethod slot = staticMetaObject.method(staticMetaObject.indexOfSlot("record()"));
        for (int i = mo.methodOffset(); i < mo.methodCount(); ++i) {
            if (mo.method(i).methodType() == QMetaMethod::Signal)
                connect(client, mo.method(i), this, slot);
        }
    }
    QStringList names;
    QStringList only(const QStringList &wanted) const
    {
        QStringList out;
        for (const QString &name : names) {
            if (wanted.contains(name.section(u':', 0, 0)))
                out.append(name);
        }
        return out;
    }

public Q_SLOTS:
    void record()
    {
        QString name =
                QString::fromLatin1(sender()->metaObject()->method(senderSignalIndex()).name());
        if (name == "stateChanged"_L1)
            name += u':'
                    + QString::fromLatin1(
                            QMetaEnum::fromType<SseClient::State>().valueToKey(m_client->state()));
        names.append(name);
    }

private:
    QPointer<SseClient> m_client;
};

// Closes or deletes the client from a slot connected to one of its signals, on the n-th emission.
class SlotAction : public QObject
{
    Q_OBJECT
public:
    enum Mode { Close, Delete };
    SlotAction(SseClient *client, const QByteArray &signal, int nth, Mode mode,
               const SignalLog *log, const SseTestServer *server)
        : m_client(client), m_nth(nth), m_mode(mode), m_log(log), m_server(server)
    {
        const QMetaObject *mo = client->metaObject();
        const int index = mo->indexOfSignal(QMetaObject::normalizedSignature(signal.constData()));
        valid = index >= 0;
        if (valid)
            connect(client, mo->method(index), this,
                    staticMetaObject.method(staticMetaObject.indexOfSlot("act()")));
    }
    bool valid = false;
    bool done = false;
    qsizetype logMark = -1; // log entries before this index came before or from close()
    int requestsAtAction = -1;
    SseClient::State stateAtAction = SseClient::Closed;

public Q_SLOTS:
    void act()
    {
        if (done || ++m_seen < m_nth)
            return;
        done = true;
        requestsAtAction = m_server->requestCount();
        stateAtAction = m_client->state();
        if (m_mode == Close) {
            m_client->close();
            logMark = m_log->names.size();
        } else {
            delete m_client.data();
        }
    }

private:
    QPointer<SseClient> m_client;
    const int m_nth;
    const Mode m_mode;
    const SignalLog *m_log;
    const SseTestServer *m_server;
    int m_seen = 0;
};

class PriceReceiver : public QObject
{
    Q_OBJECT
public:
    void onPrice(const SseEvent &event) { prices.append(event.data()); }
    QStringList prices;
};

static QList<SseEvent> eventsOf(const QSignalSpy &spy)
{
    QList<SseEvent> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseEvent>());
    return out;
}

static QStringList dataOf(const QSignalSpy &spy)
{
    QStringList out;
    for (const SseEvent &event : eventsOf(spy))
        out.append(event.data());
    return out;
}

static QList<int> argsOf(const QSignalSpy &spy, int index)
{
    QList<int> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(index).toInt());
    return out;
}

static StateList statesOf(const QSignalSpy &spy)
{
    StateList out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseClient::State>());
    return out;
}

static QList<SseClient::Error> errorsOf(const QSignalSpy &spy)
{
    QList<SseClient::Error> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseClient::Error>());
    return out;
}

static int headerCount(const Request &request, QByteArrayView name)
{
    int n = 0;
    for (const auto &h : request.headers)
        n += name.compare(h.first, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return n;
}

// The Last-Event-ID headers the server saw, in order (requests without one left out).
static QList<QByteArray> lastEventIds(const SseTestServer &server)
{
    QList<QByteArray> out;
    for (const Request &r : server.requests()) {
        if (r.hasHeader("Last-Event-ID"))
            out.append(r.header("Last-Event-ID"));
    }
    return out;
}

// The common test setup: short, exact delays.
static void configure(SseClient &client, const QUrl &url)
{
    client.setUrl(url);
    client.setReconnectionTime(50);
    client.setJitterEnabled(false);
}

// A stream that ends cleanly (chunked, with the final chunk). Not close-delimited: after a
// close-delimited response, Qt 6.4.2's QNetworkAccessManager re-sends a GET by itself about one
// time in four (a "ghost" request on a new connection, nobody reads its reply), which would
// take a queued response meant for the client's own reconnect.
static Response endingStream(const QByteArray &body)
{
    return Response::sse().chunked().send(body);
}

class tst_SseClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 1. request headers and Last-Event-ID
    void requestHeaders();
    void lastEventIdSentOnReconnect();
    void presetLastEventIdSentOnFirstRequest();
    void emptyIdResetsLastEventId();
    void userLastEventIdHeaderIgnored_data();
    void userLastEventIdHeaderIgnored();
    // 2. opening
    void opensOnEventStream_data();
    void opensOnEventStream();
    void wrongContentTypeFails_data();
    void wrongContentTypeFails();
    // 3. 204
    void noContentCloses();
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
    // 5. retryable statuses and Retry-After
    void retryableStatus_data();
    void retryableStatus();
    void retryAfterSeconds_data();
    void retryAfterSeconds();
    void retryAfterHttpDate();
    // 6. fatal statuses
    void nonRetryableStatus_data();
    void nonRetryableStatus();
    // 7. network errors and backoff
    void connectionRefusedBackoff_data();
    void connectionRefusedBackoff();
    void openedStreamResetsBackoff();
    // 8. non-GET requests
    void postStreamEndNotResent();
    void postErrorNotResent();
    void retryAnyMethodResendsPost_data();
    void retryAnyMethodResendsPost();
    // 9. retry: and jitter
    void serverRetryField();
    void jitterRange_data();
    void jitterRange();
    // 10. incomplete event of a dropped connection
    void partialEventDiscarded_data();
    void partialEventDiscarded();
    // 11. split delivery and BOM
    void splitDelivery_data();
    void splitDelivery();
    // 12. - 14. timeouts and limits
    void idleTimeout();
    void commentsKeepAlive();
    void connectTimeout_data();
    void connectTimeout();
    void maxEventSize();
    // 15. close, delete, reconnectNow
    void closeInState_data();
    void closeInState();
    void deleteInState_data();
    void deleteInState();
    void closeFromSlot_data();
    void closeFromSlot();
    void deleteFromSlot_data();
    void deleteFromSlot();
    void reconnectNowWhileReconnecting();
    void reconnectNowWhileOpen();
    void nestedEventLoopInSlot_data();
    void nestedEventLoopInSlot();
    // 16. state and signal sequence
    void signalSequence();
    // 17. listeners
    void eventListeners();
    // 18. comments
    void comments();
    // 19. many clients
    void manyClients();

private:
    void driveTo(SseClient *client, SseTestServer *server, const QString &state);
};

// ---- 1. request headers ----------------------------------------------------------------------

void tst_SseClient::requestHeaders()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("data: a\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events?topic=x"_s));
    client.setRawHeaders({{"X-Api-Key", "k1"}, {"X-Trace", "t1"}, {"X-Remove", "r"}});
    client.setRawHeader("X-Trace", "t2"); // replaces
    client.setRawHeader("x-remove", {}); // removes, case-insensitively
    client.setRawHeader("X-Added", "a");
    QCOMPARE(client.rawHeaders(),
             Headers({{"X-Api-Key", "k1"}, {"X-Trace", "t2"}, {"X-Added", "a"}}));
    QSignalSpy openedSpy(&client, &SseClient::opened);
    client.open();
    QVERIFY(openedSpy.wait(Timeout));

    QCOMPARE(server.requestCount(), 1);
    const Request r = server.requests().at(0);
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
    client.close();
}

void tst_SseClient::lastEventIdSentOnReconnect()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream("id: 41\ndata: a\n\nid: 42\ndata: b\n\n"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy idSpy(&client, &SseClient::lastEventIdChanged);
    client.open();
    TRY_COMPARE(server.requestCount(), 2);
    TRY_COMPARE(client.state(), SseClient::Open);

    QVERIFY(!server.requests().at(0).hasHeader("Last-Event-ID"));
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "42");
    QCOMPARE(headerCount(server.requests().at(1), "Last-Event-ID"), 1);
    QCOMPARE(client.lastEventId(), u"42"_s);
    QCOMPARE(idSpy.size(), 2);
    QCOMPARE(idSpy.at(0).at(0).toString(), u"41"_s);
    QCOMPARE(idSpy.at(1).at(0).toString(), u"42"_s);
    client.close();
}

void tst_SseClient::presetLastEventIdSentOnFirstRequest()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy idSpy(&client, &SseClient::lastEventIdChanged);
    client.setLastEventId(u"x"_s);
    QCOMPARE(client.lastEventId(), u"x"_s);
    QCOMPARE(idSpy.size(), 1);
    client.open();
    TRY_COMPARE(client.state(), SseClient::Open);
    QCOMPARE(server.requests().at(0).header("Last-Event-ID"), "x");
    client.close();
}

void tst_SseClient::emptyIdResetsLastEventId()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream("id: 1\ndata: a\n\nid:\ndata: b\n\n"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    TRY_COMPARE(server.requestCount(), 2);
    TRY_COMPARE(client.state(), SseClient::Open);

    const QList<SseEvent> events = eventsOf(eventSpy);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).lastEventId(), u"1"_s);
    QCOMPARE(events.at(1).lastEventId(), QString());
    QCOMPARE(client.lastEventId(), QString());
    QVERIFY(!server.requests().at(1).hasHeader("Last-Event-ID"));
    client.close();
}

void tst_SseClient::userLastEventIdHeaderIgnored_data()
{
    QTest::addColumn<QString>("presetId");
    QTest::addColumn<QByteArray>("expected"); // null: no header

    QTest::newRow("id empty: no header") << QString() << QByteArray();
    QTest::newRow("id set: the client's id") << u"7"_s << QByteArray("7");
}

void tst_SseClient::userLastEventIdHeaderIgnored()
{
    QFETCH(QString, presetId);
    QFETCH(QByteArray, expected);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream("data: a\n\n"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setRawHeader("Last-Event-ID", "from-user");
    client.setLastEventId(presetId);
    client.open();
    TRY_COMPARE(server.requestCount(), 2); // the first request and a reconnect
    for (const Request &r : server.requests()) {
        QCOMPARE(r.hasHeader("Last-Event-ID"), !expected.isNull());
        QCOMPARE(headerCount(r, "Last-Event-ID"), expected.isNull() ? 0 : 1);
        QCOMPARE(r.header("Last-Event-ID"), expected);
    }
    client.close();
}

// ---- 2. opening -----------------------------------------------------------------------------

void tst_SseClient::opensOnEventStream_data()
{
    QTest::addColumn<QByteArray>("contentType");

    QTest::newRow("text/event-stream") << QByteArray("text/event-stream");
    QTest::newRow("mixed case") << QByteArray("TEXT/Event-Stream");
    QTest::newRow("charset") << QByteArray("text/event-stream; charset=utf-8");
    QTest::newRow("spaces and parameter") << QByteArray(" text/event-stream ;x=y");
}

void tst_SseClient::opensOnEventStream()
{
    QFETCH(QByteArray, contentType);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse()
                           .header("Content-Type", contentType)
                           .send("event: price\nid: 7\ndata: 1.5\n\ndata: plain\n\n")
                           .holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy openedSpy(&client, &SseClient::opened);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    QVERIFY(openedSpy.wait(Timeout));
    QCOMPARE(client.state(), SseClient::Open);
    TRY_COMPARE(eventSpy.size(), 2);
    const QList<SseEvent> events = eventsOf(eventSpy);
    QCOMPARE(events.at(0), SseEvent(u"price"_s, u"1.5"_s, u"7"_s));
    QCOMPARE(events.at(1), SseEvent(u"message"_s, u"plain"_s, u"7"_s));
    QCOMPARE(client.error(), SseClient::NoError);
    QCOMPARE(client.httpStatus(), 200);
    client.close();
}

void tst_SseClient::wrongContentTypeFails_data()
{
    QTest::addColumn<QByteArray>("contentType"); // null: no Content-Type header
    QTest::addColumn<QString>("named"); // what the errorString must contain

    QTest::newRow("text/plain") << QByteArray("text/plain") << u"text/plain"_s;
    QTest::newRow("application/json") << QByteArray("application/json") << u"application/json"_s;
    QTest::newRow("missing") << QByteArray() << u"Content-Type"_s;
    QTest::newRow("text/event-streamx")
            << QByteArray("text/event-streamx") << u"text/event-streamx"_s;
}

void tst_SseClient::wrongContentTypeFails()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QString, named);

    SseTestServer server;
    QVERIFY(server.listen());
    // Content-Length framing (see endingStream()); an empty type means no Content-Type header
    server.enqueue(Response::status(200, "data: a\n\n", contentType));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy openedSpy(&client, &SseClient::opened);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::InvalidStreamError);
    QCOMPARE(errorsOf(errorSpy), QList<SseClient::Error> {SseClient::InvalidStreamError});
    QVERIFY2(client.errorString().contains(named), qPrintable(client.errorString()));
    QCOMPARE(openedSpy.size(), 0);
    QCOMPARE(eventSpy.size(), 0);
    QCOMPARE(scheduledSpy.size(), 0);
    QCOMPARE(client.readyState(), SseClient::CLOSED);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
}

// ---- 3. 204 ---------------------------------------------------------------------------------

void tst_SseClient::noContentCloses()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(204, {}, {}));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy openedSpy(&client, &SseClient::opened);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(client.error(), SseClient::NoError);
    QCOMPARE(client.errorString(), QString());
    QCOMPARE(errorSpy.size(), 0);
    QCOMPARE(openedSpy.size(), 0);
    QCOMPARE(statesOf(stateSpy), StateList({SseClient::Connecting, SseClient::Closed}));
    QVERIFY(!client.nextRetryTime().isValid());
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(closedSpy.size(), 1);
}

// ---- 4. redirects ---------------------------------------------------------------------------

void tst_SseClient::followsRedirect_data()
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

void tst_SseClient::followsRedirect()
{
    QFETCH(int, status);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, expectedMethod);
    QFETCH(bool, bodyKept);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(status, "/moved"));
    server.enqueue(Response::sse().send("data: here\n\n").holdOpen());

    const QByteArray body = method == "POST" ? QByteArray(R"({"prompt":"hi"})") : QByteArray();
    SseClient client;
    configure(client, server.url(u"/start"_s));
    client.setMethod(method);
    client.setBody(body);
    if (!body.isEmpty())
        client.setRawHeader("Content-Type", "application/json");
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    TRY_COMPARE(eventSpy.size(), 1);
    QCOMPARE(dataOf(eventSpy), QStringList {u"here"_s});
    QCOMPARE(client.state(), SseClient::Open);

    QCOMPARE(server.requestCount(), 2);
    const Request first = server.requests().at(0);
    const Request second = server.requests().at(1);
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
    client.close();
}

void tst_SseClient::relativeLocation_data()
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

void tst_SseClient::relativeLocation()
{
    QFETCH(QString, start);
    QFETCH(QByteArray, location);
    QFETCH(QByteArray, expectedTarget);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(302, location));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(start));
    client.open();
    TRY_COMPARE(client.state(), SseClient::Open);
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).target, expectedTarget);
    client.close();
}

void tst_SseClient::reconnectAfterRedirectUsesOriginalUrl()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(307, "/moved"));
    server.enqueue(endingStream("id: 3\ndata: a\n\n")); // ends: the client reconnects
    server.enqueue(Response::redirect(307, "/moved"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/original"_s));
    QSignalSpy urlSpy(&client, &SseClient::urlChanged);
    client.open();
    TRY_COMPARE(server.requestCount(), 4);
    TRY_COMPARE(client.state(), SseClient::Open);
    QList<QByteArray> targets;
    for (const Request &r : server.requests())
        targets.append(r.target);
    QCOMPARE(targets, QList<QByteArray>({"/original", "/moved", "/original", "/moved"}));
    QCOMPARE(server.requests().at(2).header("Last-Event-ID"), "3");
    QCOMPARE(client.url(), server.url(u"/original"_s)); // the configured URL is untouched
    QCOMPARE(urlSpy.size(), 0);
    client.close();
}

void tst_SseClient::crossOriginRedirectDropsCredentials()
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

void tst_SseClient::sameOriginRedirectKeepsCredentials()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(302, server.url(u"/moved"_s).toEncoded()));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setRawHeaders({{"Authorization", "Bearer secret"}, {"Cookie", "session=1"}});
    client.open();
    TRY_COMPARE(client.state(), SseClient::Open);
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).target, "/moved");
    QCOMPARE(server.requests().at(1).header("Authorization"), "Bearer secret");
    QCOMPARE(server.requests().at(1).header("Cookie"), "session=1");
    client.close();
}

void tst_SseClient::redirectLoopFails()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &) { return Response::redirect(302, "/loop"); });

    SseClient client;
    configure(client, server.url(u"/loop"_s));
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::RedirectError);
    QVERIFY2(client.errorString().contains(u"redirect"_s, Qt::CaseInsensitive),
             qPrintable(client.errorString()));
    QCOMPARE(scheduledSpy.size(), 0);
    const int hops = server.requestCount();
    QVERIFY2(hops >= 10 && hops <= 50, QByteArray::number(hops).constData());
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), hops);
}

void tst_SseClient::redirectWithoutLocationFails_data()
{
    QTest::addColumn<int>("status");
    for (int status : {301, 302, 303, 307, 308})
        QTest::addRow("%d", status) << status;
}

void tst_SseClient::redirectWithoutLocationFails()
{
    QFETCH(int, status);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(status, {}, {}));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::RedirectError);
    QVERIFY2(client.errorString().contains(u"Location"_s), qPrintable(client.errorString()));
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
}

// ---- 5. retryable statuses ------------------------------------------------------------------

void tst_SseClient::retryableStatus_data()
{
    QTest::addColumn<int>("status");
    for (int status : {408, 429, 500, 502, 503, 504})
        QTest::addRow("%d", status) << status;
}

void tst_SseClient::retryableStatus()
{
    QFETCH(int, status);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(status, "try again later"));
    server.enqueue(Response::sse().send("data: ok\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    QVERIFY(scheduledSpy.wait(Timeout));
    QCOMPARE(errorsOf(errorSpy), QList<SseClient::Error> {SseClient::HttpStatusError});
    QCOMPARE(client.httpStatus(), status);
    QVERIFY2(client.errorString().contains(QString::number(status)),
             qPrintable(client.errorString()));
    QCOMPARE(argsOf(scheduledSpy, 0), QList<int> {1});
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int> {50});

    TRY_COMPARE(eventSpy.size(), 1);
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(statesOf(stateSpy),
             StateList({SseClient::Connecting, SseClient::Reconnecting, SseClient::Connecting,
                        SseClient::Open}));
    QCOMPARE(client.reconnectAttempt(), 0);
    client.close();
}

void tst_SseClient::retryAfterSeconds_data()
{
    QTest::addColumn<bool>("jitter");
    QTest::newRow("jitter off") << false;
    QTest::newRow("jitter on") << true; // Retry-After replaces the delay, jitter included
}

void tst_SseClient::retryAfterSeconds()
{
    QFETCH(bool, jitter);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(503, "busy").header("Retry-After", "1"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setJitterEnabled(jitter);
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    client.open();
    QVERIFY(scheduledSpy.wait(Timeout));
    QCOMPARE(scheduledSpy.at(0).at(1).toInt(), 1000);
    QCOMPARE(statesOf(stateSpy), StateList({SseClient::Connecting, SseClient::Reconnecting}));
    QVERIFY(client.nextRetryTime().isValid());
    client.close();
}

void tst_SseClient::retryAfterHttpDate()
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

void tst_SseClient::nonRetryableStatus_data()
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

void tst_SseClient::nonRetryableStatus()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);

    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const Request &) { return Response::status(status, body, contentType); });

    SseClient client;
    configure(client, server.url(u"/v1/chat"_s));
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.readyState(), SseClient::CLOSED);
    QCOMPARE(client.error(), SseClient::HttpStatusError);
    QCOMPARE(errorsOf(errorSpy), QList<SseClient::Error> {SseClient::HttpStatusError});
    QCOMPARE(client.httpStatus(), status);
    const QByteArray errorBody = client.errorBody();
    QVERIFY(!errorBody.isEmpty());
    QVERIFY(body.startsWith(errorBody));
    if (body.size() < 1024)
        QCOMPARE(errorBody, body);
    else
        QVERIFY(errorBody.size() < body.size()); // only the start is kept
    const QString text = client.errorString();
    QVERIFY2(text.contains(QString::number(status)), qPrintable(text));
    QVERIFY2(text.contains(QString::fromUtf8(errorBody.left(60))), qPrintable(text));
    QCOMPARE(scheduledSpy.size(), 0);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
}

// ---- 7. network errors ----------------------------------------------------------------------

void tst_SseClient::connectionRefusedBackoff_data()
{
    QTest::addColumn<int>("maxRetries");
    QTest::addColumn<int>("maxDelay");
    QTest::addColumn<QList<int>>("delays");
    QTest::addColumn<bool>("exhausted");

    QTest::newRow("exponential") << -1 << 30000 << QList<int> {50, 100, 200, 400} << false;
    QTest::newRow("capped at 150") << -1 << 150 << QList<int> {50, 100, 150, 150} << false;
    QTest::newRow("maxRetries 2") << 2 << 30000 << QList<int> {50, 100} << true;
    QTest::newRow("maxRetries 0") << 0 << 30000 << QList<int> {} << true;
}

void tst_SseClient::connectionRefusedBackoff()
{
    QFETCH(int, maxRetries);
    QFETCH(int, maxDelay);
    QFETCH(QList<int>, delays);
    QFETCH(bool, exhausted);

    QUrl url;
    {
        SseTestServer gone;
        QVERIFY(gone.listen());
        url = gone.url(u"/events"_s);
        gone.stopListening(); // connections to this port are refused from now on
    }

    SseClient client;
    configure(client, url);
    client.setMaxRetries(maxRetries);
    client.setMaxRetryDelay(maxDelay);
    int attempts = 0;
    connect(&client, &SseClient::aboutToSendRequest, this, [&attempts] { ++attempts; });
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    client.open();

    if (exhausted) {
        QVERIFY(closedSpy.wait(Timeout));
        QCOMPARE(client.state(), SseClient::Failed);
        QCOMPARE(client.error(), SseClient::RetriesExhaustedError);
        QCOMPARE(attempts, delays.size() + 1);
        QList<SseClient::Error> expectedErrors(delays.size() + 1, SseClient::ConnectionError);
        expectedErrors.append(SseClient::RetriesExhaustedError);
        QCOMPARE(errorsOf(errorSpy), expectedErrors);
        QCOMPARE(argsOf(scheduledSpy, 1), delays);
    } else {
        TRY_VERIFY(scheduledSpy.size() >= delays.size());
        client.close();
        QCOMPARE(argsOf(scheduledSpy, 1).mid(0, delays.size()), delays);
        QVERIFY(errorsOf(errorSpy).size() >= delays.size());
        for (SseClient::Error e : errorsOf(errorSpy))
            QCOMPARE(e, SseClient::ConnectionError);
    }
    QVERIFY(!client.errorString().isEmpty());
    // attempt numbers count up from 1; the delays are the policy's (QtSsePrivate::Backoff)
    QtSsePrivate::Backoff policy;
    policy.reconnectionTime = 50;
    policy.maxDelay = maxDelay;
    policy.jitter = false;
    for (int i = 0; i < delays.size(); ++i) {
        QCOMPARE(scheduledSpy.at(i).at(0).toInt(), i + 1);
        QCOMPARE(scheduledSpy.at(i).at(1).toLongLong(), policy.delay(i + 1));
    }
    QCOMPARE(stateSpy.at(0).at(0).value<SseClient::State>(), SseClient::Connecting);
    if (!delays.isEmpty())
        QCOMPARE(stateSpy.at(1).at(0).value<SseClient::State>(), SseClient::Reconnecting);
}

void tst_SseClient::openedStreamResetsBackoff()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(503, "busy"));
    server.enqueue(Response::status(503, "busy"));
    server.enqueue(endingStream("data: a\n\n")); // opens, then ends
    server.enqueue(Response::status(503, "busy"));
    server.enqueue(Response::status(503, "busy"));
    server.enqueue(Response::sse().send("data: b\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    TRY_COMPARE(eventSpy.size(), 2);
    // failures grow the delay; the opened stream resets it: its end waits reconnectionTime
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int>({50, 100, 50, 50, 100}));
    QCOMPARE(argsOf(scheduledSpy, 0), QList<int>({1, 2, 1, 2, 3}));
    QCOMPARE(client.reconnectAttempt(), 0);
    client.close();
}

// ---- 8. non-GET requests --------------------------------------------------------------------

static const QByteArray chatBody =
        R"({"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]})";

static void configureChat(SseClient &client, const QUrl &url)
{
    configure(client, url);
    client.setMethod("post"); // any case
    client.setBody(chatBody);
    client.setRawHeaders(
            {{"Authorization", "Bearer sk-test"}, {"Content-Type", "application/json"}});
}

void tst_SseClient::postStreamEndNotResent()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream("data: {\"delta\":\"Hel\"}\n\n"
                                "data: {\"delta\":\"lo\"}\n\n"
                                "data: [DONE]\n\n"));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configureChat(client, server.url(u"/v1/chat/completions"_s));
    QCOMPARE(client.method(), "POST");
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy disconnectedSpy(&client, &SseClient::disconnected);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    const Request r = server.requests().at(0);
    QCOMPARE(r.method, "POST");
    QCOMPARE(r.target, "/v1/chat/completions");
    QCOMPARE(r.body, chatBody);
    QCOMPARE(r.header("Content-Type"), "application/json");
    QCOMPARE(r.header("Authorization"), "Bearer sk-test");
    QCOMPARE(r.header("Accept"), "text/event-stream");

    const QList<SseEvent> events = eventsOf(eventSpy);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).json().toObject().value("delta"_L1).toString(), u"Hel"_s);
    QCOMPARE(events.at(1).json().toObject().value("delta"_L1).toString(), u"lo"_s);
    QCOMPARE(events.at(2).data(), u"[DONE]"_s);

    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(client.error(), SseClient::NoError);
    QCOMPARE(errorSpy.size(), 0);
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(scheduledSpy.size(), 0);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
}

void tst_SseClient::postErrorNotResent()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(503, "overloaded"));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configureChat(client, server.url(u"/v1/chat/completions"_s));
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::HttpStatusError);
    QCOMPARE(client.httpStatus(), 503);
    QCOMPARE(client.errorBody(), "overloaded");
    QCOMPARE(scheduledSpy.size(), 0);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
}

void tst_SseClient::retryAnyMethodResendsPost_data()
{
    QTest::addColumn<bool>("streamEnds"); // else: a 503
    QTest::newRow("stream ends") << true;
    QTest::newRow("503") << false;
}

void tst_SseClient::retryAnyMethodResendsPost()
{
    QFETCH(bool, streamEnds);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(streamEnds ? endingStream("id: 1\ndata: a\n\n") : Response::status(503, "busy"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configureChat(client, server.url(u"/v1/chat/completions"_s));
    client.setRetryAnyMethod(true);
    client.open();
    TRY_COMPARE(server.requestCount(), 2);
    TRY_COMPARE(client.state(), SseClient::Open);
    for (const Request &r : server.requests()) {
        QCOMPARE(r.method, "POST");
        QCOMPARE(r.body, chatBody);
        QCOMPARE(r.header("Content-Type"), "application/json");
        QCOMPARE(r.header("Authorization"), "Bearer sk-test");
    }
    if (streamEnds)
        QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "1");
    client.close();
}

// ---- 9. retry: and jitter -------------------------------------------------------------------

void tst_SseClient::serverRetryField()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream("retry: 80\ndata: a\n\n"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy timeSpy(&client, &SseClient::reconnectionTimeChanged);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    client.open();
    QVERIFY(scheduledSpy.wait(Timeout));
    QCOMPARE(argsOf(timeSpy, 0), QList<int> {80});
    QCOMPARE(client.reconnectionTime(), 80);
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int> {80});
    TRY_COMPARE(client.state(), SseClient::Open);
    QCOMPARE(server.requestCount(), 2);
    client.close();
}

void tst_SseClient::jitterRange_data()
{
    QTest::addColumn<bool>("failures"); // else: opened streams that end
    QTest::newRow("stream ends") << false;
    QTest::newRow("failures") << true;
}

void tst_SseClient::jitterRange()
{
    QFETCH(bool, failures);
    constexpr int samples = 6;

    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([failures](const Request &) {
        return failures ? Response::status(503, "busy") : endingStream("retry: 40\ndata: x\n\n");
    });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setReconnectionTime(40);
    client.setMaxRetryDelay(100);
    client.setJitterEnabled(true);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    client.open();
    TRY_VERIFY(scheduledSpy.size() >= samples);
    client.close();

    QtSsePrivate::Backoff policy;
    policy.reconnectionTime = 40;
    policy.maxDelay = 100;
    const QList<int> delays = argsOf(scheduledSpy, 1).mid(0, samples);
    bool lengthened = false;
    QSet<int> distinct;
    for (int i = 0; i < samples; ++i) {
        const qint64 base = failures ? policy.baseDelay(i + 1) : 40;
        QVERIFY2(delays.at(i) >= base && delays.at(i) <= base + base / 2,
                 qPrintable(u"delay %1 of %2, base %3"_s.arg(delays.at(i)).arg(i).arg(base)));
        lengthened = lengthened || delays.at(i) > base;
        distinct.insert(delays.at(i));
    }
    QVERIFY(lengthened);
    if (!failures)
        QVERIFY(distinct.size() > 1); // the same base, spread out
}

// ---- 10. incomplete event of a dropped connection -------------------------------------------

void tst_SseClient::partialEventDiscarded_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::addColumn<bool>("cleanEnd");

    QTest::newRow("close-delimited, dropped") << false << false;
    QTest::newRow("chunked, no final chunk") << true << false;
    QTest::newRow("chunked, clean end") << true << true;
}

void tst_SseClient::partialEventDiscarded()
{
    QFETCH(bool, chunked);
    QFETCH(bool, cleanEnd);

    SseTestServer server;
    QVERIFY(server.listen());
    Response first = Response::sse();
    if (chunked)
        first.chunked();
    first.send("id: 1\ndata: a\n\nid: 2\ndata: partial");
    if (cleanEnd)
        first.close();
    else
        first.abort();
    server.enqueue(first);
    // a handler, not the queue: a close-delimited end may be followed by Qt's ghost request
    server.setHandler(
            [](const Request &) { return Response::sse().send("data: b\n\n").holdOpen(); });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy disconnectedSpy(&client, &SseClient::disconnected);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    client.open();
    TRY_COMPARE(eventSpy.size(), 2);
    QCOMPARE(dataOf(eventSpy), QStringList({u"a"_s, u"b"_s}));
    QCOMPARE(eventsOf(eventSpy).at(1).lastEventId(), u"1"_s); // not the partial event's "2"
    QCOMPARE(client.lastEventId(), u"1"_s);
    QCOMPARE(lastEventIds(server), QList<QByteArray> {"1"});
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(errorSpy.size(), 0); // an ended stream is not an error
    client.close();
    QCOMPARE(eventSpy.size(), 2);
}

// ---- 11. split delivery and BOM -------------------------------------------------------------

void tst_SseClient::splitDelivery_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::addColumn<int>("intervalMs");

    QTest::newRow("1 byte per write") << false << 0;
    QTest::newRow("1 byte per write, 1 ms apart") << false << 1;
    QTest::newRow("1 byte per chunk") << true << 0;
}

void tst_SseClient::splitDelivery()
{
    QFETCH(bool, chunked);
    QFETCH(int, intervalMs);

    // A BOM, CRLF/CR/LF line ends, 2-, 3- and 4-byte UTF-8 sequences; one byte per write splits
    // every CRLF and every multi-byte character.
    const QByteArray stream = "\xEF\xBB\xBF"
                              "event: greet\r\n"
                              "id: \xE2\x82\xAC"
                              "1\r\n"
                              "data: caf\xC3\xA9\r\n"
                              "data: \xF0\x9F\x98\x80\r\n"
                              "\r\n"
                              ": c\r\n"
                              "data: two\r\r"
                              "data: three\n\n";
    const QList<SseEvent> expected = {
            SseEvent(u"greet"_s, u"caf\u00e9\n\U0001F600"_s, u"\u20ac1"_s),
            SseEvent(u"message"_s, u"two"_s, u"\u20ac1"_s),
            SseEvent(u"message"_s, u"three"_s, u"\u20ac1"_s),
    };
    QCOMPARE(SseParser::parseAll(stream), expected); // the reference: the stream in one piece

    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const Request &) {
        Response r = Response::sse();
        if (chunked)
            r.chunked();
        return r.sendSlowly(stream, 1, intervalMs); // each response starts with the BOM
    });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy commentSpy(&client, &SseClient::commentReceived);
    client.open();
    TRY_VERIFY(eventSpy.size() >= 2 * expected.size()); // two responses
    client.close();

    const QList<SseEvent> events = eventsOf(eventSpy).mid(0, 2 * expected.size());
    QCOMPARE(events.mid(0, expected.size()), expected);
    QCOMPARE(events.mid(expected.size()), expected); // the BOM of the reconnect is stripped too
    QCOMPARE(commentSpy.at(0).at(0).toString(), u" c"_s);
    QCOMPARE(commentSpy.at(1).at(0).toString(), u" c"_s);
    const QList<QByteArray> ids = lastEventIds(server); // the reconnects (ghosts carry none)
    QVERIFY(!ids.isEmpty());
    for (const QByteArray &id : ids)
        QCOMPARE(id,
                 "\xE2\x82\xAC"
                 "1");
    QVERIFY(client.byteCount() >= 2 * stream.size()); // the body bytes, BOM included
}

// ---- 12. - 14. timeouts and limits ----------------------------------------------------------

void tst_SseClient::idleTimeout()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("data: a\n\n").holdOpen()); // then silence
    server.enqueue(Response::sse().send("data: b\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setIdleTimeout(300);
    SignalLog log(&client);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy closedConnections(&server, &SseTestServer::connectionClosed);
    client.open();
    TRY_COMPARE(eventSpy.size(), 2);
    QCOMPARE(dataOf(eventSpy), QStringList({u"a"_s, u"b"_s}));
    QCOMPARE(errorsOf(errorSpy), QList<SseClient::Error> {SseClient::TimeoutError});
    QVERIFY2(client.errorString().contains(u"300"_s), qPrintable(client.errorString()));
    QCOMPARE(server.requestCount(), 2);
    TRY_VERIFY(closedConnections.size() >= 1); // the client dropped the silent stream
    QCOMPARE(closedConnections.at(0).at(0).toInt(), 0);
    const QStringList wanted = {u"errorOccurred"_s, u"disconnected"_s, u"reconnectScheduled"_s,
                                u"opened"_s, u"eventReceived"_s};
    QCOMPARE(log.only(wanted),
             QStringList({u"opened"_s, u"eventReceived"_s, u"errorOccurred"_s, u"disconnected"_s,
                          u"reconnectScheduled"_s, u"opened"_s, u"eventReceived"_s}));
    client.close();
}

void tst_SseClient::commentsKeepAlive()
{
    SseTestServer server;
    QVERIFY(server.listen());
    Response keepAlive = Response::sse();
    for (int i = 0; i < 6; ++i) // 600 ms of comments, every 100 ms
        keepAlive.send(":\n").pause(100);
    server.enqueue(keepAlive.send("data: b\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setIdleTimeout(300);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy commentSpy(&client, &SseClient::commentReceived);
    client.open();
    QVERIFY(eventSpy.wait(Timeout));
    QCOMPARE(commentSpy.size(), 6);
    QCOMPARE(errorSpy.size(), 0);
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(client.state(), SseClient::Open);
    client.close();
}

void tst_SseClient::connectTimeout_data()
{
    QTest::addColumn<bool>("silent"); // else: a 503 whose body never ends
    QTest::addColumn<SseClient::Error>("error");

    QTest::newRow("no response") << true << SseClient::TimeoutError;
    QTest::newRow("503, endless body") << false << SseClient::HttpStatusError;
}

void tst_SseClient::connectTimeout()
{
    QFETCH(bool, silent);
    QFETCH(SseClient::Error, error);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(silent ? Response::silent() : Response::sse(503).send("busy").holdOpen());
    server.enqueue(Response::sse().send("data: a\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setConnectTimeout(300);
    QSignalSpy stateSpy(&client, &SseClient::stateChanged);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    QVERIFY(eventSpy.wait(Timeout));
    QCOMPARE(errorsOf(errorSpy), QList<SseClient::Error> {error});
    if (silent)
        QVERIFY2(client.errorString().contains(u"300"_s), qPrintable(client.errorString()));
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int> {50});
    QCOMPARE(statesOf(stateSpy),
             StateList({SseClient::Connecting, SseClient::Reconnecting, SseClient::Connecting,
                        SseClient::Open}));
    QCOMPARE(server.requestCount(), 2);
    client.close();
}

void tst_SseClient::maxEventSize()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &) {
        return Response::sse()
                .send("data: ok\n\n")
                .send("data: " + QByteArray(10 * 1024, 'x') + "\n\n")
                .holdOpen();
    });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setMaxEventSize(1024);
    QCOMPARE(client.maxEventSize(), 1024);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy disconnectedSpy(&client, &SseClient::disconnected);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedConnections(&server, &SseTestServer::connectionClosed);
    client.open();
    TRY_VERIFY(scheduledSpy.size() >= 2);
    client.close();

    QCOMPARE(errorsOf(errorSpy).mid(0, 2),
             QList<SseClient::Error>(
                     {SseClient::EventTooLargeError, SseClient::EventTooLargeError}));
    QVERIFY(disconnectedSpy.size() >= 2);
    for (const QString &data : dataOf(eventSpy))
        QCOMPARE(data, u"ok"_s); // never a part of the large event
    QVERIFY(eventSpy.size() >= 2);
    // the dropped streams count as failures: the backoff grows although each stream opened
    QCOMPARE(argsOf(scheduledSpy, 1).mid(0, 2), QList<int>({50, 100}));
    QCOMPARE(argsOf(scheduledSpy, 0).mid(0, 2), QList<int>({1, 2}));
    TRY_VERIFY(closedConnections.size() >= 2); // the client dropped them (the server holds)
}

// ---- 15. close, delete, reconnectNow --------------------------------------------------------

// Brings a client (configured, not yet open) to "Connecting", "Open" or "Reconnecting" with a
// server that would go on (send more events, answer a retry) if the client let it.
void tst_SseClient::driveTo(SseClient *client, SseTestServer *server, const QString &state)
{
    if (state == "Connecting"_L1) {
        server->enqueue(Response::silent());
        client->open();
        TRY_COMPARE(server->requestCount(), 1);
        QCOMPARE(client->state(), SseClient::Connecting);
    } else if (state == "Open"_L1) {
        server->enqueue(Response::sse()
                                .chunked()
                                .send("data: a\n\n")
                                .pause(50)
                                .send("data: b\n\n")
                                .pause(50)
                                .send("data: c\n\n"));
        QSignalSpy eventSpy(client, &SseClient::eventReceived);
        client->open();
        QVERIFY(eventSpy.wait(Timeout));
        QCOMPARE(client->state(), SseClient::Open);
    } else {
        client->setReconnectionTime(100);
        server->enqueue(Response::status(503, "busy"));
        QSignalSpy scheduledSpy(client, &SseClient::reconnectScheduled);
        client->open();
        QVERIFY(scheduledSpy.wait(Timeout));
        QCOMPARE(client->state(), SseClient::Reconnecting);
    }
    server->setHandler([](const Request &) { return endingStream("data: more\n\n"); });
}

void tst_SseClient::closeInState_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QStringList>("closeSignals");

    QTest::newRow("Connecting") << u"Connecting"_s
                                << QStringList({u"stateChanged:Closed"_s, u"closed"_s});
    QTest::newRow("Open") << u"Open"_s << QStringList({u"stateChanged:Closed"_s, u"closed"_s});
    QTest::newRow("Reconnecting") << u"Reconnecting"_s
                                  << QStringList({u"nextRetryTimeChanged"_s,
                                                  u"stateChanged:Closed"_s, u"closed"_s});
}

void tst_SseClient::closeInState()
{
    QFETCH(QString, state);
    QFETCH(QStringList, closeSignals);

    SseTestServer server;
    QVERIFY(server.listen());
    SseClient client;
    configure(client, server.url(u"/events"_s));
    SignalLog log(&client);
    driveTo(&client, &server, state);
    if (QTest::currentTestFailed())
        return;

    const int requests = server.requestCount();
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    log.names.clear();
    client.close();
    QCOMPARE(log.names, closeSignals);
    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(client.readyState(), SseClient::CLOSED);
    QVERIFY(!client.nextRetryTime().isValid());

    log.names.clear();
    QVERIFY(!requestSpy.wait(Quiet)); // past the retry delay and the server's next events
    TRY_COMPARE(server.openConnections(), 0); // the request or stream was aborted
    QCOMPARE(log.names, QStringList());
    QCOMPARE(server.requestCount(), requests);

    client.close(); // again: nothing
    QCOMPARE(log.names, QStringList());
}

void tst_SseClient::deleteInState_data()
{
    QTest::addColumn<QString>("state");
    QTest::newRow("Connecting") << u"Connecting"_s;
    QTest::newRow("Open") << u"Open"_s;
    QTest::newRow("Reconnecting") << u"Reconnecting"_s;
}

void tst_SseClient::deleteInState()
{
    QFETCH(QString, state);

    SseTestServer server;
    QVERIFY(server.listen());
    auto *client = new SseClient;
    configure(*client, server.url(u"/events"_s));
    driveTo(client, &server, state);
    if (QTest::currentTestFailed()) {
        delete client;
        return;
    }
    const int requests = server.requestCount();
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    delete client;
    QVERIFY(!requestSpy.wait(Quiet));
    TRY_COMPARE(server.openConnections(), 0);
    QCOMPARE(server.requestCount(), requests);
}

// The rows name a signal and which emission of it, along this script: a stream (a comment, a
// retry:, an id, two events in one write) that ends, a 503, then a 404.
static void slotRows()
{
    QTest::addColumn<QByteArray>("signal");
    QTest::addColumn<int>("nth");

    QTest::newRow("stateChanged Connecting (in open())")
            << QByteArray("stateChanged(SseClient::State)") << 1;
    QTest::newRow("aboutToSendRequest") << QByteArray("aboutToSendRequest(QNetworkRequest*)") << 1;
    QTest::newRow("openedTimeChanged") << QByteArray("openedTimeChanged(QDateTime)") << 1;
    QTest::newRow("stateChanged Open") << QByteArray("stateChanged(SseClient::State)") << 2;
    QTest::newRow("opened") << QByteArray("opened()") << 1;
    QTest::newRow("commentReceived") << QByteArray("commentReceived(QString)") << 1;
    QTest::newRow("reconnectionTimeChanged (retry:)")
            << QByteArray("reconnectionTimeChanged(int)") << 1;
    QTest::newRow("lastEventIdChanged") << QByteArray("lastEventIdChanged(QString)") << 1;
    QTest::newRow("eventReceived, more in the chunk") << QByteArray("eventReceived(SseEvent)") << 1;
    QTest::newRow("countersChanged") << QByteArray("countersChanged()") << 1;
    QTest::newRow("disconnected") << QByteArray("disconnected()") << 1;
    QTest::newRow("reconnectAttemptChanged") << QByteArray("reconnectAttemptChanged(int)") << 1;
    QTest::newRow("nextRetryTimeChanged (scheduled)")
            << QByteArray("nextRetryTimeChanged(QDateTime)") << 1;
    QTest::newRow("stateChanged Reconnecting") << QByteArray("stateChanged(SseClient::State)") << 3;
    QTest::newRow("reconnectScheduled") << QByteArray("reconnectScheduled(int,int)") << 1;
    QTest::newRow("nextRetryTimeChanged (retry starts)")
            << QByteArray("nextRetryTimeChanged(QDateTime)") << 2;
    QTest::newRow("stateChanged Connecting (retry)")
            << QByteArray("stateChanged(SseClient::State)") << 4;
    QTest::newRow("errorOccurred (503)") << QByteArray("errorOccurred(SseClient::Error)") << 1;
    QTest::newRow("reconnectAttemptChanged (after 503)")
            << QByteArray("reconnectAttemptChanged(int)") << 2;
    QTest::newRow("stateChanged Reconnecting (after 503)")
            << QByteArray("stateChanged(SseClient::State)") << 5;
    QTest::newRow("errorOccurred (404)") << QByteArray("errorOccurred(SseClient::Error)") << 2;
    QTest::newRow("stateChanged Failed") << QByteArray("stateChanged(SseClient::State)") << 7;
    QTest::newRow("closed") << QByteArray("closed()") << 1;
}

static void enqueueSlotScript(SseTestServer &server)
{
    server.enqueue(endingStream(": hi\nretry: 20\nid: 1\ndata: 1\n\ndata: 2\n\n"));
    server.enqueue(Response::status(503, "busy"));
    server.enqueue(Response::status(404, "gone"));
    server.setHandler([](const Request &) { return endingStream("data: more\n\n"); });
}

void tst_SseClient::closeFromSlot_data()
{
    slotRows();
}

void tst_SseClient::closeFromSlot()
{
    QFETCH(QByteArray, signal);
    QFETCH(int, nth);

    SseTestServer server;
    QVERIFY(server.listen());
    enqueueSlotScript(server);
    SseClient client;
    configure(client, server.url(u"/events"_s));
    SignalLog log(&client);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    SlotAction action(&client, signal, nth, SlotAction::Close, &log, &server);
    QVERIFY(action.valid);
    client.open();
    TRY_VERIFY(action.done);

    QVERIFY(client.state() == SseClient::Closed || client.state() == SseClient::Failed);
    const QStringList before = log.names.mid(0, action.logMark);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), action.requestsAtAction);
    TRY_COMPARE(server.openConnections(), 0);
    // After close(), nothing; unless the client had already ended (Failed: close() does nothing)
    // and the slot ran inside that transition, whose closed() still follows.
    const QStringList after = log.names.mid(action.logMark);
    if (action.stateAtAction == SseClient::Failed && signal.startsWith("stateChanged"))
        QCOMPARE(after, QStringList {u"closed"_s});
    else
        QVERIFY2(after.isEmpty(), qPrintable(u"after close(): "_s + after.join(u", "_s)));
    if (signal.startsWith("eventReceived"))
        QCOMPARE(eventSpy.size(), 1);
    QVERIFY(client.state() == SseClient::Closed || client.state() == SseClient::Failed);
    // close() is the last thing the client did: its state and closed() were emitted by it
    if (client.state() == SseClient::Closed && !signal.startsWith("closed"))
        QCOMPARE(before.mid(before.size() - 2),
                 QStringList({u"stateChanged:Closed"_s, u"closed"_s}));
}

void tst_SseClient::deleteFromSlot_data()
{
    slotRows();
}

void tst_SseClient::deleteFromSlot()
{
    QFETCH(QByteArray, signal);
    QFETCH(int, nth);

    SseTestServer server;
    QVERIFY(server.listen());
    enqueueSlotScript(server);
    auto *client = new SseClient;
    QPointer<SseClient> guard(client);
    configure(*client, server.url(u"/events"_s));
    SignalLog log(client);
    int events = 0;
    connect(client, &SseClient::eventReceived, this, [&events] { ++events; });
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    SlotAction action(client, signal, nth, SlotAction::Delete, &log, &server);
    QVERIFY(action.valid);
    client->open();
    TRY_VERIFY(guard.isNull());

    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), action.requestsAtAction);
    TRY_COMPARE(server.openConnections(), 0);
    if (signal.startsWith("eventReceived"))
        QCOMPARE(events, 1);
}

void tst_SseClient::reconnectNowWhileReconnecting()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(503, "busy"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setReconnectionTime(60000); // far beyond the test's patience
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy openedSpy(&client, &SseClient::opened);
    client.open();
    QVERIFY(scheduledSpy.wait(Timeout));
    QCOMPARE(scheduledSpy.at(0).at(1).toInt(), 60000);
    QCOMPARE(client.state(), SseClient::Reconnecting);
    client.reconnectNow();
    QCOMPARE(client.state(), SseClient::Connecting);
    QVERIFY(!client.nextRetryTime().isValid());
    QVERIFY(openedSpy.wait(Timeout));
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(scheduledSpy.size(), 1);
    client.close();
}

void tst_SseClient::reconnectNowWhileOpen()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("id: 5\ndata: a\n\n").holdOpen());
    server.enqueue(Response::sse().send("data: b\n\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy disconnectedSpy(&client, &SseClient::disconnected);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedConnections(&server, &SseTestServer::connectionClosed);
    client.open();
    QVERIFY(eventSpy.wait(Timeout));
    client.reconnectNow();
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(client.state(), SseClient::Connecting);
    TRY_COMPARE(eventSpy.size(), 2);
    QCOMPARE(dataOf(eventSpy), QStringList({u"a"_s, u"b"_s}));
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "5");
    QCOMPARE(scheduledSpy.size(), 0);
    TRY_VERIFY(!closedConnections.isEmpty());
    QCOMPARE(closedConnections.at(0).at(0).toInt(), 0); // the first stream was ended
    QCOMPARE(client.state(), SseClient::Open);
    client.close();
}

// A slot that runs a nested event loop (a modal dialog) while more of the stream arrives: the
// events keep their order, none is lost or doubled, and none is delivered inside that slot.
void tst_SseClient::nestedEventLoopInSlot_data()
{
    QTest::addColumn<bool>("streamEnds"); // during the nested loop
    QTest::newRow("stream goes on") << false;
    QTest::newRow("stream ends meanwhile") << true;
}

void tst_SseClient::nestedEventLoopInSlot()
{
    QFETCH(bool, streamEnds);

    SseTestServer server;
    QVERIFY(server.listen());
    Response r = Response::sse().chunked().send("data: 1\n\ndata: 2\n\n");
    r.pause(50).send("data: 3\n\n").pause(50).send("data: 4\n\ndata: 5\n\n");
    if (streamEnds)
        r.close();
    else
        r.pause(200).send("data: 6\n\n").holdOpen();
    server.enqueue(r);
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QStringList received;
    int depth = 0;
    bool nested = false;
    connect(&client, &SseClient::eventReceived, this, [&](const SseEvent &e) {
        received.append(e.data());
        nested = nested || depth > 0;
        if (e.data() != "1"_L1)
            return;
        ++depth;
        QEventLoop loop; // a modal dialog, while the server sends 3, 4, 5 (and maybe ends)
        QTimer::singleShot(250, &loop, &QEventLoop::quit);
        loop.exec();
        --depth;
    });
    client.open();
    TRY_VERIFY(received.size() >= (streamEnds ? 5 : 6));
    QCOMPARE(received.mid(0, 5), QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s}));
    if (!streamEnds)
        QCOMPARE(received, QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s, u"6"_s}));
    QVERIFY(!nested);
    client.close();
}

// ---- 16. state and signal sequence ----------------------------------------------------------

void tst_SseClient::signalSequence()
{
    const QByteArray firstStream = "id: 1\ndata: a\n\nevent: x\ndata: b\n\n";
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream(firstStream));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(client.readyState(), SseClient::CLOSED);
    SignalLog log(&client);
    QList<std::pair<SseClient::State, SseClient::ReadyState>> readyStates;
    connect(&client, &SseClient::stateChanged, this, [&](SseClient::State s) {
        readyStates.append({s, client.readyState()});
    });
    struct AtSchedule
    {
        SseClient::State state;
        int attempt;
        QDateTime nextRetry;
        QDateTime now;
    };
    QList<AtSchedule> atSchedule;
    QDateTime streamEnded; // just before the retry is scheduled
    connect(&client, &SseClient::disconnected, this,
            [&] { streamEnded = QDateTime::currentDateTime(); });
    connect(&client, &SseClient::reconnectScheduled, this, [&] {
        atSchedule.append({client.state(), client.reconnectAttempt(), client.nextRetryTime(),
                           QDateTime::currentDateTime()});
    });
    QSignalSpy openedTimeSpy(&client, &SseClient::openedTimeChanged);
    const QDateTime start = QDateTime::currentDateTime();

    client.open();
    TRY_COMPARE(server.requestCount(), 2);
    TRY_COMPARE(client.state(), SseClient::Open);

    const QStringList wanted = {
            u"stateChanged"_s,       u"opened"_s, u"eventReceived"_s, u"disconnected"_s,
            u"reconnectScheduled"_s, u"closed"_s, u"errorOccurred"_s};
    QCOMPARE(log.only(wanted),
             QStringList({u"stateChanged:Connecting"_s, u"stateChanged:Open"_s, u"opened"_s,
                          u"eventReceived"_s, u"eventReceived"_s, u"disconnected"_s,
                          u"stateChanged:Reconnecting"_s, u"reconnectScheduled"_s,
                          u"stateChanged:Connecting"_s, u"stateChanged:Open"_s, u"opened"_s}));
    QCOMPARE(readyStates,
             (QList<std::pair<SseClient::State, SseClient::ReadyState>> {
                     {SseClient::Connecting, SseClient::CONNECTING},
                     {SseClient::Open, SseClient::OPEN},
                     {SseClient::Reconnecting, SseClient::CONNECTING},
                     {SseClient::Connecting, SseClient::CONNECTING},
                     {SseClient::Open, SseClient::OPEN}}));

    QCOMPARE(atSchedule.size(), 1);
    QCOMPARE(atSchedule.at(0).state, SseClient::Reconnecting);
    QCOMPARE(atSchedule.at(0).attempt, 1);
    QVERIFY(atSchedule.at(0).nextRetry.isValid());
    // nextRetryTime = (the moment it was scheduled) + 50 ms
    const QDateTime scheduled = atSchedule.at(0).nextRetry.addMSecs(-50);
    QVERIFY(scheduled >= streamEnded && scheduled <= atSchedule.at(0).now);
    QVERIFY(!client.nextRetryTime().isValid()); // no retry pending while open
    QCOMPARE(client.reconnectAttempt(), 0);

    QCOMPARE(client.eventCount(), 2);
    QCOMPARE(client.byteCount(), firstStream.size());
    QCOMPARE(openedTimeSpy.size(), 2);
    QVERIFY(client.openedTime().isValid());
    QVERIFY(client.openedTime() >= start);
    QVERIFY(client.openedTime() <= QDateTime::currentDateTime());
    QCOMPARE(client.lastEventId(), u"1"_s);
    QCOMPARE(client.error(), SseClient::NoError);

    log.names.clear();
    client.close();
    QCOMPARE(log.only(wanted), QStringList({u"stateChanged:Closed"_s, u"closed"_s}));
    QCOMPARE(client.readyState(), SseClient::CLOSED);
}

// ---- 17. listeners --------------------------------------------------------------------------

void tst_SseClient::eventListeners()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse()
                           .send("event: price\ndata: 1\n\n"
                                 "event: news\ndata: n1\n\n"
                                 "data: m1\n\n"
                                 "event: price\ndata: 2\n\n"
                                 "event: control\ndata: remove-one\n\n"
                                 "event: price\ndata: 3\n\n")
                           .send("event: control\ndata: kill-context\n\n"
                                 "event: price\ndata: 4\n\n"
                                 "event: control\ndata: remove-type\n\n"
                                 "event: price\ndata: 5\n\n"
                                 "event: news\ndata: n2\n\n"
                                 "event: control\ndata: re-add\n\n"
                                 "event: price\ndata: 6\n\n"
                                 "event: control\ndata: end\n\n")
                           .holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QObject context1, context2;
    auto *context3 = new QObject;
    PriceReceiver receiver;
    QStringList prices1, prices2, prices3, prices5, news, all;
    bool removedAgain = true;
    bool ended = false;
    client.addEventListener(u"price"_s, &context1,
                            [&](const SseEvent &e) { prices1.append(e.data()); });
    const QMetaObject::Connection second = client.addEventListener(
            u"price"_s, &context2, [&](const SseEvent &e) { prices2.append(e.data()); });
    client.addEventListener(u"price"_s, context3,
                            [&](const SseEvent &e) { prices3.append(e.data()); });
    client.addEventListener(u"price"_s, &receiver, &PriceReceiver::onPrice);
    client.addEventListener(u"news"_s, &context1,
                            [&](const SseEvent &e) { news.append(e.data()); });
    connect(&client, &SseClient::eventReceived, this,
            [&](const SseEvent &e) { all.append(e.data()); });
    client.addEventListener(u"control"_s, &context1, [&](const SseEvent &e) {
        if (e.data() == "remove-one"_L1) {
            QVERIFY(client.removeEventListener(second));
            removedAgain = client.removeEventListener(second);
        } else if (e.data() == "kill-context"_L1) {
            delete context3;
        } else if (e.data() == "remove-type"_L1) {
            client.removeEventListener(u"price"_s);
        } else if (e.data() == "re-add"_L1) {
            client.addEventListener(u"price"_s, &context2,
                                    [&](const SseEvent &p) { prices5.append(p.data()); });
        } else if (e.data() == "end"_L1) {
            ended = true;
            client.removeEventListener(u"control"_s); // from inside one of its own listeners
        }
    });
    client.open();
    TRY_VERIFY(ended);

    QCOMPARE(prices1, QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
    QCOMPARE(receiver.prices, QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
    QCOMPARE(prices2, QStringList({u"1"_s, u"2"_s})); // removed by its connection
    QVERIFY(!removedAgain);
    QCOMPARE(prices3, QStringList({u"1"_s, u"2"_s, u"3"_s})); // its context died
    QCOMPARE(prices5, QStringList {u"6"_s});
    QCOMPARE(news, QStringList({u"n1"_s, u"n2"_s}));
    QCOMPARE(all.size(), 14); // eventReceived gets every event
    client.close();
}

// ---- 18. comments ---------------------------------------------------------------------------

void tst_SseClient::comments()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send(": hello\n:\n:no space\ndata: a\n\n:after\n").holdOpen());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy commentSpy(&client, &SseClient::commentReceived);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    TRY_COMPARE(commentSpy.size(), 4);
    QStringList comments;
    for (const QList<QVariant> &args : std::as_const(commentSpy))
        comments.append(args.at(0).toString());
    QCOMPARE(comments, QStringList({u" hello"_s, QString(), u"no space"_s, u"after"_s}));
    QCOMPARE(dataOf(eventSpy), QStringList {u"a"_s});
    client.close();
}

// ---- 19. many clients -----------------------------------------------------------------------

void tst_SseClient::manyClients()
{
    constexpr int count = 20;
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([](const Request &r) {
        return Response::sse()
                .send("data: 1 " + r.target + "\n\ndata: 2\n\n")
                .pause(10)
                .send("data: 3\n\n")
                .holdOpen();
    });

    std::vector<std::unique_ptr<SseClient>> clients;
    std::vector<QStringList> received(count);
    int total = 0;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<SseClient>();
        configure(*client, server.url(u"/events?client=%1"_s.arg(i)));
        connect(client.get(), &SseClient::eventReceived, this, [&, i](const SseEvent &e) {
            received[i].append(e.data());
            ++total;
        });
        QCOMPARE(client->networkAccessManager(), nullptr); // none until a request is sent
        clients.push_back(std::move(client));
    }
    for (auto &client : clients)
        client->open();
    TRY_COMPARE(total, 3 * count);
    // The pool: at most 6 HTTP/1.1 streams per manager (Qt queues a 7th silently), no more
    // managers than needed.
    QHash<QNetworkAccessManager *, int> streamsPerManager;
    for (auto &client : clients)
        ++streamsPerManager[client->networkAccessManager()];
    QCOMPARE(streamsPerManager.size(), (count + 5) / 6);
    QCOMPARE(SseConnectionPool::managerCount(), (count + 5) / 6);
    for (int streams : std::as_const(streamsPerManager))
        QVERIFY2(streams <= 6, QByteArray::number(streams));
    for (int i = 0; i < count; ++i) {
        QCOMPARE(received[i], QStringList({u"1 /events?client=%1"_s.arg(i), u"2"_s, u"3"_s}));
        QCOMPARE(clients[i]->state(), SseClient::Open);
    }
    QCOMPARE(server.requestCount(), count);
    QCOMPARE(server.openConnections(), count);
    for (auto &client : clients)
        client->close();
    TRY_COMPARE(server.openConnections(), 0);
    TRY_COMPARE(SseConnectionPool::managerCount(), 0); // released once idle
}

QTEST_MAIN(tst_SseClient)
#include "tst_sseclient.moc"
