// SPDX-License-Identifier: BSD-3-Clause
// SseConnectionPool's public face: the process-wide settings and this thread's counts.
#include "sseconnectionpool.h"
#include "sseconnectionpool_p.h"

namespace QtSsePrivate {
PoolSettings poolSettings; // constant-initialised: no start-up order to worry about
} // namespace QtSsePrivate

using QtSsePrivate::ConnectionPool;

int SseConnectionPool::maxHttp2Streams()
{
    return QtSsePrivate::poolSettings.maxHttp2Streams.load();
}
void SseConnectionPool::setMaxHttp2Streams(int streams)
{
    QtSsePrivate::poolSettings.maxHttp2Streams.store(qMax(1, streams));
}
int SseConnectionPool::maxManagers()
{
    return QtSsePrivate::poolSettings.maxManagers.load();
}
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

int SseConnectionPool::managerCount()
{
    return inThisThread(&ConnectionPool::managerCount);
}
int SseConnectionPool::streamCount()
{
    return inThisThread(&ConnectionPool::streamCount);
}
int SseConnectionPool::waitingCount()
{
    return inThisThread(&ConnectionPool::waitingCount);
}
