// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECLIENTTEST_H
#define SSECLIENTTEST_H

// What the SseClient tests share. They run SseClient against the in-process SseTestServer: the
// connection policy, one line at a time. Delays are asserted on the values the client schedules
// (reconnectScheduled), never on the wall clock; waits are QSignalSpy::wait / QTRY_* with
// generous timeouts. The client+server fixture, the spy argument lists, the signal log and
// configure() are tests/shared's (QtSseTestSupport).
#include "sseclientfixture.h"
#include "ssesignallog.h"
#include "ssespyargs.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qstringlist.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <utility>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using Request = SseTestServer::Request;
using Headers = QList<std::pair<QByteArray, QByteArray>>;
using StateList = QList<SseClient::State>;

constexpr int Timeout = 10000; // generous: the suite must pass on a loaded machine
// How long "nothing more happens" is watched; longer than any retry delay the tests schedule.
constexpr int Quiet = 200;

#define TRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, Timeout)
#define TRY_VERIFY(expr) QTRY_VERIFY_WITH_TIMEOUT(expr, Timeout)

// How many times the request carries the header name (case-insensitively).
int headerCount(const Request &request, QByteArrayView name);

// The Last-Event-ID headers the server saw, in order (requests without one left out).
QList<QByteArray> lastEventIds(const SseTestServer &server);

// A stream that ends cleanly (chunked, with the final chunk). Not close-delimited: after a
// close-delimited response, Qt 6.4.2's QNetworkAccessManager re-sends a GET by itself about one
// time in four (a "ghost" request on a new connection, nobody reads its reply), which would
// take a queued response meant for the client's own reconnect.
Response endingStream(const QByteArray &body);

#endif // SSECLIENTTEST_H
