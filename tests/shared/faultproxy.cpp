// SPDX-License-Identifier: BSD-3-Clause
// FaultProxy: the listening side, the plan, refusal and the counters (the per-connection
// forwarding is in faultproxylink.cpp).
#include "faultproxy.h"

#include "faultproxylink_p.h"

#include <QtCore/qrandom.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#ifdef Q_OS_UNIX
#  include <sys/socket.h>
#endif

FaultProxy::FaultProxy(QObject *parent)
    : QObject(parent), m_server(new QTcpServer(this)), m_refuseTimer(new QTimer(this))
{
    m_refuseTimer->setSingleShot(true);
    connect(m_refuseTimer, &QTimer::timeout, this, &FaultProxy::acceptConnections);
    connect(m_server, &QTcpServer::newConnection, this, &FaultProxy::acceptPending);
}

FaultProxy::~FaultProxy()
{
    const QList<Link *> links = m_links.values();
    m_links.clear();
    qDeleteAll(links); // each aborts its two sockets, silently
}

void FaultProxy::setUpstream(const QHostAddress &address, quint16 port)
{
    m_upstreamAddress = address;
    m_upstreamPort = port;
}

bool FaultProxy::listen()
{
    if (!m_server->listen(QHostAddress::LocalHost, m_port))
        return false;
    m_port = m_server->serverPort();
    return true;
}

quint16 FaultProxy::port() const
{
    return m_port;
}

QUrl FaultProxy::url(const QString &path) const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    const qsizetype query = path.indexOf(u'?');
    url.setPath(query < 0 ? path : path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    return url;
}

void FaultProxy::setSeed(quint64 seed)
{
    m_seed = seed;
}

quint64 FaultProxy::seed() const
{
    return m_seed;
}

void FaultProxy::setCutAfterBytes(qint64 bytes)
{
    m_plan.cutMin = m_plan.cutMax = bytes < 0 ? -1 : bytes;
}

void FaultProxy::setCutRandomly(qint64 minBytes, qint64 maxBytes)
{
    Q_ASSERT(minBytes >= 0 && minBytes <= maxBytes);
    m_plan.cutMin = minBytes;
    m_plan.cutMax = maxBytes;
}

void FaultProxy::clearCut()
{
    m_plan.cutMin = m_plan.cutMax = -1;
}

void FaultProxy::setCutMode(CutMode mode)
{
    m_plan.cutMode = mode;
}

void FaultProxy::setStall(qint64 atByte, int ms)
{
    m_plan.stallAt = atByte;
    m_plan.stallMs = ms;
}

void FaultProxy::setThrottle(int bytesPerWrite, int intervalMs)
{
    m_plan.throttleBytes = qMax(0, bytesPerWrite);
    m_plan.throttleIntervalMs = intervalMs;
}

void FaultProxy::setDelay(int ms)
{
    m_plan.delayMs = qMax(0, ms);
}

qint64 FaultProxy::cutOffsetFor(int index) const
{
    if (m_plan.cutMin < 0)
        return -1;
    if (m_plan.cutMin == m_plan.cutMax)
        return m_plan.cutMin;
    // One generator per connection, seeded with (seed, index): the offsets do not depend on the
    // order or the timing in which connections come.
    const quint32 seeds[] = {quint32(m_seed), quint32(m_seed >> 32), quint32(index)};
    QRandomGenerator generator(seeds);
    return generator.bounded(m_plan.cutMin, m_plan.cutMax + 1);
}

void FaultProxy::refuseConnections(RefuseMode mode, int forMs)
{
    m_refusing = true;
    m_refuseMode = mode;
    if (mode == RefuseMode::StopListening)
        m_server->close(); // connect() now fails with "connection refused"
    if (forMs >= 0)
        m_refuseTimer->start(forMs);
    else
        m_refuseTimer->stop();
}

void FaultProxy::acceptConnections()
{
    m_refuseTimer->stop();
    m_refusing = false;
    if (!m_server->isListening() && m_port != 0) {
        // The same port again (Qt sets SO_REUSEADDR on Unix): the client's URL stays valid.
        if (!m_server->listen(QHostAddress::LocalHost, m_port))
            qWarning("FaultProxy: cannot listen on port %u again: %s", unsigned(m_port),
                     qPrintable(m_server->errorString()));
    }
}

bool FaultProxy::isRefusing() const
{
    return m_refusing;
}

void FaultProxy::cutAllConnections()
{
    const QList<Link *> links = m_links.values();
    for (Link *link : links)
        link->cut();
}

int FaultProxy::connectionCount() const
{
    return m_connectionCount;
}

int FaultProxy::openConnections() const
{
    return int(m_links.size());
}

int FaultProxy::refusedCount() const
{
    return m_refusedCount;
}

int FaultProxy::cutCount() const
{
    return int(m_cutOffsets.size());
}

qint64 FaultProxy::bytesForwarded() const
{
    return m_bytesForwarded;
}

qint64 FaultProxy::writeCount() const
{
    return m_writeCount;
}

qint64 FaultProxy::bytesUpstream() const
{
    return m_bytesUpstream;
}

QList<qint64> FaultProxy::cutOffsets() const
{
    return m_cutOffsets;
}

void FaultProxy::acceptPending()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_refusing) {
            ++m_refusedCount;
#ifdef Q_OS_UNIX
            if (m_refuseMode == RefuseMode::AcceptAndReset) {
                const linger option {1, 0};
                ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &option,
                             sizeof option);
            }
#endif
            socket->readAll(); // unread bytes would turn the close into an RST
            socket->disconnectFromHost();
            socket->deleteLater();
            continue;
        }
        const int index = m_connectionCount++;
        m_links.insert(index, new Link(socket, index, m_plan, cutOffsetFor(index), this));
        Q_EMIT connectionAccepted(index);
    }
}

void FaultProxy::linkCut(int index, qint64 offset)
{
    m_cutOffsets.append(offset);
    Q_EMIT connectionCut(index, offset);
}

void FaultProxy::linkClosed(int index)
{
    Link *link = m_links.take(index);
    if (!link)
        return;
    link->deleteLater();
    Q_EMIT connectionClosed(index);
}
