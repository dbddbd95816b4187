// SPDX-License-Identifier: BSD-3-Clause
// sse-demo-server under strain, through SseClient: fail= (503 with Retry-After), failures and
// drops as command line defaults, rate= flooding with limit=, and many clients, some of which
// go away mid-stream. The server must survive it all (checked in cleanupTestCase()).
#include "demoservertest.h"

#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

class tst_DemoServerStress : public DemoServerTest
{
    Q_OBJECT

private Q_SLOTS:
    void failAnswers503WithRetryAfter();
    void commandLineDefaults();
    void floodRate();
    void manyClientsAndEarlyDisconnects();
};

void tst_DemoServerStress::failAnswers503WithRetryAfter()
{
    SseClient client(url(u"/stream?fail=100"_s));
    client.setReconnectionTime(100); // below the Retry-After, which then sets the delay
    client.setJitterEnabled(false);
    QSignalSpy scheduled(&client, &SseClient::reconnectScheduled);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(!scheduled.isEmpty(), Timeout);
    QCOMPARE(client.error(), SseClient::HttpStatusError);
    QCOMPARE(client.httpStatus(), 503);
    QVERIFY2(client.errorBody().contains("Simulated overload"), client.errorBody().constData());
    QCOMPARE(client.state(), SseClient::Reconnecting);
    QCOMPARE(scheduled.first().at(0).toInt(), 1); // attempt
    QCOMPARE(scheduled.first().at(1).toInt(), 1000); // Retry-After: 1, not the backoff
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 2, Timeout); // and again: fail=100 always fails
    client.close();
}

void tst_DemoServerStress::commandLineDefaults()
{
    QProcess other;
    QUrl otherUrl;
    startServer(&other, {u"--fail-percent"_s, u"100"_s, u"--drop-every"_s, u"1"_s}, &otherUrl);
    if (QTest::currentTestFailed())
        return;

    SseClient failing(otherUrl);
    QSignalSpy scheduled(&failing, &SseClient::reconnectScheduled);
    failing.open();
    QTRY_VERIFY_WITH_TIMEOUT(!scheduled.isEmpty(), Timeout);
    QCOMPARE(failing.httpStatus(), 503);
    failing.close();

    // A query option overrides the command line's default.
    SseClient dropped(otherUrl.resolved(QUrl(u"/stream?fail=0"_s)));
    Recorder rec(&dropped);
    dropped.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.disconnects >= 1, Timeout);
    dropped.close();
    QVERIFY(!rec.events.isEmpty());
    QVERIFY(rec.hasComment(u"drop=1"_s));

    other.kill();
    other.waitForFinished(5000);
}

void tst_DemoServerStress::floodRate()
{
    SseClient client(url(u"/stream?rate=20000&limit=5000"_s));
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.events.size() >= 5000, Timeout);
    // limit= closes cleanly after exactly that many events; the client then reconnects.
    QTRY_VERIFY_WITH_TIMEOUT(rec.disconnects >= 1, Timeout);
    client.close();
    QCOMPARE(rec.events.size(), 5000);
    QVERIFY2(rec.idProblem(1).isEmpty(), qPrintable(rec.idProblem(1)));
    QVERIFY(rec.hasComment(u"limit reached"_s));
}

void tst_DemoServerStress::manyClientsAndEarlyDisconnects()
{
    // Clients that go away mid-stream, some of them flooded: the server must shrug it off.
    for (int i = 0; i < 10; ++i) {
        auto quitter = std::make_unique<SseClient>(url(u"/stream?rate=100000"_s));
        QSignalSpy received(quitter.get(), &SseClient::eventReceived);
        quitter->open();
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), Timeout);
    } // destroyed while open: the connection is aborted

    std::vector<std::unique_ptr<SseClient>> clients;
    std::vector<std::unique_ptr<Recorder>> recorders;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<SseClient>(url(u"/stream?limit=10"_s)));
        recorders.push_back(std::make_unique<Recorder>(clients.back().get()));
        clients.back()->open();
    }
    const auto allDone = [&] {
        for (const auto &rec : recorders) {
            if (rec->events.size() < 10)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(allDone(), Timeout);
    for (const auto &client : clients)
        client->close();
    for (const auto &rec : recorders)
        QVERIFY2(rec->idProblem(1).isEmpty(), qPrintable(rec->idProblem(1)));
    QCOMPARE(m_server.state(), QProcess::Running);
}

QTEST_GUILESS_MAIN(tst_DemoServerStress)
#include "tst_demoserver_stress.moc"
