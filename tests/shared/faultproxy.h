// SPDX-License-Identifier: BSD-3-Clause
#ifndef FAULTPROXY_H
#define FAULTPROXY_H

#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qhostaddress.h>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
class QTimer;
QT_END_NAMESPACE

// A fault-injecting TCP proxy for the network tests: it listens on 127.0.0.1 (port 0) and forwards
// every connection to one upstream host:port. Faults apply to the downstream direction (server to
// client) of each connection, by byte offset in that direction (the HTTP head included):
//   - cut: after exactly N bytes, or after a number of bytes drawn per connection, uniformly in
//     [min, max], from a generator seeded with (seed, connection index): the same seed gives the
//     same cut offsets, whatever the timing. A cut ends the connection with a FIN after the bytes
//     (CutMode::Close: the client receives exactly N bytes) or an RST (CutMode::Reset).
//   - stall: hold the bytes at an offset for a time, once per connection;
//   - throttle: at most N bytes per write, with a pause between writes;
//   - delay: every piece of data read from upstream is written that much later (latency);
//   - refuse: stop listening (connection refused) or accept and close at once, for a time or
//     until acceptConnections().
// The plan applies to connections accepted after it is set. The client-to-server direction is
// forwarded as it comes. Everything runs on timers in the caller's thread; nothing blocks.
class FaultProxy : public QObject
{
    Q_OBJECT
public:
    enum class CutMode { Close, Reset };
    enum class RefuseMode { StopListening, AcceptAndClose, AcceptAndReset };

    explicit FaultProxy(QObject *parent = nullptr);
    ~FaultProxy() override; // aborts every connection

    void setUpstream(const QHostAddress &address, quint16 port);
    bool listen(); // 127.0.0.1, a free port
    quint16 port() const;
    QUrl url(const QString &path = QStringLiteral("/")) const; // http://127.0.0.1:PORT/path?query

    // ---- the fault plan (downstream direction, per connection) ----
    void setSeed(quint64 seed);
    quint64 seed() const;
    void setCutAfterBytes(qint64 bytes); // exactly this many bytes, then the cut; -1: never
    void setCutRandomly(qint64 minBytes, qint64 maxBytes); // uniform in [min, max], inclusive
    void clearCut();
    void setCutMode(CutMode mode);
    void setStall(qint64 atByte, int ms); // once per connection; atByte -1: never
    void setThrottle(int bytesPerWrite, int intervalMs); // bytesPerWrite 0: off
    void setDelay(int ms); // latency of every piece of data; 0: off
    // The cut offset that connection `index` gets under the current plan (-1: no cut).
    qint64 cutOffsetFor(int index) const;

    // ---- the server going away ----
    void refuseConnections(RefuseMode mode, int forMs = -1); // -1: until acceptConnections()
    void acceptConnections();
    bool isRefusing() const;
    void cutAllConnections(); // cut every open connection now, at whatever offset it has reached

    // ---- counters ----
    int connectionCount() const; // connections accepted and forwarded (indexes 0..count-1)
    int openConnections() const;
    int refusedCount() const; // accepted and closed at once while refusing (AcceptAnd*)
    int cutCount() const; // cuts performed (planned and cutAllConnections())
    qint64 bytesForwarded() const; // downstream, server to client
    qint64 writeCount() const; // downstream writes (a throttled piece is several)
    qint64 bytesUpstream() const; // client to server
    QList<qint64> cutOffsets() const; // the offset of every cut performed, in order

Q_SIGNALS:
    void connectionAccepted(int index);
    void connectionCut(int index, qint64 offset);
    void connectionClosed(int index);

private:
    class Link;
    friend class Link;
    struct Plan
    {
        qint64 cutMin = -1, cutMax = -1;
        CutMode cutMode = CutMode::Close;
        qint64 stallAt = -1;
        int stallMs = 0;
        int throttleBytes = 0, throttleIntervalMs = 0;
        int delayMs = 0;
    };
    void acceptPending();
    void linkCut(int index, qint64 offset);
    void linkClosed(int index);

    QTcpServer *m_server;
    QTimer *m_refuseTimer;
    QHostAddress m_upstreamAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 m_upstreamPort = 0;
    quint16 m_port = 0;
    quint64 m_seed = 0;
    Plan m_plan;
    bool m_refusing = false;
    RefuseMode m_refuseMode = RefuseMode::StopListening;
    QHash<int, Link *> m_links;
    QList<qint64> m_cutOffsets;
    int m_connectionCount = 0;
    int m_refusedCount = 0;
    qint64 m_bytesForwarded = 0;
    qint64 m_writeCount = 0;
    qint64 m_bytesUpstream = 0;
};

#endif // FAULTPROXY_H
