// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECONNECTIONPOOL_P_H
#define SSECONNECTIONPOOL_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include <QtSse/qtsse_export.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkCookieJar;
QT_END_NAMESPACE

namespace QtSsePrivate {

class ConnectionPool;
struct Carrier;

// SseConnectionPool's process-wide settings (sseconnectionpoolsettings.cpp).
struct PoolSettings
{
    std::atomic<int> maxHttp2Streams {100};
    std::atomic<int> maxManagers {4096};
};
extern PoolSettings poolSettings;

// What decides which streams may share a QNetworkAccessManager: the origin, the protocol mode and
// the TLS settings (Qt 6.4 keys its connection cache by origin only, so a stream that trusts an
// extra CA, or ignores certificate errors, must not ride on a connection verified differently).
struct PoolKey
{
    QByteArray origin; // scheme://host:port
    int protocol = 0; // SseClient::HttpProtocol
    QByteArray tlsProfile; // empty: Qt's default verification
    QNetworkAccessManager *userManager = nullptr; // the application's own, or null: pooled
    bool http2Direct() const;
    bool operator==(const PoolKey &other) const;
};

// One stream's claim on a connection slot. Owned by the stream; released by release() or its
// destructor. While queued(), granted() comes later, by a queued call in the owner's thread.
class QTSSE_EXPORT PoolLease
{
public:
    PoolLease(QObject *owner, std::function<void()> granted);
    ~PoolLease();
    Q_DISABLE_COPY_MOVE(PoolLease)

    // true: manager() carries the request now; false: queued (waiting for a free slot).
    bool acquire(const PoolKey &key);
    void release();
    void setHttp2Used(bool used); // what the response said: raises or lowers the slot count
    // Qt wrote the request (QNetworkReply::requestSent()): it is not queued inside Qt.
    void setRequestSent();
    bool isRequestSent() const { return m_sent; }
    // The stream is beyond the HTTP/2 server's concurrent-stream limit: refused by the server,
    // or not sent by Qt while other streams of its connection were. When other streams of the
    // connection were sent, the pool learns the limit from their count, moves the lease to a
    // connection with room (or queues it: isQueued()) and returns true: the owner sends again.
    // False: nothing tells that the limit is to blame (the owner treats it as any failure).
    // refused: the server refused it (RST_STREAM REFUSED_STREAM, which only HTTP/2 has).
    bool moveBeyondStreamLimit(bool refused);
    QNetworkAccessManager *manager() const;
    bool isQueued() const { return m_queued; }

private:
    friend class ConnectionPool;
    QObject *m_owner;
    std::function<void()> m_granted;
    QPointer<ConnectionPool> m_pool;
    Carrier *m_carrier = nullptr;
    PoolKey m_key;
    bool m_queued = false;
    bool m_sent = false;
};

// The connections of one thread's SseClients: QNetworkAccessManagers created on demand, each
// carrying at most its protocol's number of streams, deleted once they carry none.
class ConnectionPool : public QObject
{
    Q_OBJECT
public:
    static ConnectionPool *forCurrentThread(bool create);
    ~ConnectionPool() override;

    int managerCount() const; // the pool's own managers (not the application's)
    int streamCount() const;
    int waitingCount() const { return int(m_waiting.size()); }

private:
    friend class PoolLease;
    ConnectionPool();
    bool acquire(PoolLease *lease);
    void release(PoolLease *lease);
    void setHttp2Used(PoolLease *lease, bool used);
    bool moveBeyondStreamLimit(PoolLease *lease, bool refused);
    Carrier *carrierWithRoom(const PoolKey &key);
    void grant(PoolLease *lease, Carrier *carrier);
    void pump(); // grants queued leases what is free now
    void scheduleSweep();
    void sweep(); // deletes the managers that carry nothing; the pool goes once empty

    std::vector<std::unique_ptr<Carrier>> m_carriers;
    QList<PoolLease *> m_waiting; // first come, first served
    QNetworkCookieJar *m_cookieJar = nullptr;
    bool m_sweepPending = false;
};

} // namespace QtSsePrivate

#endif // SSECONNECTIONPOOL_P_H
