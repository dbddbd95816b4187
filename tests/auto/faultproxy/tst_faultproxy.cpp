// SPDX-License-Identifier: BSD-3-Clause
// FaultProxy against the in-process SseTestServer: exact cuts (FIN or RST), cuts inside a UTF-8
// sequence, what SseClient gets through them, and cuts that are the same for the same seed.
#include "faultproxytest.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <algorithm>

class tst_FaultProxy : public FaultProxyTest
{
    Q_OBJECT
private Q_SLOTS:
    void init() { startServerAndProxy(); }
    void cleanup() { stopServerAndProxy(); }
    void cutAfterBytes_data();
    void cutAfterBytes();
    void closeOrReset_data();
    void closeOrReset();
    void cutInsideUtf8Sequence();
    void clientGetsNoPartialEvent();
    void sameSeedSameCuts_data();
    void sameSeedSameCuts();
};

void tst_FaultProxy::cutAfterBytes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::newRow("0 (before the head)") << qint64(0);
    QTest::newRow("1") << qint64(1);
    QTest::newRow("inside the head") << qint64(40);
    QTest::newRow("inside the body") << qint64(300);
    QTest::newRow("one before the end") << qint64(-1); // the head and body, less one byte
}

void tst_FaultProxy::cutAfterBytes()
{
    QFETCH(qint64, bytes);
    if (bytes < 0)
        bytes = probe(1000).size() - 1; // the head + 1000 bytes of body
    proxy->setCutAfterBytes(bytes);
    const int first = proxy->connectionCount();
    QSignalSpy cutSpy(proxy.get(), &FaultProxy::connectionCut);
    RawClient client(proxy->port());
    TRY_VERIFY(client.done);
    QCOMPARE(client.received, wire(first).left(bytes));
    QCOMPARE(proxy->cutCount(), 1);
    QCOMPARE(proxy->cutOffsets(), QList<qint64> {bytes});
    QCOMPARE(cutSpy.size(), 1);
    QCOMPARE(cutSpy.at(0).at(0).toInt(), first);
    QCOMPARE(cutSpy.at(0).at(1).toLongLong(), bytes);
    TRY_COMPARE(proxy->openConnections(), 0);
    TRY_COMPARE(server->openConnections(), 0); // the upstream side is closed too
}

void tst_FaultProxy::closeOrReset_data()
{
    QTest::addColumn<CutMode>("mode");
    QTest::newRow("close: FIN") << CutMode::Close;
    QTest::newRow("reset: RST") << CutMode::Reset;
}

void tst_FaultProxy::closeOrReset()
{
    QFETCH(CutMode, mode);
    proxy->setCutMode(mode);
    proxy->setCutAfterBytes(200);
    PosixClient client(proxy->port());
    TRY_COMPARE(proxy->connectionCount(), 1); // connected
    QVERIFY(client.send("GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    TRY_VERIFY(client.end != PosixClient::Open);
    QCOMPARE(proxy->cutCount(), 1);
    if (mode == CutMode::Close) {
        QCOMPARE(client.end, 0);
        QCOMPARE(client.received, wire().left(200)); // exact
    } else {
        QCOMPARE(client.end, ECONNRESET);
        QVERIFY(client.received.size() <= 200); // an RST may drop bytes still in flight
        QCOMPARE(client.received, wire().left(client.received.size()));
    }
}

// The cut lands between the bytes of one multi-byte character of an event's data.
void tst_FaultProxy::cutInsideUtf8Sequence()
{
    const QByteArray uncut = probe(1000); // connection 0, to find the euro sign (E2 82 AC)
    const qsizetype euro = uncut.indexOf("\xE2\x82\xAC");
    QVERIFY(euro > 0);
    proxy->setCutAfterBytes(euro + 2); // its first two bytes
    RawClient client(proxy->port());
    TRY_VERIFY(client.done);
    QCOMPARE(client.received, uncut.left(euro + 2));
    QVERIFY(client.received.endsWith("\xE2\x82"));
    QVERIFY(!client.received.endsWith("\n\n")); // inside an event, too
}

// SseClient through the proxy: an event cut inside a UTF-8 sequence is not delivered; after the
// reconnect (Last-Event-ID: 1) it comes whole.
void tst_FaultProxy::clientGetsNoPartialEvent()
{
    const QByteArray second = "id: 2\ndata: caf\xC3\xA9 \xE2\x82\xAC\n\n";
    server->setHandler([&](const SseTestServer::Request &request) {
        Response response = Response::sse().chunked();
        if (!request.hasHeader("Last-Event-ID"))
            response.send("id: 1\ndata: a\n\n");
        return response.send(second).holdOpen();
    });
    probe(1); // connection 0: the first response, uncut
    TRY_VERIFY(wire(0).contains("\xE2\x82\xAC"));
    proxy->setCutAfterBytes(wire(0).indexOf("\xE2\x82\xAC") + 1);
    connect(proxy.get(), &FaultProxy::connectionAccepted, this, [this] { proxy->clearCut(); });

    SseClient client(proxy->url(u"/events"_s));
    client.setReconnectionTime(20);
    QSignalSpy events(&client, &SseClient::eventReceived);
    client.open();
    TRY_COMPARE(events.size(), 2);
    QCOMPARE(proxy->cutCount(), 1);
    QCOMPARE(events.at(0).at(0).value<SseEvent>().data(), u"a"_s);
    QCOMPARE(events.at(1).at(0).value<SseEvent>().data(), u"caf\u00e9 \u20ac"_s);
    QCOMPARE(server->requests().last().header("Last-Event-ID"), QByteArray("1"));
    client.close();
    QCOMPARE(events.size(), 2);
}

void tst_FaultProxy::sameSeedSameCuts_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::newRow("1") << quint64(1);
    QTest::newRow("2^40+7") << ((quint64(1) << 40) + 7);
}

void tst_FaultProxy::sameSeedSameCuts()
{
    QFETCH(quint64, seed);
    constexpr int Connections = 6;
    QList<qint64> runs[2];
    for (QList<qint64> &run : runs) {
        cleanup();
        init();
        proxy->setSeed(seed);
        proxy->setCutRandomly(1, 1000);
        for (int i = 0; i < Connections; ++i) {
            RawClient client(proxy->port());
            TRY_VERIFY(client.done);
            QCOMPARE(client.received.size(), proxy->cutOffsetFor(i));
        }
        run = proxy->cutOffsets();
    }
    QCOMPARE(runs[0].size(), Connections);
    QCOMPARE(runs[0], runs[1]);
    QVERIFY(std::any_of(runs[0].cbegin(), runs[0].cend(),
                        [&](qint64 o) { return o != runs[0][0]; }));
    proxy->setSeed(seed + 1);
    QList<qint64> other;
    for (int i = 0; i < Connections; ++i)
        other.append(proxy->cutOffsetFor(i));
    QVERIFY(other != runs[0]);
}

QTEST_GUILESS_MAIN(tst_FaultProxy)
#include "tst_faultproxy.moc"
