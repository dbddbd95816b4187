// SPDX-License-Identifier: BSD-3-Clause
// FaultProxy against the in-process SseTestServer, in time: throttling, stalls, latency and
// connections refused for a period.
#include "faultproxytest.h"

#include <algorithm>

class tst_FaultProxyTiming : public FaultProxyTest
{
    Q_OBJECT
private Q_SLOTS:
    void init() { startServerAndProxy(); }
    void cleanup() { stopServerAndProxy(); }
    void throttleSplitsWrites();
    void stallHoldsBytes();
    void delayAddsLatency();
    void refuseForAPeriod_data();
    void refuseForAPeriod();
};

void tst_FaultProxyTiming::throttleSplitsWrites()
{
    proxy->setThrottle(7, 2);
    proxy->setCutAfterBytes(350); // an end to wait for
    RawClient client(proxy->port());
    TRY_VERIFY(client.done);
    QCOMPARE(client.received, wire().left(350));
    QVERIFY(proxy->writeCount() >= 50); // 350 / 7, more where a read from upstream ended
    QVERIFY(client.reads.size() > 1);
    QVERIFY(client.reads.last().first >= 49 * 2); // 2 ms between writes
}

void tst_FaultProxyTiming::stallHoldsBytes()
{
    constexpr int StallMs = 300;
    proxy->setStall(150, StallMs);
    proxy->setCutAfterBytes(400);
    RawClient client(proxy->port());
    qint64 answeredAt = -1; // the server writes everything at once
    connect(server.get(), &SseTestServer::requestReceived, this,
            [&] { answeredAt = client.clock.elapsed(); });
    TRY_VERIFY(client.done);
    QCOMPARE(client.received, wire().left(400));
    // The reads stop at exactly 150 bytes; the next one comes after the stall.
    const auto at = std::find_if(client.reads.cbegin(), client.reads.cend(),
                                 [](const auto &read) { return read.second >= 150; });
    QVERIFY(at != client.reads.cend() && at + 1 != client.reads.cend());
    QCOMPARE(at->second, qsizetype(150));
    QVERIFY(answeredAt >= 0);
    QVERIFY2((at + 1)->first - answeredAt >= StallMs - 1,
             qPrintable(u"%1 ms"_s.arg((at + 1)->first - answeredAt)));
}

void tst_FaultProxyTiming::delayAddsLatency()
{
    constexpr int DelayMs = 200;
    proxy->setDelay(DelayMs);
    proxy->setCutAfterBytes(300);
    RawClient client(proxy->port());
    qint64 answeredAt = -1; // the server answers at once; the first byte comes DelayMs later
    connect(server.get(), &SseTestServer::requestReceived, this,
            [&] { answeredAt = client.clock.elapsed(); });
    TRY_VERIFY(client.done);
    QCOMPARE(client.received, wire().left(300));
    QVERIFY(answeredAt >= 0);
    QVERIFY2(client.reads.first().first - answeredAt >= DelayMs - 2,
             qPrintable(u"%1 ms"_s.arg(client.reads.first().first - answeredAt)));
}

void tst_FaultProxyTiming::refuseForAPeriod_data()
{
    QTest::addColumn<RefuseMode>("mode");
    QTest::addColumn<bool>("timed");
    QTest::newRow("stop listening, 300 ms") << RefuseMode::StopListening << true;
    QTest::newRow("stop listening, until told") << RefuseMode::StopListening << false;
    QTest::newRow("accept and close, 300 ms") << RefuseMode::AcceptAndClose << true;
    QTest::newRow("accept and reset, until told") << RefuseMode::AcceptAndReset << false;
}

void tst_FaultProxyTiming::refuseForAPeriod()
{
    QFETCH(RefuseMode, mode);
    QFETCH(bool, timed);
    proxy->setCutAfterBytes(100);
    proxy->refuseConnections(mode, timed ? 300 : -1);
    QVERIFY(proxy->isRefusing());
    {
        PosixClient refused(proxy->port()); // how the refusal looks: ECONNREFUSED, FIN or RST
        TRY_VERIFY(refused.end != PosixClient::Open);
        const int expected = mode == RefuseMode::StopListening ? ECONNREFUSED
                : mode == RefuseMode::AcceptAndClose           ? 0
                                                               : ECONNRESET;
        QCOMPARE(refused.end, expected);
        QCOMPARE(refused.received, QByteArray());
        QCOMPARE(proxy->refusedCount(), mode == RefuseMode::StopListening ? 0 : 1);
    }
    QCOMPARE(proxy->connectionCount(), 0);
    QCOMPARE(server->requestCount(), 0);
    if (timed)
        TRY_VERIFY(!proxy->isRefusing());
    else
        proxy->acceptConnections();
    RawClient client(proxy->port());
    TRY_VERIFY(client.done);
    QCOMPARE(client.received, wire().left(100));
    QCOMPARE(proxy->connectionCount(), 1);
}

QTEST_GUILESS_MAIN(tst_FaultProxyTiming)
#include "tst_faultproxy_timing.moc"
