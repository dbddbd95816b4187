// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECONNECTIONPOOL_H
#define SSECONNECTIONPOOL_H

#include <QtSse/qtsse_export.h>

// How SseClients without an application-supplied QNetworkAccessManager share connections.
//
// Qt 6.4's QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host and silently
// queues further requests until one ends: a 7th stream would wait forever. SseClient therefore
// takes a slot in its thread's pool: managers are created on demand, each carrying at most 6
// HTTP/1.1 streams or maxHttp2Streams() HTTP/2 streams per origin, and deleted once they carry
// none. Each manager runs one Qt network thread, so threads stay at about streams / 6 on
// HTTP/1.1 and streams / maxHttp2Streams() on HTTP/2. When maxManagers() is reached, further
// streams wait for a free slot, visibly: SseClient::isWaitingForConnection(), first come first
// served. Streams of an application-supplied manager are counted the same way (6 or
// maxHttp2Streams() per origin) and wait likewise instead of queuing silently inside Qt.
//
// The settings are process-wide; the counts are those of the calling thread's pool.
class QTSSE_EXPORT SseConnectionPool
{
public:
    // Streams one HTTP/2 connection carries at most (default 100, the least RFC 9113 advises
    // servers to allow; nginx allows 128). A server that allows fewer is learned per origin:
    // Qt 6.4 does not expose SETTINGS_MAX_CONCURRENT_STREAMS, but streams beyond it are refused
    // by the server (RST_STREAM REFUSED_STREAM) or held back by Qt without a word (no
    // requestSent() within a second while other streams of the connection were sent). Either
    // way the pool then carries at most as many streams per connection as the server took, and
    // the stream goes to another connection at once (or waits visibly at maxManagers()), as no
    // failure. The pool forgets it once it carries no stream to that origin.
    static int maxHttp2Streams();
    static void setMaxHttp2Streams(int streams);

    // Managers (network threads) one thread's pool creates at most (default 4096).
    static int maxManagers();
    static void setMaxManagers(int managers);

    static int managerCount(); // the calling thread's pool managers alive now
    static int streamCount(); // slots taken in the calling thread (own and application managers)
    static int waitingCount(); // streams waiting for a slot in the calling thread

    SseConnectionPool() = delete;
};

#endif // SSECONNECTIONPOOL_H
