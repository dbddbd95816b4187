// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSESPYARGS_H
#define SSESPYARGS_H

// The arguments of a QSignalSpy's emissions of an SseClient signal, as lists a test compares
// with QCOMPARE: eventsOf(eventSpy), statesOf(stateSpy), argsOf(scheduledSpy, 1) ...
#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qlist.h>
#include <QtCore/qstringlist.h>
#include <QtTest/qsignalspy.h>

// eventReceived(const SseEvent &)
QList<SseEvent> eventsOf(const QSignalSpy &eventSpy);
// The data() of each event of eventReceived.
QStringList dataOf(const QSignalSpy &eventSpy);
// Argument index of every emission, as int (reconnectScheduled(attempt, delayMs): 0 or 1).
QList<int> argsOf(const QSignalSpy &spy, int index);
// stateChanged(SseClient::State)
QList<SseClient::State> statesOf(const QSignalSpy &stateSpy);
// errorOccurred(SseClient::Error)
QList<SseClient::Error> errorsOf(const QSignalSpy &errorSpy);

#endif // SSESPYARGS_H
