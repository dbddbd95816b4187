// SPDX-License-Identifier: BSD-3-Clause
// SseClient's observable sequence: states and signals in order, per-type event listeners, and
// comments.
#include "sseclienttest.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdatetime.h>

class PriceReceiver : public QObject
{
    Q_OBJECT
public:
    void onPrice(const SseEvent &event) { prices.append(event.data()); }
    QStringList prices;
};

class tst_SseClientSignals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 16. state and signal sequence
    void signalSequence();
    void streamEndOrder_data();
    void streamEndOrder();
    // 17. listeners
    void eventListeners();
    void listenerChannelsFreed();
    void listenersChangeWithinOneType();
    // 18. comments
    void comments();
};

// ---- 16. state and signal sequence ----------------------------------------------------------

// However an open stream ends, the signals come in one order: disconnected(); then, if there
// is one, the error (errorOccurred); then what follows: a reconnect (stateChanged(Reconnecting),
// reconnectScheduled) or the end (stateChanged(Closed/Failed), closed). (The HTTP/2 overflow
// drop, which needs a slot's nested loop on HTTP/2, is checked in tst_connectionpool_http2.)
void tst_SseClientSignals::streamEndOrder_data()
{
    QTest::addColumn<Response>("response");
    QTest::addColumn<int>("idleTimeout");
    QTest::addColumn<int>("maxEventSize");
    QTest::addColumn<int>("maxRetries");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QList<SseClient::Error>>("errors");

    const QStringList again = {u"disconnected"_s, u"stateChanged:Reconnecting"_s,
                               u"reconnectScheduled"_s};
    const QStringList againAfterError = {u"disconnected"_s, u"errorOccurred"_s,
                                         u"stateChanged:Reconnecting"_s, u"reconnectScheduled"_s};
    const QStringList closed = {u"disconnected"_s, u"stateChanged:Closed"_s, u"closed"_s};
    const QStringList closedAfterError = {u"disconnected"_s, u"errorOccurred"_s,
                                          u"stateChanged:Closed"_s, u"closed"_s};
    const Response ending = endingStream("data: a\n\n");
    const Response broken = Response::sse().chunked().send("data: a\n\n").abort();
    const Response silent = Response::sse().send("data: a\n\n").holdOpen();
    const Response tooLarge =
            Response::sse().send("data: a\n\ndata: " + QByteArray(200, 'x') + "\n\n").holdOpen();
    using Errors = QList<SseClient::Error>;
    for (const int maxRetries : {-1, 0}) {
        const bool retry = maxRetries < 0;
        const char *suffix = retry ? "retry" : "no retry";
        QTest::addRow("server end, %s", suffix)
                << ending << 0 << 0 << maxRetries << (retry ? again : closed) << Errors();
        QTest::addRow("network error, %s", suffix)
                << broken << 0 << 0 << maxRetries << (retry ? againAfterError : closedAfterError)
                << Errors {SseClient::ConnectionError};
        QTest::addRow("idle timeout, %s", suffix)
                << silent << 200 << 0 << maxRetries << (retry ? againAfterError : closedAfterError)
                << Errors {SseClient::TimeoutError};
    }
    // A too large event is the server's failed attempt: the backoff and maxRetries apply.
    QTest::addRow("event too large, retry") << tooLarge << 0 << 64 << -1 << againAfterError
                                            << Errors {SseClient::EventTooLargeError};
    QTest::addRow("event too large, no retry")
            << tooLarge << 0 << 64 << 0
            << QStringList {u"disconnected"_s, u"errorOccurred"_s, u"errorOccurred"_s,
                            u"stateChanged:Failed"_s, u"closed"_s}
            << Errors {SseClient::EventTooLargeError, SseClient::RetriesExhaustedError};
}

void tst_SseClientSignals::streamEndOrder()
{
    QFETCH(Response, response);
    QFETCH(int, idleTimeout);
    QFETCH(int, maxEventSize);
    QFETCH(int, maxRetries);
    QFETCH(QStringList, expected);
    QFETCH(QList<SseClient::Error>, errors);

    SseClientFixture f;
    QVERIFY(f.start());
    f.answerFirstThenHold(response);
    f.client.setReconnectionTime(60000); // the order up to the scheduled reconnect, not after it
    f.client.setIdleTimeout(idleTimeout);
    if (maxEventSize)
        f.client.setMaxEventSize(maxEventSize);
    f.client.setMaxRetries(maxRetries);
    SignalLog log(&f.client);
    f.client.open();
    TRY_VERIFY(log.names.contains(u"opened"_s) && f.client.state() != SseClient::Open);
    const QStringList wanted = {u"disconnected"_s, u"errorOccurred"_s, u"stateChanged"_s,
                                u"reconnectScheduled"_s, u"closed"_s};
    const QStringList afterOpened = log.names.mid(log.names.indexOf(u"opened"_s) + 1);
    QCOMPARE(SignalLog::only(afterOpened, wanted), expected);
    QCOMPARE(errorsOf(f.errorSpy), errors);
}

void tst_SseClientSignals::signalSequence()
{
    const QByteArray firstStream = "id: 1\ndata: a\n\nevent: x\ndata: b\n\n";
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(endingStream(firstStream));
    f.server.enqueue(Response::sse().holdOpen());

    QCOMPARE(f.client.state(), SseClient::Closed);
    QCOMPARE(f.client.readyState(), SseClient::CLOSED);
    SignalLog log(&f.client);
    QList<std::pair<SseClient::State, SseClient::ReadyState>> readyStates;
    connect(&f.client, &SseClient::stateChanged, this, [&](SseClient::State s) {
        readyStates.append({s, f.client.readyState()});
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
    connect(&f.client, &SseClient::disconnected, this,
            [&] { streamEnded = QDateTime::currentDateTime(); });
    connect(&f.client, &SseClient::reconnectScheduled, this, [&] {
        atSchedule.append({f.client.state(), f.client.reconnectAttempt(), f.client.nextRetryTime(),
                           QDateTime::currentDateTime()});
    });
    QSignalSpy openedTimeSpy(&f.client, &SseClient::openedTimeChanged);
    const QDateTime start = QDateTime::currentDateTime();

    f.client.open();
    TRY_COMPARE(f.server.requestCount(), 2);
    TRY_COMPARE(f.client.state(), SseClient::Open);

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
    QVERIFY(!f.client.nextRetryTime().isValid()); // no retry pending while open
    QCOMPARE(f.client.reconnectAttempt(), 0);

    QCOMPARE(f.client.eventCount(), 2);
    QCOMPARE(f.client.byteCount(), firstStream.size());
    QCOMPARE(openedTimeSpy.size(), 2);
    QVERIFY(f.client.openedTime().isValid());
    QVERIFY(f.client.openedTime() >= start);
    QVERIFY(f.client.openedTime() <= QDateTime::currentDateTime());
    QCOMPARE(f.client.lastEventId(), u"1"_s);
    QCOMPARE(f.client.error(), SseClient::NoError);

    log.names.clear();
    f.client.close();
    QCOMPARE(log.only(wanted), QStringList({u"stateChanged:Closed"_s, u"closed"_s}));
    QCOMPARE(f.client.readyState(), SseClient::CLOSED);
}

// ---- 17. listeners --------------------------------------------------------------------------

void tst_SseClientSignals::eventListeners()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse()
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

    QObject context1, context2;
    auto *context3 = new QObject;
    PriceReceiver receiver;
    QStringList prices1, prices2, prices3, prices5, news, all;
    bool removedAgain = true;
    bool ended = false;
    f.client.addEventListener(u"price"_s, &context1,
                              [&](const SseEvent &e) { prices1.append(e.data()); });
    const QMetaObject::Connection second = f.client.addEventListener(
            u"price"_s, &context2, [&](const SseEvent &e) { prices2.append(e.data()); });
    f.client.addEventListener(u"price"_s, context3,
                              [&](const SseEvent &e) { prices3.append(e.data()); });
    f.client.addEventListener(u"price"_s, &receiver, &PriceReceiver::onPrice);
    f.client.addEventListener(u"news"_s, &context1,
                              [&](const SseEvent &e) { news.append(e.data()); });
    connect(&f.client, &SseClient::eventReceived, this,
            [&](const SseEvent &e) { all.append(e.data()); });
    f.client.addEventListener(u"control"_s, &context1, [&](const SseEvent &e) {
        if (e.data() == "remove-one"_L1) {
            QVERIFY(f.client.removeEventListener(second));
            removedAgain = f.client.removeEventListener(second);
        } else if (e.data() == "kill-context"_L1) {
            delete context3;
        } else if (e.data() == "remove-type"_L1) {
            f.client.removeEventListener(u"price"_s);
        } else if (e.data() == "re-add"_L1) {
            f.client.addEventListener(u"price"_s, &context2,
                                      [&](const SseEvent &p) { prices5.append(p.data()); });
        } else if (e.data() == "end"_L1) {
            ended = true;
            f.client.removeEventListener(u"control"_s); // from inside one of its own listeners
        }
    });
    f.client.open();
    TRY_VERIFY(ended);

    QCOMPARE(prices1, QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
    QCOMPARE(receiver.prices, QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
    QCOMPARE(prices2, QStringList({u"1"_s, u"2"_s})); // removed by its connection
    QVERIFY(!removedAgain);
    QCOMPARE(prices3, QStringList({u"1"_s, u"2"_s, u"3"_s})); // its context died
    QCOMPARE(prices5, QStringList {u"6"_s});
    QCOMPARE(news, QStringList({u"n1"_s, u"n2"_s}));
    QCOMPARE(all.size(), 14); // eventReceived gets every event
    f.client.close();
}

// A type's channel (one QObject, a child of the client) goes once its last listener does: by
// removeEventListener(), by the listener's context being destroyed, or by a disconnect() (as an
// application may, with the connection addEventListener() returned), noticed at the next
// listener or event of that type.
void tst_SseClientSignals::listenerChannelsFreed()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().send("event: b\ndata: 1\n\nevent: c\ndata: 2\n\n").holdOpen());
    // The children a client has without listeners (its timers' receiver) are not channels.
    const qsizetype own = f.client.children().size();
    const auto channels = [&f, own] {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        return f.client.children().size() - own;
    };
    auto *contextA = new QObject;
    QObject contextB;
    QObject contextC;
    f.client.addEventListener(u"a"_s, contextA, [](const SseEvent &) {});
    const QMetaObject::Connection b =
            f.client.addEventListener(u"b"_s, &contextB, [](const SseEvent &) {});
    QCOMPARE(channels(), 2);
    delete contextA; // "a" has no listener left
    QStringList seen;
    f.client.addEventListener(u"c"_s, &contextC, [&](const SseEvent &e) { seen.append(e.data()); });
    QCOMPARE(channels(), 2); // "b" and "c"
    QObject::disconnect(b); // not through the client
    QCOMPARE(channels(), 2); // noticed at the next event of that type
    f.client.open();
    TRY_COMPARE(seen, QStringList {u"2"_s});
    QCOMPARE(channels(), 1); // "c"
    f.client.removeEventListener(u"c"_s);
    QCOMPARE(channels(), 0);
    f.client.close();
}

// Consecutive events of one type find their channel without a lookup (the parser hands them
// the same type string): listeners that change between two of them must still be found.
void tst_SseClientSignals::listenersChangeWithinOneType()
{
    SseClientFixture f;
    QVERIFY(f.start());
    QByteArray stream;
    for (int i = 1; i <= 4; ++i)
        stream += "event: price\ndata: " + QByteArray::number(i) + "\n\n";
    f.server.enqueue(Response::sse().send(stream).holdOpen());
    QObject context;
    QStringList a, b, c;
    QMetaObject::Connection bConnection;
    f.client.addEventListener(u"price"_s, &context, [&](const SseEvent &e) {
        a.append(e.data());
        f.client.removeEventListener(u"price"_s); // the channel goes
        bConnection = f.client.addEventListener(u"price"_s, &context, [&](const SseEvent &e) {
            b.append(e.data());
            QObject::disconnect(bConnection); // not through the client: the channel stays
            f.client.addEventListener(u"price"_s, &context,
                                      [&](const SseEvent &e) { c.append(e.data()); });
        });
    });
    f.client.open();
    TRY_COMPARE(c.size(), 2);
    QCOMPARE(a, QStringList {u"1"_s});
    QCOMPARE(b, QStringList {u"2"_s});
    QCOMPARE(c, QStringList({u"3"_s, u"4"_s}));
    f.client.close();
}

// ---- 18. comments ---------------------------------------------------------------------------

void tst_SseClientSignals::comments()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().send(": hello\n:\n:no space\ndata: a\n\n:after\n").holdOpen());

    QSignalSpy commentSpy(&f.client, &SseClient::commentReceived);
    f.client.open();
    TRY_COMPARE(commentSpy.size(), 4);
    QStringList comments;
    for (const QList<QVariant> &args : std::as_const(commentSpy))
        comments.append(args.at(0).toString());
    QCOMPARE(comments, QStringList({u" hello"_s, QString(), u"no space"_s, u"after"_s}));
    QCOMPARE(dataOf(f.eventSpy), QStringList {u"a"_s});
    f.client.close();
}

QTEST_MAIN(tst_SseClientSignals)
#include "tst_sseclient_signals.moc"
