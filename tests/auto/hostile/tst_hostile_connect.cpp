// SPDX-License-Identifier: BSD-3-Clause
// Hostile peers before a stream opens: a server that accepts and never answers (or never even
// accepts), a head that trickles in byte by byte, a redirect loop between two servers, and a port
// nobody listens on. Each ends in a defined error and the retry policy (or a defined wait).
#include "hostile.h"
#include "ssepolicy_p.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qelapsedtimer.h>
#include <QtNetwork/qtcpserver.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Hostile;

class tst_HostileConnect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void neverAnswers_data();
    void neverAnswers();
    void headSlowly_data();
    void headSlowly();
    void endlessHead_data();
    void endlessHead();
    void redirectLoop();
    void redirectToClosedPort();
    void closedPort();
};

void tst_HostileConnect::neverAnswers_data()
{
    QTest::addColumn<bool>("accepted"); // else: left in the kernel's backlog, never read
    QTest::addColumn<int>("connectTimeout");

    QTest::newRow("accepted, read, silent") << true << 300;
    QTest::newRow("never accepted") << false << 300;
    QTest::newRow("accepted, timeout off") << true << 0;
}

// With a connect timeout each attempt ends in TimeoutError and is retried with backoff until
// maxRetries; with the timeout off the client waits, Connecting, until it is closed.
void tst_HostileConnect::neverAnswers()
{
    QFETCH(bool, accepted);
    QFETCH(int, connectTimeout);

    SseTestServer server; // answers nothing
    QTcpServer backlog; // accepts nothing: the kernel completes the handshake, nobody reads
    QUrl url;
    if (accepted) {
        QVERIFY(server.listen());
        server.setHandler([](const Request &) { return Response::silent(); });
        url = server.url(u"/events"_s);
    } else {
        QVERIFY(backlog.listen(QHostAddress::LocalHost));
        backlog.pauseAccepting();
        url = QUrl(u"http://127.0.0.1:%1/events"_s.arg(backlog.serverPort()));
    }
    QSignalSpy closedConnections(&server, &SseTestServer::connectionClosed);

    SseClient client;
    configure(client, url);
    client.setConnectTimeout(connectTimeout);
    client.setMaxRetries(2);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    client.open();

    if (connectTimeout == 0) {
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, Timeout);
        QVERIFY(!errorSpy.wait(3 * Quiet + 1000)); // longer than any timeout would be
        QCOMPARE(client.state(), SseClient::Connecting);
        client.close();
        QCOMPARE(client.state(), SseClient::Closed);
        QCOMPARE(client.error(), SseClient::NoError);
        QTRY_COMPARE_WITH_TIMEOUT(closedConnections.size(), 1, Timeout);
        return;
    }
    QVERIFY(closedSpy.wait(Timeout));
    QCOMPARE(errorsOf(errorSpy),
             Errors({SseClient::TimeoutError, SseClient::TimeoutError, SseClient::TimeoutError,
                     SseClient::RetriesExhaustedError}));
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int>({50, 100}));
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.errorString(),
             u"Gave up after 3 attempt(s) in a row: No response within 300 ms"_s);
    if (accepted) {
        // Three requests, each on its own connection, each dropped by the client.
        QCOMPARE(server.requestCount(), 3);
        QCOMPARE(server.connectionCount(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(closedConnections.size(), 3, Timeout);
        QCOMPARE(server.bytesWritten(0) + server.bytesWritten(1) + server.bytesWritten(2), 0);
    }
}

void tst_HostileConnect::headSlowly_data()
{
    QTest::addColumn<int>("intervalMs"); // between two bytes of the head
    QTest::addColumn<int>("connectTimeout");
    QTest::addColumn<bool>("opens");

    QTest::newRow("1 byte / 20 ms, 500 ms timeout") << 20 << 500 << false;
    QTest::newRow("1 byte / 20 ms, 15 s timeout") << 20 << 15000 << true;
    QTest::newRow("1 byte / s, 2 s timeout") << 1000 << 2000 << false;
}

// The connect timeout covers the whole head: bytes that trickle in do not extend it.
void tst_HostileConnect::headSlowly()
{
    QFETCH(int, intervalMs);
    QFETCH(int, connectTimeout);
    QFETCH(bool, opens);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([intervalMs](const Request &) {
        return Response::sse().headSlowly(intervalMs).send("data: x\n\n").holdOpen();
    });
    QSignalSpy closedConnections(&f.server, &SseTestServer::connectionClosed);
    const qsizetype headSize = 96; // "HTTP/1.1 200 OK\r\n" ... "Connection: close\r\n\r\n"

    f.client.setConnectTimeout(connectTimeout);
    f.client.setMaxRetries(0);
    QElapsedTimer clock;
    clock.start();
    f.client.open();

    if (opens) {
        QVERIFY(f.eventSpy.wait(Timeout));
        QCOMPARE(dataOf(f.eventSpy), QStringList {u"x"_s});
        QCOMPARE(f.errorSpy.size(), 0);
        QCOMPARE(f.client.state(), SseClient::Open);
        QCOMPARE(f.server.bytesWritten(0), headSize + 9);
        // Timers do not fire early: the head took at least its 95 intervals.
        QVERIFY2(clock.elapsed() >= (headSize - 1) * intervalMs,
                 QByteArray::number(clock.elapsed()));
        f.client.close();
        return;
    }
    QVERIFY(f.closedSpy.wait(Timeout));
    QCOMPARE(errorsOf(f.errorSpy),
             Errors({SseClient::TimeoutError, SseClient::RetriesExhaustedError}));
    QCOMPARE(
            f.client.errorString(),
            u"Gave up after 1 attempt(s) in a row: No response within %1 ms"_s.arg(connectTimeout));
    QCOMPARE(f.eventSpy.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(closedConnections.size(), 1, Timeout); // the client hung up
    // Part of the head had arrived: it did not hold the timeout off.
    const qint64 sent = f.server.bytesWritten(0);
    QVERIFY2(sent >= 2 && sent < headSize, QByteArray::number(sent));
}

void tst_HostileConnect::endlessHead_data()
{
    QTest::addColumn<QByteArray>("start");
    QTest::addColumn<QByteArray>("repeated");
    QTest::newRow("an endless header line")
            << "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Long: "_ba
            << QByteArray(64 * 1024, 'a');
    QTest::newRow("endlessly many header lines")
            << "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"_ba
            << QByteArray("X-Header: value\r\n").repeated(4096);
}

// A head that never ends, sent as fast as loopback goes. Qt 6.4 reads a response head without
// any size limit, so the connect timeout is its bound: the attempt ends with TimeoutError, and
// memory grows at most by what Qt reads in that time (measured ~3.5 MB/s of head at 100 % CPU:
// about 7 MB for 2 s; the default 30 s allows ~105 MB; connectTimeout 0 removes the bound).
void tst_HostileConnect::endlessHead()
{
    QFETCH(QByteArray, start);
    QFETCH(QByteArray, repeated);
    constexpr int ConnectTimeout = 2000;

    ServerThread server([start, repeated](const Request &) {
        return Response::raw(start).generate(-1, [repeated](qint64) { return repeated; });
    });
    QVERIFY(server.isListening());
    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setConnectTimeout(ConnectTimeout);
    client.setMaxRetries(0);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    PeakMemory memory;
    QElapsedTimer clock;
    clock.start();
    client.open();
    QVERIFY(closedSpy.wait(Timeout));
    const qint64 growth = memory.growth();
    QCOMPARE(errorsOf(errorSpy),
             Errors({SseClient::TimeoutError, SseClient::RetriesExhaustedError}));
    QCOMPARE(
            client.errorString(),
            u"Gave up after 1 attempt(s) in a row: No response within %1 ms"_s.arg(ConnectTimeout));
    QCOMPARE(client.state(), SseClient::Failed);
    qInfo("ended after %lld ms; peak memory growth %.1f MiB (%s)", clock.elapsed(),
          double(growth) / MiB, memory.exact() ? "VmHWM" : "sampled");
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 64 * MiB, qPrintable(u"%1 MiB"_s.arg(double(growth) / MiB)));
}

// A -> B -> A -> ... across two servers (two origins): after 20 redirects the attempt fails for
// good with RedirectError; a loop is not retried, whatever maxRetries says. Credentials dropped
// when the chain left A stay dropped when it comes back.
void tst_HostileConnect::redirectLoop()
{
    SseTestServer a;
    SseTestServer b;
    QVERIFY(a.listen());
    QVERIFY(b.listen());
    const QByteArray toA = a.url(u"/a"_s).toEncoded();
    const QByteArray toB = b.url(u"/b"_s).toEncoded();
    a.setHandler([toB](const Request &) { return Response::redirect(302, toB); });
    b.setHandler([toA](const Request &) { return Response::redirect(307, toA); });

    SseClient client;
    configure(client, a.url(u"/a"_s));
    client.setRawHeader("Authorization", "Bearer secret");
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    QCOMPARE(errorsOf(errorSpy), Errors {SseClient::RedirectError});
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.errorString(),
             u"Too many redirects (more than 20), last to %1"_s.arg(QString::fromLatin1(toB)));
    QCOMPARE(scheduledSpy.size(), 0);
    // The first request and 20 redirects followed: 21 requests, 11 to A and 10 to B.
    QCOMPARE(a.requestCount(), 11);
    QCOMPARE(b.requestCount(), 10);
    const QList<Request> toOrigin = a.requests();
    QCOMPARE(toOrigin.first().header("Authorization"), "Bearer secret");
    for (qsizetype i = 1; i < toOrigin.size(); ++i)
        QVERIFY(!toOrigin.at(i).hasHeader("Authorization"));
    for (const Request &r : b.requests())
        QVERIFY(!r.hasHeader("Authorization"));
    QSignalSpy more(&a, &SseTestServer::requestReceived);
    QVERIFY(!more.wait(Quiet));
}

// A redirect into a port nobody listens on: a connection error, retried from the original URL.
void tst_HostileConnect::redirectToClosedPort()
{
    SseTestServer a;
    QVERIFY(a.listen());
    QUrl closed;
    {
        SseTestServer gone;
        QVERIFY(gone.listen());
        closed = gone.url(u"/gone"_s);
    } // its port is closed from now on
    a.setHandler([closed](const Request &) { return Response::redirect(302, closed.toEncoded()); });

    SseClient client;
    configure(client, a.url(u"/events"_s));
    client.setMaxRetries(2);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    QCOMPARE(errorsOf(errorSpy),
             Errors({SseClient::ConnectionError, SseClient::ConnectionError,
                     SseClient::ConnectionError, SseClient::RetriesExhaustedError}));
    QCOMPARE(argsOf(scheduledSpy, 1), QList<int>({50, 100}));
    QCOMPARE(a.requestCount(), 3); // every attempt starts at the configured URL
    for (const Request &r : a.requests())
        QCOMPARE(r.target, "/events");
    QCOMPARE(client.state(), SseClient::Failed);
}

// A closed port, 31 attempts as fast as the policy allows (1 ms doubling to an 8 ms cap): each a
// ConnectionError, then RetriesExhaustedError; no socket is left behind.
void tst_HostileConnect::closedPort()
{
    QUrl url;
    {
        SseTestServer gone;
        QVERIFY(gone.listen());
        url = gone.url(u"/events"_s);
    }
    constexpr int MaxRetries = 30;
    const int fdsBefore = openFileDescriptors();
    {
        SseClient client;
        configure(client, url);
        client.setReconnectionTime(1);
        client.setMaxRetryDelay(8);
        client.setMaxRetries(MaxRetries);
        int attempts = 0;
        connect(&client, &SseClient::aboutToSendRequest, this, [&attempts] { ++attempts; });
        QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
        QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
        QSignalSpy closedSpy(&client, &SseClient::closed);
        client.open();
        QVERIFY(closedSpy.wait(Timeout));

        QCOMPARE(attempts, MaxRetries + 1);
        Errors expected(MaxRetries + 1, SseClient::ConnectionError);
        expected.append(SseClient::RetriesExhaustedError);
        QCOMPARE(errorsOf(errorSpy), expected);
        QtSsePrivate::Backoff policy;
        policy.reconnectionTime = 1;
        policy.maxDelay = 8;
        policy.jitter = false;
        QCOMPARE(scheduledSpy.size(), MaxRetries);
        for (int i = 0; i < MaxRetries; ++i) {
            QCOMPARE(scheduledSpy.at(i).at(0).toInt(), i + 1);
            QCOMPARE(scheduledSpy.at(i).at(1).toLongLong(), policy.delay(i + 1));
        }
        QCOMPARE(client.state(), SseClient::Failed);
        QVERIFY2(client.errorString().startsWith(u"Gave up after 31 attempt(s) in a row: "_s),
                 qPrintable(client.errorString()));
    }
    // 31 attempts left no socket behind (a shared QNAM and its thread may keep one or two).
    QTRY_VERIFY_WITH_TIMEOUT(openFileDescriptors() <= fdsBefore + 2, Timeout);
    qInfo("file descriptors: %d before, %d after", fdsBefore, openFileDescriptors());
}

QTEST_MAIN(tst_HostileConnect)
#include "tst_hostile_connect.moc"
