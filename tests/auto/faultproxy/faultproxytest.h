// SPDX-License-Identifier: BSD-3-Clause
#ifndef FAULTPROXYTEST_H
#define FAULTPROXYTEST_H

// What the FaultProxy tests share: for each test function, an SseTestServer that answers every
// request with body() and holds the connection open, behind a FaultProxy in front of it.
#include "faultproxy.h"
#include "rawclients.h"
#include "ssetestserver.h"

#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using CutMode = FaultProxy::CutMode;
using RefuseMode = FaultProxy::RefuseMode;

constexpr int Timeout = 10000; // generous: the suite must pass on a loaded machine
#define TRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, Timeout)
#define TRY_VERIFY(expr) QTRY_VERIFY_WITH_TIMEOUT(expr, Timeout)

// 1000 bytes of events whose data mixes ASCII with 2-, 3- and 4-byte UTF-8 sequences.
QByteArray body();

// The base of the test classes, whose init() and cleanup() slots call startServerAndProxy()
// and stopServerAndProxy().
class FaultProxyTest : public QObject
{
    Q_OBJECT
protected:
    void startServerAndProxy();
    void stopServerAndProxy();
    QByteArray probe(qsizetype size); // the first `size` bytes a connection gets, uncut
    QByteArray wire(int connection = 0) const { return server->written(connection); }
    std::unique_ptr<SseTestServer> server;
    std::unique_ptr<FaultProxy> proxy;
};

#endif // FAULTPROXYTEST_H
