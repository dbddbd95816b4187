// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_DEMOSEQUENCE_H
#define DEMO_DEMOSEQUENCE_H

#include <QtCore/qbytearray.h>
#include <QtCore/qglobal.h>

// The main stream as a pure function of the event id, so that any client can be checked
// against it: event n always has the same type and data, and a client resuming after id k
// simply gets k+1, k+2... Ids start at 1 and have no gaps.
//
// Time is cut into steps of StepMs; a cycle of StepsPerCycle steps (one second) holds
//   10 "tick"   events (every 100 ms): data is the tick number;
//    4 "price"  events (every 250 ms): JSON {"symbol","price","change","seq"};
//    2 "metric" events (every 500 ms): JSON {"host","cpu","memoryMb","requestsPerSec"};
//    1 "log"    event  (every second): a multi-line log record (2 to 4 data lines);
// and every HeartbeatSteps steps (two seconds) the stream writes a ": heartbeat" comment.
namespace DemoSequence {

constexpr int StepMs = 50;
constexpr int StepsPerCycle = 20;
constexpr int HeartbeatSteps = 40;

int eventsPerCycle(); // 17

// The step (counted from the start of the stream, 0-based) at which event id is sent.
qint64 stepOf(qint64 id);
// The first id sent at or after the given step.
qint64 firstIdAtOrAfter(qint64 step);
bool isHeartbeatStep(qint64 step);

QByteArray eventType(qint64 id);
QByteArray eventData(qint64 id); // may hold '\n' (log records)
// The whole block as written on the wire: "id: n\nevent: type\ndata: ...\n\n".
QByteArray eventBlock(qint64 id);

} // namespace DemoSequence

#endif // DEMO_DEMOSEQUENCE_H
