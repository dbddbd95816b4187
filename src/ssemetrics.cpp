// SPDX-License-Identifier: BSD-3-Clause
#include "ssemetrics_p.h"

#include <limits>
#include <utility>

namespace QtSsePrivate {

StreamMetrics::StreamMetrics()
{
    m_clock.start();
}

qint64 StreamMetrics::now() const
{
    return m_now ? m_now() : m_clock.elapsed();
}

void StreamMetrics::setClock(std::function<qint64()> msNow)
{
    m_now = std::move(msNow);
    reset();
}

void StreamMetrics::reset()
{
    m_requestAt = -1;
    m_ttfb = m_ttfe = -1;
    m_reconnects = 0;
    m_downtime = 0;
    m_downSince = -1;
    m_bucketStart = now();
    m_events = m_bytes = m_previousEvents = m_previousBytes = m_unflushedEvents = 0;
    m_history.clear();
}

void StreamMetrics::requestSent()
{
    m_requestAt = now();
    m_ttfb = m_ttfe = -1;
}

void StreamMetrics::responseHead()
{
    if (m_requestAt >= 0 && m_ttfb < 0)
        m_ttfb = int(qMin<qint64>(now() - m_requestAt, std::numeric_limits<int>::max()));
}

void StreamMetrics::firstEvent()
{
    m_ttfe = int(qMin<qint64>(now() - m_requestAt, std::numeric_limits<int>::max()));
}

void StreamMetrics::bytesReceived(QByteArrayView bytes)
{
    roll(now());
    m_bytes += bytes.size();
    if (m_historySize <= 0)
        return;
    if (bytes.size() >= m_historySize) {
        m_history = bytes.last(m_historySize).toByteArray();
        return;
    }
    const qsizetype overflow = m_history.size() + bytes.size() - m_historySize;
    if (overflow > 0)
        m_history.remove(0, overflow);
    m_history.append(bytes);
}

void StreamMetrics::setDown(bool down)
{
    const qint64 at = now();
    if (down && m_downSince < 0) {
        m_downSince = at;
    } else if (!down && m_downSince >= 0) {
        m_downtime += at - m_downSince;
        m_downSince = -1;
    }
}

qint64 StreamMetrics::downtime() const
{
    const qint64 at = now();
    return m_downtime + (m_downSince >= 0 ? at - m_downSince : 0);
}

void StreamMetrics::roll(qint64 at) const
{
    // Events delivered since the last roll arrived in the current bucket (rolls come per read).
    m_events += std::exchange(m_unflushedEvents, 0);
    const qint64 seconds = (at - m_bucketStart) / 1000;
    if (seconds <= 0)
        return;
    // One second on: the current bucket becomes the previous; more: both are empty.
    m_previousEvents = seconds == 1 ? m_events : 0;
    m_previousBytes = seconds == 1 ? m_bytes : 0;
    m_events = m_bytes = 0;
    m_bucketStart += seconds * 1000;
}

double StreamMetrics::eventsPerSecond() const
{
    roll(now());
    return double(m_previousEvents);
}

double StreamMetrics::bytesPerSecond() const
{
    roll(now());
    return double(m_previousBytes);
}

void StreamMetrics::setHistorySize(qsizetype bytes)
{
    m_historySize = qMax<qsizetype>(0, bytes);
    if (m_history.size() > m_historySize)
        m_history.remove(0, m_history.size() - m_historySize);
}

} // namespace QtSsePrivate
