// SPDX-License-Identifier: BSD-3-Clause
// FaultProxy::Link: one proxied connection and the downstream fault plan applied to it.
#include "faultproxylink_p.h"

#include <QtNetwork/qtcpsocket.h>

#ifdef Q_OS_UNIX
#  include <sys/socket.h>
#endif

namespace {
constexpr qint64 MaxQueued = 256 * 1024; // read no more from upstream while this much waits
constexpr qint64 MaxUnwritten = 256 * 1024; // the client's socket buffer, before we wait

// An abortive close: SO_LINGER with a zero timeout makes close() send an RST.
void resetOnClose(QTcpSocket *socket)
{
#ifdef Q_OS_UNIX
    const qintptr fd = socket->socketDescriptor();
    if (fd >= 0) {
        const linger option {1, 0};
        ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &option, sizeof option);
    }
#else
    Q_UNUSED(socket);
#endif
}
} // namespace

FaultProxy::Link::Link(QTcpSocket *downstream, int index, const Plan &plan, qint64 cutAt,
                       FaultProxy *proxy)
    : QObject(proxy),
      index(index),
      m_down(downstream),
      m_up(new QTcpSocket(this)),
      m_proxy(proxy),
      m_plan(plan),
      m_cutAt(cutAt)
{
    m_clock.start();
    m_down->setParent(this);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Link::pump);
    connect(m_down, &QTcpSocket::readyRead, this, &Link::forwardToUpstream);
    connect(m_down, &QTcpSocket::disconnected, this, &Link::downstreamGone);
    connect(m_down, &QTcpSocket::bytesWritten, this, &Link::pump);
    m_up->setReadBufferSize(64 * 1024); // TCP backpressure when the client reads slowly
    connect(m_up, &QTcpSocket::connected, this, &Link::upstreamConnected);
    connect(m_up, &QTcpSocket::readyRead, this, [this] {
        takeUpstream();
        pump();
    });
    connect(m_up, &QTcpSocket::disconnected, this, &Link::upstreamEnded);
    connect(m_up, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError || !m_upstreamConnected)
            upstreamEnded(); // refused, reset: the server is gone
    });
    m_up->connectToHost(proxy->m_upstreamAddress, proxy->m_upstreamPort);
}

FaultProxy::Link::~Link()
{
    m_timer.stop();
    disconnect(m_down, nullptr, this, nullptr);
    disconnect(m_up, nullptr, this, nullptr);
    m_up->abort();
    m_down->abort();
}

void FaultProxy::Link::upstreamConnected()
{
    m_upstreamConnected = true;
    forwardToUpstream();
    pump(); // a cut at offset 0 happens now
}

void FaultProxy::Link::forwardToUpstream()
{
    m_toUpstream += m_down->readAll();
    if (!m_upstreamConnected || m_done || m_toUpstream.isEmpty())
        return;
    m_proxy->m_bytesUpstream += m_toUpstream.size();
    m_up->write(std::exchange(m_toUpstream, {}));
}

void FaultProxy::Link::takeUpstream()
{
    while (!m_done && m_queued < MaxQueued && m_up->bytesAvailable() > 0) {
        Piece piece;
        piece.bytes = m_up->read(MaxQueued - m_queued);
        piece.due = clockUs() + m_plan.delayMs * 1000;
        m_queued += piece.bytes.size();
        m_queue.push_back(std::move(piece));
    }
}

void FaultProxy::Link::upstreamEnded()
{
    if (m_upstreamEnded)
        return;
    m_upstreamEnded = true;
    takeUpstream();
    pump();
}

void FaultProxy::Link::pump()
{
    if (m_done)
        return;
    m_timer.stop();
    for (;;) {
        if (m_cutAt >= 0 && m_sent >= m_cutAt) {
            cut();
            return;
        }
        const qint64 now = clockUs();
        if (m_plan.stallAt >= 0 && !m_stallDone && m_sent >= m_plan.stallAt) {
            m_stallDone = true;
            m_holdUntil = qMax(m_holdUntil, now + m_plan.stallMs * 1000);
        }
        if (m_queue.empty()) {
            takeUpstream();
            if (!m_queue.empty())
                continue;
            if (m_upstreamEnded && m_up->bytesAvailable() == 0)
                finish();
            return;
        }
        if (m_down->bytesToWrite() > MaxUnwritten)
            return; // bytesWritten calls us again
        const qint64 due = qMax(m_holdUntil, m_queue.front().due);
        if (due > now) {
            m_timer.start(int((due - now + 999) / 1000)); // never early
            return;
        }
        Piece &piece = m_queue.front();
        qint64 n = piece.bytes.size() - piece.offset;
        if (m_plan.throttleBytes > 0)
            n = qMin<qint64>(n, m_plan.throttleBytes);
        if (m_cutAt >= 0)
            n = qMin(n, m_cutAt - m_sent);
        if (m_plan.stallAt >= 0 && !m_stallDone)
            n = qMin(n, m_plan.stallAt - m_sent);
        m_down->write(piece.bytes.constData() + piece.offset, n);
        m_sent += n;
        m_queued -= n;
        piece.offset += n;
        m_proxy->m_bytesForwarded += n;
        ++m_proxy->m_writeCount;
        if (piece.offset == piece.bytes.size())
            m_queue.pop_front();
        if (m_plan.throttleBytes > 0)
            m_holdUntil = now + m_plan.throttleIntervalMs * 1000;
    }
}

void FaultProxy::Link::cut()
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    disconnect(m_up, nullptr, this, nullptr);
    m_up->abort();
    m_proxy->linkCut(index, m_sent);
    if (m_plan.cutMode == CutMode::Reset) {
        m_down->flush(); // what Qt still buffers goes to the kernel first
        resetOnClose(m_down);
        m_down->abort();
    } else {
        m_down->disconnectFromHost(); // after the bytes written so far: a FIN
    }
    if (m_down->state() == QAbstractSocket::UnconnectedState)
        downstreamGone();
}

void FaultProxy::Link::finish()
{
    m_done = true;
    m_down->disconnectFromHost();
    if (m_down->state() == QAbstractSocket::UnconnectedState)
        downstreamGone();
}

void FaultProxy::Link::downstreamGone()
{
    if (m_gone)
        return;
    m_gone = true;
    m_done = true;
    m_timer.stop();
    disconnect(m_down, nullptr, this, nullptr);
    disconnect(m_up, nullptr, this, nullptr);
    m_up->abort();
    m_proxy->linkClosed(index); // deletes us later
}
