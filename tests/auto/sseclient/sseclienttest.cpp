// SPDX-License-Identifier: BSD-3-Clause
#include "sseclienttest.h"

QList<SseEvent> eventsOf(const QSignalSpy &spy)
{
    QList<SseEvent> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseEvent>());
    return out;
}

QStringList dataOf(const QSignalSpy &spy)
{
    QStringList out;
    for (const SseEvent &event : eventsOf(spy))
        out.append(event.data());
    return out;
}

QList<int> argsOf(const QSignalSpy &spy, int index)
{
    QList<int> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(index).toInt());
    return out;
}

StateList statesOf(const QSignalSpy &spy)
{
    StateList out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseClient::State>());
    return out;
}

QList<SseClient::Error> errorsOf(const QSignalSpy &spy)
{
    QList<SseClient::Error> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseClient::Error>());
    return out;
}

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

void configure(SseClient &client, const QUrl &url)
{
    client.setUrl(url);
    client.setReconnectionTime(50);
    client.setJitterEnabled(false);
}

Response endingStream(const QByteArray &body)
{
    return Response::sse().chunked().send(body);
}
