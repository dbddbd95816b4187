// SPDX-License-Identifier: BSD-3-Clause
// The per-thread pool of QNetworkAccessManagers that SseClients share (see sseconnectionpool.h).
#include "sseconnectionpool.h"
#include "sseconnectionpool_p.h"

#include "sseclient.h"
#include "ssereplyscope_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkcookiejar.h>

#include <algorithm>
#include <utility>

Q_DECLARE_LOGGING_CATEGORY(lcSseConnection)

namespace {
// Qt 6.4: QHttpNetworkConnection's channel count per host (not configurable before Qt 6.5).
constexpr int Http1StreamsPerManager = 6;
thread_local QtSsePrivate::ConnectionPool *t_pool = nullptr;
} // namespace

namespace QtSsePrivate {

struct Carrier
{
    PoolKey key;
    QPointer<QNetworkAccessManager> manager;
    bool owned = false;
    int streams = 0;
    int sent = 0; // of those, the ones Qt has written (not queued inside Qt)
    int http2 = -1; // unknown until a response tells; then 0 or 1
    // The server's SETTINGS_MAX_CONCURRENT_STREAMS as far as the pool has seen it: Qt 6.4 keeps
    // it to itself and queues streams beyond it without a signal (0: nothing seen yet).
    int http2Limit = 0;
    bool isHttp2() const { return key.http2Direct() || http2 == 1; }
    int capacity() const
    {
        if (!isHttp2())
            return Http1StreamsPerManager;
        const int configured = poolSettings.maxHttp2Streams.load();
        return http2Limit > 0 ? qMin(http2Limit, configured) : configured;
    }
};

bool PoolKey::http2Direct() const
{
    return protocol == SseClient::Http2PriorKnowledge;
}

bool PoolKey::operator==(const PoolKey &other) const
{
    return origin == other.origin && protocol == other.protocol && tlsProfile == other.tlsProfile
            && userManager == other.userManager;
}

PoolLease::PoolLease(QObject *owner, std::function<void()> granted)
    : m_owner(owner), m_granted(std::move(granted))
{
}

PoolLease::~PoolLease()
{
    release();
}

bool PoolLease::acquire(const PoolKey &key)
{
    if (m_pool && (m_carrier || m_queued) && m_key == key)
        return m_carrier != nullptr; // keep the slot, or the place in the queue
    release();
    m_key = key;
    m_pool = ConnectionPool::forCurrentThread(true);
    return m_pool->acquire(this);
}

void PoolLease::release()
{
    if (ConnectionPool *pool = std::exchange(m_pool, nullptr))
        pool->release(this);
    m_carrier = nullptr;
    m_queued = false;
}

void PoolLease::setHttp2Used(bool used)
{
    if (m_pool && m_carrier)
        m_pool->setHttp2Used(this, used);
}

void PoolLease::setRequestSent()
{
    if (m_pool && m_carrier && !std::exchange(m_sent, true))
        ++m_carrier->sent;
}

bool PoolLease::moveBeyondStreamLimit(bool refused)
{
    return m_pool && m_carrier && m_pool->moveBeyondStreamLimit(this, refused);
}

QNetworkAccessManager *PoolLease::manager() const
{
    return m_pool && m_carrier ? m_carrier->manager.data() : nullptr; // the pool may be gone
}

ConnectionPool *ConnectionPool::forCurrentThread(bool create)
{
    if (!t_pool && create) {
        t_pool = new ConnectionPool;
        // A worker thread's event loop may end before the pool's deferred clean-up ran: its
        // managers (and their network threads) go with the thread. The main thread's pool goes
        // when its last stream does.
        QThread *thread = QThread::currentThread();
        const QCoreApplication *app = QCoreApplication::instance();
        if (app && thread != app->thread()) {
            ConnectionPool *pool = t_pool;
            QObject::connect(
                    thread, &QThread::finished, pool, [pool] { delete pool; },
                    Qt::DirectConnection);
        }
    }
    return t_pool;
}

ConnectionPool::ConnectionPool() = default;

ConnectionPool::~ConnectionPool()
{
    if (t_pool == this)
        t_pool = nullptr;
    // The managers and the cookie jar are our children.
}

int ConnectionPool::managerCount() const
{
    return int(std::count_if(m_carriers.cbegin(), m_carriers.cend(),
                             [](const auto &c) { return c->owned; }));
}

int ConnectionPool::streamCount() const
{
    int streams = 0;
    for (const auto &carrier : m_carriers)
        streams += carrier->streams;
    return streams;
}

Carrier *ConnectionPool::carrierWithRoom(const PoolKey &key)
{
    bool known = false; // a carrier of this key exists (all full)
    int http2 = -1; // what this origin answered, if it did
    int http2Limit = 0;
    for (const auto &carrier : m_carriers) {
        if (!(carrier->key == key))
            continue;
        if (carrier->streams < carrier->capacity() && (carrier->manager || !carrier->owned))
            return carrier.get();
        known = true;
        if (carrier->http2 != -1)
            http2 = carrier->http2;
        http2Limit = carrier->http2Limit;
    }
    if (key.userManager ? known : managerCount() >= poolSettings.maxManagers.load())
        return nullptr; // the application's manager is full, or the pool: wait
    auto carrier = std::make_unique<Carrier>();
    carrier->key = key;
    // A stream's protocol is learned per origin: a new manager for an origin that answered
    // HTTP/2 starts with HTTP/2's slot count.
    carrier->http2 = http2;
    carrier->http2Limit = http2Limit;
    if (key.userManager) {
        carrier->manager = key.userManager;
    } else {
        carrier->owned = true;
        carrier->manager = new QNetworkAccessManager(this);
        // Like a browser's EventSources, the pool's streams share one cookie jar per thread.
        if (!m_cookieJar)
            m_cookieJar = new QNetworkCookieJar(this);
        carrier->manager->setCookieJar(m_cookieJar);
        // setCookieJar() took it: the managers come and go, the jar stays.
        m_cookieJar->setParent(this);
        qCDebug(lcSseConnection) << "pool: new manager for" << key.origin << "now"
                                 << managerCount() + 1;
    }
    m_carriers.push_back(std::move(carrier));
    return m_carriers.back().get();
}

bool ConnectionPool::acquire(PoolLease *lease)
{
    // Nobody overtakes the queue: a slot that frees up goes to the longest waiting stream.
    const bool queueAhead = std::any_of(m_waiting.cbegin(), m_waiting.cend(),
                                        [lease](PoolLease *w) { return w->m_key == lease->m_key; });
    if (!queueAhead) {
        if (Carrier *carrier = carrierWithRoom(lease->m_key)) {
            ++carrier->streams;
            lease->m_carrier = carrier;
            return true;
        }
    }
    lease->m_queued = true;
    m_waiting.append(lease);
    qCDebug(lcSseConnection) << "pool: waiting for a connection to" << lease->m_key.origin
                             << "waiting:" << m_waiting.size();
    return false;
}

void ConnectionPool::release(PoolLease *lease)
{
    if (lease->m_queued) {
        m_waiting.removeOne(lease);
    } else if (Carrier *carrier = lease->m_carrier) {
        --carrier->streams;
        if (lease->m_sent)
            --carrier->sent;
        if (carrier->streams == 0)
            scheduleSweep();
    }
    lease->m_carrier = nullptr;
    lease->m_queued = false;
    lease->m_sent = false;
    if (!m_waiting.isEmpty())
        pump(); // (an idle carrier has its sweep scheduled above)
}

void ConnectionPool::setHttp2Used(PoolLease *lease, bool used)
{
    Carrier *carrier = lease->m_carrier;
    if (carrier->key.http2Direct() || carrier->http2 == int(used))
        return;
    carrier->http2 = int(used);
    qCDebug(lcSseConnection) << "pool:" << carrier->key.origin << (used ? "HTTP/2" : "HTTP/1.1")
                             << "slots per manager:" << carrier->capacity();
    if (used)
        pump();
}

bool ConnectionPool::moveBeyondStreamLimit(PoolLease *lease, bool refused)
{
    Carrier *const carrier = lease->m_carrier;
    if (refused)
        setHttp2Used(lease, true); // only HTTP/2 refuses streams: ALPN chose it, said no response
    // The streams of its connection that Qt did write: the server takes at least that many.
    // None: the connection itself is not up, or the server takes nothing at all; that is a
    // failure for the backoff, not a limit to learn (a refusing server must not get a busy
    // loop of moves).
    const int others = carrier->sent - (lease->m_sent ? 1 : 0);
    if (!carrier->isHttp2() || others <= 0)
        return false;
    // Several refusals of one burst arrive one by one, each counting the others still
    // pending as sent: the lowest count is the limit.
    if (carrier->http2Limit == 0 || others < carrier->http2Limit) {
        for (const auto &c : m_carriers) {
            if (c->key == carrier->key)
                c->http2Limit = others;
        }
        qCDebug(lcSseConnection) << "pool:" << carrier->key.origin << "takes at most" << others
                                 << "streams per HTTP/2 connection";
    }
    release(lease);
    acquire(lease); // a connection with room, or the queue: granted() then comes later
    return true;
}

void ConnectionPool::pump()
{
    // Grants in order of arrival; a lease whose origin has no room keeps its place, and later
    // leases of other origins may still go.
    QList<PoolLease *> granted;
    for (PoolLease *lease : std::as_const(m_waiting)) {
        Carrier *carrier = carrierWithRoom(lease->m_key);
        if (!carrier)
            continue;
        ++carrier->streams;
        lease->m_carrier = carrier;
        lease->m_queued = false;
        granted.append(lease);
    }
    for (PoolLease *lease : std::as_const(granted)) {
        m_waiting.removeOne(lease);
        // Later, from the event loop: the stream that released its slot may be in the middle
        // of a signal, and the granted one's owner must not run inside it.
        QMetaObject::invokeMethod(lease->m_owner, lease->m_granted, Qt::QueuedConnection);
    }
}

void ConnectionPool::scheduleSweep()
{
    if (std::exchange(m_sweepPending, true))
        return;
    // At the next turn of the event loop: a stream that reconnects at once (a redirect, a
    // reconnectNow()) finds its manager, and its kept-alive connection, still there.
    QMetaObject::invokeMethod(
            this, [this] { sweep(); }, Qt::QueuedConnection);
}

void ConnectionPool::sweep()
{
    m_sweepPending = false;
    const auto idle = [](const std::unique_ptr<Carrier> &c) { return c->streams == 0; };
    for (const auto &carrier : m_carriers) {
        // Later: one of its replies may still be inside a signal on the stack, also below a
        // slot's nested event loop (ssereplyscope_p.h).
        if (idle(carrier) && carrier->owned && carrier->manager)
            ReplySignalScope::deleteLater(carrier->manager);
    }
    m_carriers.erase(std::remove_if(m_carriers.begin(), m_carriers.end(), idle), m_carriers.end());
    if (!m_waiting.isEmpty())
        pump(); // room under maxManagers again
    if (m_carriers.empty() && m_waiting.isEmpty()) {
        if (t_pool == this)
            t_pool = nullptr;
        ReplySignalScope::deleteLater(this); // the managers above are its children
    }
}

} // namespace QtSsePrivate
