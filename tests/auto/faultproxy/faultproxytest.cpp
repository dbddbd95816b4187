// SPDX-License-Identifier: BSD-3-Clause
#include "faultproxytest.h"

QByteArray body()
{
    QByteArray out;
    for (int i = 0; out.size() < 1000; ++i)
        out += "id: " + QByteArray::number(i)
                + "\ndata: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n\n";
    return out.left(1000);
}

void FaultProxyTest::startServerAndProxy()
{
    server = std::make_unique<SseTestServer>();
    QVERIFY(server->listen());
    server->setHandler(
            [](const SseTestServer::Request &) { return Response::sse().send(body()).holdOpen(); });
    proxy = std::make_unique<FaultProxy>();
    proxy->setUpstream(QHostAddress::LocalHost, server->port());
    QVERIFY(proxy->listen());
}

void FaultProxyTest::stopServerAndProxy()
{
    proxy.reset();
    server.reset();
}

QByteArray FaultProxyTest::probe(qsizetype size)
{
    const int connection = server->connectionCount();
    RawClient client(proxy->port());
    if (!QTest::qWaitFor([&] { return client.received.size() >= size; }, Timeout))
        return {}; // the caller's comparisons fail
    client.socket.abort();
    return server->written(connection);
}
