// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECLIENTFIXTURE_H
#define SSECLIENTFIXTURE_H

// An SseClient against the in-process SseTestServer, as the client tests set it up.
#include "ssetestserver.h"

#include <QtSse/SseClient>

#include <QtCore/qstring.h>
#include <QtCore/qurl.h>
#include <QtTest/qsignalspy.h>

// The common client setup: the URL, reconnectionTime 50 ms and no jitter, so that the scheduled
// delays are short and exact.
void configure(SseClient &client, const QUrl &url);

// A server listening on 127.0.0.1 (port 0), a client configured for it (configure()) and a spy
// on each signal the tests assert on, spying from construction on. The members are public: a
// test works with them directly.
//
// Not for a test that receives a great many events (eventSpy keeps each one), nor for one whose
// own slots must run before a spy records (the spies are connected first).
class SseClientFixture
{
public:
    SseClientFixture() = default;
    Q_DISABLE_COPY_MOVE(SseClientFixture)

    // Listens, and configures the client for path on this server.
    [[nodiscard]] bool start(const QString &path = QStringLiteral("/events"));
    // The first request is answered with first; every later one finds a stream held open, so
    // that a reconnect shows as a second request and does not fail in turn.
    void answerFirstThenHold(const SseTestServer::Response &first);

    SseTestServer server;
    SseClient client; // destroyed before the server
    QSignalSpy openedSpy {&client, &SseClient::opened};
    QSignalSpy eventSpy {&client, &SseClient::eventReceived};
    QSignalSpy errorSpy {&client, &SseClient::errorOccurred};
    QSignalSpy stateSpy {&client, &SseClient::stateChanged};
    QSignalSpy scheduledSpy {&client, &SseClient::reconnectScheduled};
    QSignalSpy closedSpy {&client, &SseClient::closed};
    QSignalSpy requestSpy {&server, &SseTestServer::requestReceived};
};

#endif // SSECLIENTFIXTURE_H
