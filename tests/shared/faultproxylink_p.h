// SPDX-License-Identifier: BSD-3-Clause
#ifndef FAULTPROXYLINK_P_H
#define FAULTPROXYLINK_P_H

#include "faultproxy.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>

#include <deque>

// One proxied connection: the client's socket (downstream), the socket to the server (upstream),
// and the downstream bytes waiting for their time. A child of the proxy; the sockets are its
// children. It reports to the proxy (counters, signals) and asks the proxy to delete it.
class FaultProxy::Link : public QObject
{
public:
    Link(QTcpSocket *downstream, int index, const Plan &plan, qint64 cutAt, FaultProxy *proxy);
    ~Link() override; // aborts both sockets without reporting

    void cut(); // now, at the offset reached
    const int index;

private:
    struct Piece
    {
        QByteArray bytes;
        qint64 due = 0; // µs on m_clock
        qsizetype offset = 0; // bytes of it already written
    };
    void upstreamConnected();
    void upstreamEnded();
    void forwardToUpstream();
    void takeUpstream(); // into the queue, up to the limit
    qint64 clockUs() const { return m_clock.nsecsElapsed() / 1000; } // µs
    void pump(); // write what is due; idempotent, so any event may call it
    void finish(); // upstream ended and everything written: a clean close
    void downstreamGone();

    QTcpSocket *const m_down;
    QTcpSocket *const m_up;
    FaultProxy *const m_proxy;
    const Plan m_plan;
    const qint64 m_cutAt;
    QTimer m_timer;
    QElapsedTimer m_clock;
    std::deque<Piece> m_queue;
    qint64 m_queued = 0;
    qint64 m_sent = 0; // downstream bytes written so far
    qint64 m_holdUntil = 0; // µs: no write before this time (stall, throttle)
    QByteArray m_toUpstream; // client bytes that came before the upstream connection
    bool m_stallDone = false;
    bool m_upstreamConnected = false;
    bool m_upstreamEnded = false;
    bool m_done = false; // cut or finished: nothing more is forwarded
    bool m_gone = false; // reported to the proxy
};

#endif // FAULTPROXYLINK_P_H
