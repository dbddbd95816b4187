// SPDX-License-Identifier: BSD-3-Clause
// SseClient re-entered from its own signals: close() or delete from a slot connected to each
// signal along a script, and a nested event loop in a slot.
#include "sseclienttest.h"

#include <QtCore/qeventloop.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>

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

class tst_SseClientReentrancy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 15. close, delete from a slot; nested event loops
    void closeFromSlot_data();
    void closeFromSlot();
    void deleteFromSlot_data();
    void deleteFromSlot();
    void nestedEventLoopInSlot_data();
    void nestedEventLoopInSlot();
    void actionInNestedLoop_data();
    void actionInNestedLoop();
};

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
    QTest::newRow("serverReconnectionTimeChanged (retry:)")
            << QByteArray("serverReconnectionTimeChanged(int)") << 1;
    // The 200's status, the next request's reset, the 503's status, its error, ..., the 404's.
    QTest::newRow("errorChanged (HTTP 200)") << QByteArray("errorChanged()") << 1;
    QTest::newRow("errorChanged (next request)") << QByteArray("errorChanged()") << 2;
    QTest::newRow("errorChanged (HTTP 503)") << QByteArray("errorChanged()") << 3;
    QTest::newRow("errorChanged (503 error)") << QByteArray("errorChanged()") << 4;
    QTest::newRow("errorChanged (404 error)") << QByteArray("errorChanged()") << 7;
    QTest::newRow("responseReceived (200)") << QByteArray("responseReceived()") << 1;
    QTest::newRow("responseReceived (503)") << QByteArray("responseReceived()") << 2;
    QTest::newRow("responseReceived (404)") << QByteArray("responseReceived()") << 3;
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

void tst_SseClientReentrancy::closeFromSlot_data()
{
    slotRows();
}

void tst_SseClientReentrancy::closeFromSlot()
{
    QFETCH(QByteArray, signal);
    QFETCH(int, nth);

    SseClientFixture f;
    QVERIFY(f.start());
    enqueueSlotScript(f.server);
    SignalLog log(&f.client);
    SlotAction action(&f.client, signal, nth, SlotAction::Close, &log, &f.server);
    QVERIFY(action.valid);
    f.client.open();
    TRY_VERIFY(action.done);

    QVERIFY(f.client.state() == SseClient::Closed || f.client.state() == SseClient::Failed);
    const QStringList before = log.names.mid(0, action.logMark);
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), action.requestsAtAction);
    TRY_COMPARE(f.server.openConnections(), 0);
    // After close(), nothing; unless the client had already ended (Failed: close() does nothing)
    // and the slot ran inside that transition, whose closed() still follows.
    const QStringList after = log.names.mid(action.logMark);
    if (action.stateAtAction == SseClient::Failed && signal.startsWith("stateChanged"))
        QCOMPARE(after, QStringList {u"closed"_s});
    else
        QVERIFY2(after.isEmpty(), qPrintable(u"after close(): "_s + after.join(u", "_s)));
    if (signal.startsWith("eventReceived"))
        QCOMPARE(f.eventSpy.size(), 1);
    QVERIFY(f.client.state() == SseClient::Closed || f.client.state() == SseClient::Failed);
    // close() is the last thing the client did: its state and closed() were emitted by it
    if (f.client.state() == SseClient::Closed && !signal.startsWith("closed"))
        QCOMPARE(before.mid(before.size() - 2),
                 QStringList({u"stateChanged:Closed"_s, u"closed"_s}));
}

void tst_SseClientReentrancy::deleteFromSlot_data()
{
    slotRows();
}

void tst_SseClientReentrancy::deleteFromSlot()
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

// A slot that runs a nested event loop (a modal dialog) while more of the stream arrives: the
// events keep their order, none is lost or doubled, and none is delivered inside that slot.
void tst_SseClientReentrancy::nestedEventLoopInSlot_data()
{
    QTest::addColumn<bool>("streamEnds"); // during the nested loop
    QTest::newRow("stream goes on") << false;
    QTest::newRow("stream ends meanwhile") << true;
}

void tst_SseClientReentrancy::nestedEventLoopInSlot()
{
    QFETCH(bool, streamEnds);

    SseClientFixture f;
    QVERIFY(f.start());
    Response r = Response::sse().chunked().send("data: 1\n\ndata: 2\n\n");
    r.pause(50).send("data: 3\n\n").pause(50).send("data: 4\n\ndata: 5\n\n");
    if (streamEnds)
        r.close();
    else
        r.pause(200).send("data: 6\n\n").holdOpen();
    f.answerFirstThenHold(r);

    QStringList received;
    int depth = 0;
    bool nested = false;
    connect(&f.client, &SseClient::eventReceived, this, [&](const SseEvent &e) {
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
    f.client.open();
    TRY_VERIFY(received.size() >= (streamEnds ? 5 : 6));
    QCOMPARE(received.mid(0, 5), QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s}));
    if (!streamEnds)
        QCOMPARE(received, QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s, u"6"_s}));
    QVERIFY(!nested);
    f.client.close();
}

// close(), delete or reconnectNow() from inside a slot's nested event loop (a modal dialog whose
// button does it): the reply whose readyRead is still on the stack below must outlive that
// signal (the suite runs under ASan), and the action takes effect as it would outside a slot.
void tst_SseClientReentrancy::actionInNestedLoop_data()
{
    QTest::addColumn<bool>("comment"); // the slot is on commentReceived, else eventReceived
    QTest::addColumn<QString>("action");
    for (const bool comment : {false, true}) {
        for (const char *action : {"close", "delete", "reconnectNow"})
            QTest::addRow("%s, %s", comment ? "commentReceived" : "eventReceived", action)
                    << comment << QString::fromLatin1(action);
    }
}

void tst_SseClientReentrancy::actionInNestedLoop()
{
    QFETCH(bool, comment);
    QFETCH(QString, action);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send(": c\nid: 1\ndata: a\n\n").holdOpen());
    server.setHandler(
            [](const Request &) { return Response::sse().send("id: 2\ndata: b\n\n").holdOpen(); });

    QPointer<SseClient> client = new SseClient;
    configure(*client, server.url(u"/events"_s));
    QStringList received;
    connect(client, &SseClient::eventReceived, this,
            [&received](const SseEvent &e) { received.append(e.data()); });
    bool acted = false;
    const auto slot = [&] {
        if (std::exchange(acted, true))
            return;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, [&] {
            if (action == "close"_L1)
                client->close();
            else if (action == "delete"_L1)
                delete client.data();
            else
                client->reconnectNow();
        });
        // Long enough for the deferred deletes posted by the action to run in this loop.
        QTimer::singleShot(300, &loop, &QEventLoop::quit);
        loop.exec();
    };
    if (comment)
        connect(client, &SseClient::commentReceived, this, slot);
    else
        connect(client, &SseClient::eventReceived, this, slot);
    client->open();
    TRY_VERIFY(acted);
    if (action == "close"_L1) {
        TRY_COMPARE(server.openConnections(), 0);
        QCOMPARE(client->state(), SseClient::Closed);
        QCOMPARE(server.requestCount(), 1);
    } else if (action == "delete"_L1) {
        QVERIFY(client.isNull());
        TRY_COMPARE(server.openConnections(), 0);
        QCOMPARE(server.requestCount(), 1);
    } else {
        // From the comment's slot the stream is dropped before "a" is dispatched: the server,
        // asked without a Last-Event-ID, starts over.
        const QStringList expected = comment ? QStringList {u"b"_s} : QStringList {u"a"_s, u"b"_s};
        TRY_COMPARE(received.size(), expected.size());
        QCOMPARE(received, expected);
        QCOMPARE(server.requests().at(1).header("Last-Event-ID"), comment ? "" : "1");
        QCOMPARE(client->state(), SseClient::Open);
    }
    delete client.data();
}

QTEST_MAIN(tst_SseClientReentrancy)
#include "tst_sseclient_reentrancy.moc"
