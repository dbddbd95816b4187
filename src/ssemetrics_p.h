// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEMETRICS_P_H
#define SSEMETRICS_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.
//
// What a client can tell about itself (SseClient's metrics): times to the first byte and the
// first event of the current stream, reconnects and time without a stream since open(), the
// rates of the last complete second, and the last bytes received. Free of sockets; the clock
// is injectable so that the arithmetic is tested exactly.

#include <QtSse/qtsse_export.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qelapsedtimer.h>

#include <functional>

namespace QtSsePrivate {

class QTSSE_EXPORT StreamMetrics
{
public:
    StreamMetrics();
    void setClock(std::function<qint64()> msNow); // monotonic milliseconds

    void reset(); // open(): from zero
    void requestSent(); // an attempt's request went out: the times start
    void responseHead(); // its head arrived
    // Per event, so without a clock read (the hot path): counted into the rates at the next
    // flushEvents() (the client calls it once per read) or read of a rate.
    void eventDelivered()
    {
        if (m_ttfe < 0 && m_requestAt >= 0)
            firstEvent();
        ++m_unflushedEvents;
    }
    void flushEvents() { roll(now()); }
    void bytesReceived(QByteArrayView bytes);
    void reconnectScheduled() { ++m_reconnects; }
    // Whether the client is trying without a stream (Connecting, Reconnecting): the downtime
    // grows meanwhile; an open stream, Closed or Failed stop it.
    void setDown(bool down);

    int timeToFirstByte() const { return m_ttfb; } // -1: not known (yet)
    int timeToFirstEvent() const { return m_ttfe; }
    int reconnects() const { return m_reconnects; }
    qint64 downtime() const;
    double eventsPerSecond() const; // in the last complete second
    double bytesPerSecond() const;

    void setHistorySize(qsizetype bytes);
    qsizetype historySize() const { return m_historySize; }
    QByteArray history() const { return m_history; } // the last bytes received, oldest first

private:
    qint64 now() const;
    void firstEvent();
    void roll(qint64 at) const; // counts unflushed events, moves the buckets on to at

    std::function<qint64()> m_now;
    QElapsedTimer m_clock;
    qint64 m_requestAt = -1;
    int m_ttfb = -1;
    int m_ttfe = -1;
    int m_reconnects = 0;
    qint64 m_downtime = 0;
    qint64 m_downSince = -1;
    // Buckets of whole seconds: the current one fills, the previous one is reported.
    mutable qint64 m_bucketStart = 0;
    mutable qint64 m_unflushedEvents = 0; // delivered since the last roll()
    mutable qint64 m_events = 0, m_bytes = 0;
    mutable qint64 m_previousEvents = 0, m_previousBytes = 0;
    qsizetype m_historySize = 0;
    QByteArray m_history;
};

} // namespace QtSsePrivate

#endif // SSEMETRICS_P_H
