// SPDX-License-Identifier: BSD-3-Clause
#include "ssespyargs.h"

QList<SseEvent> eventsOf(const QSignalSpy &eventSpy)
{
    QList<SseEvent> out;
    for (const QList<QVariant> &args : eventSpy)
        out.append(args.at(0).value<SseEvent>());
    return out;
}

QStringList dataOf(const QSignalSpy &eventSpy)
{
    QStringList out;
    for (const QList<QVariant> &args : eventSpy)
        out.append(args.at(0).value<SseEvent>().data());
    return out;
}

QList<int> argsOf(const QSignalSpy &spy, int index)
{
    QList<int> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(index).toInt());
    return out;
}

QList<SseClient::State> statesOf(const QSignalSpy &stateSpy)
{
    QList<SseClient::State> out;
    for (const QList<QVariant> &args : stateSpy)
        out.append(args.at(0).value<SseClient::State>());
    return out;
}

QList<SseClient::Error> errorsOf(const QSignalSpy &errorSpy)
{
    QList<SseClient::Error> out;
    for (const QList<QVariant> &args : errorSpy)
        out.append(args.at(0).value<SseClient::Error>());
    return out;
}
