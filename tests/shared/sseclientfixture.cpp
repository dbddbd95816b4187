// SPDX-License-Identifier: BSD-3-Clause
#include "sseclientfixture.h"

void configure(SseClient &client, const QUrl &url)
{
    client.setUrl(url);
    client.setReconnectionTime(50);
    client.setJitterEnabled(false);
}

bool SseClientFixture::start(const QString &path)
{
    if (!server.listen())
        return false;
    configure(client, server.url(path));
    return true;
}

void SseClientFixture::answerFirstThenHold(const SseTestServer::Response &first)
{
    server.enqueue(first);
    server.setHandler([](const SseTestServer::Request &) {
        return SseTestServer::Response::sse().holdOpen();
    });
}
