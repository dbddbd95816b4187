// SPDX-License-Identifier: BSD-3-Clause
#include "sseclienttest.h"

int headerCount(const Request &request, QByteArrayView name)
{
    int n = 0;
    for (const auto &h : request.headers)
        n += name.compare(h.first, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return n;
}

QList<QByteArray> lastEventIds(const SseTestServer &server)
{
    QList<QByteArray> out;
    for (const Request &r : server.requests()) {
        if (r.hasHeader("Last-Event-ID"))
            out.append(r.header("Last-Event-ID"));
    }
    return out;
}

Response endingStream(const QByteArray &body)
{
    return Response::sse().chunked().send(body);
}
