// SPDX-License-Identifier: BSD-3-Clause
// SseConnectionPool's public face: the process-wide settings and this thread's counts.
#include "sseconnectionpool.h"
#include "sseconnectionpool_p.h"

namespace QtSsePrivate {
PoolSettings poolSettings; // constant-initialised: no start-up order to worry about
} // namespace QtSsePrivate

using QtSsePrivate::ConnectionPool;

/*!
    \class SseConnectionPool
    \inmodule QtSse
    \inheaderfile QtSse/SseConnectionPool
    \brief How SseClients without an application-supplied QNetworkAccessManager share
    connections.

    Qt 6.4's QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host and silently
    queues further requests until one ends: a 7th stream would wait forever. SseClient
    therefore takes a slot in its thread's pool: managers are created on demand, each carrying
    at most 6 HTTP/1.1 streams or maxHttp2Streams() HTTP/2 streams per origin, and deleted
    once they carry none. Each manager runs one Qt network thread, so threads stay at about
    streams / 6 on HTTP/1.1 and streams / maxHttp2Streams() on HTTP/2. When maxManagers() is
    reached, further streams wait for a free slot, visibly (SseClient::waitingForConnection),
    first come first served. Streams of an application-supplied manager are counted the same
    way and wait likewise instead of queuing silently inside Qt.

    The settings are process-wide; the counts are those of the calling thread's pool. There is
    nothing to construct: all functions are static.

    \snippet manystreams.cpp pool

    \sa {Many streams: the connection pool and HTTP/2}
*/

/*!
    \fn SseConnectionPool::SseConnectionPool()
    Deleted: the pool is used through its static functions.
*/

/*!
    Returns how many streams one HTTP/2 connection carries at most (100 by default, the least
    RFC 9113 advises servers to allow; nginx allows 128).

    A server that allows fewer is learned per origin: Qt 6.4 does not expose
    SETTINGS_MAX_CONCURRENT_STREAMS, but streams beyond it are refused by the server
    (RST_STREAM REFUSED_STREAM) or held back by Qt without a word (no request sent within a
    second while other streams of the connection were). Either way the pool then carries at
    most as many streams per connection as the server took, and the stream goes to another
    connection at once (or waits visibly at maxManagers()), as no failure. The pool forgets it
    once it carries no stream to that origin.
*/
int SseConnectionPool::maxHttp2Streams()
{
    return QtSsePrivate::poolSettings.maxHttp2Streams.load();
}
/*!
    Sets how many \a streams one HTTP/2 connection carries at most (at least 1).
*/
void SseConnectionPool::setMaxHttp2Streams(int streams)
{
    QtSsePrivate::poolSettings.maxHttp2Streams.store(qMax(1, streams));
}
/*!
    Returns how many managers (network threads) one thread's pool creates at most (4096 by
    default).
*/
int SseConnectionPool::maxManagers()
{
    return QtSsePrivate::poolSettings.maxManagers.load();
}
/*!
    Sets how many \a managers one thread's pool creates at most (at least 1).
*/
void SseConnectionPool::setMaxManagers(int managers)
{
    QtSsePrivate::poolSettings.maxManagers.store(qMax(1, managers));
}
namespace {
int inThisThread(int (ConnectionPool::*count)() const) // 0 while the thread has no pool
{
    const ConnectionPool *pool = ConnectionPool::forCurrentThread(false);
    return pool ? (pool->*count)() : 0;
}
} // namespace

/*!
    Returns the calling thread's pool managers alive now.
*/
int SseConnectionPool::managerCount()
{
    return inThisThread(&ConnectionPool::managerCount);
}
/*!
    Returns the slots taken in the calling thread, by pooled and application managers.
*/
int SseConnectionPool::streamCount()
{
    return inThisThread(&ConnectionPool::streamCount);
}
/*!
    Returns the streams waiting for a slot in the calling thread.
*/
int SseConnectionPool::waitingCount()
{
    return inThisThread(&ConnectionPool::waitingCount);
}
