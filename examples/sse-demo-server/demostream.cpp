// SPDX-License-Identifier: BSD-3-Clause
#include "demostream.h"

#include "demosequence.h"
#include "httprequest.h"

#include <QtNetwork/qtcpsocket.h>

namespace {
constexpr qint64 HighWaterBytes = 1024 * 1024;
constexpr int FloodIntervalMs = 10;
constexpr qint64 MaxBatchEvents = 20000;
constexpr qint64 HeartbeatMs = DemoSequence::HeartbeatSteps * DemoSequence::StepMs;
} // namespace

DemoStream::DemoStream(QTcpSocket *socket, const StreamOptions &options)
    : QObject(socket), m_socket(socket), m_options(options)
{
    m_nextId = qMax<qint64>(0, m_options.lastEventId) + 1;
    m_step = DemoSequence::stepOf(m_nextId);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_options.rate > 0)
            floodBatch();
        else
            pacedStep();
    });
}

void DemoStream::start()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    write(httpResponseHead(200,
                           {{"Content-Type", "text/event-stream; charset=utf-8"},
                            {"Cache-Control", "no-cache"},
                            {"Connection", "close"},
                            {"X-Accel-Buffering", "no"},
                            {"Access-Control-Allow-Origin", "*"}}));
    QByteArray hello = ": sse-demo-server main stream";
    if (m_options.lastEventId > 0)
        hello += ", resuming after id " + QByteArray::number(m_options.lastEventId);
    write(hello + "\nretry: " + QByteArray::number(m_options.retryMs) + "\n\n");

    m_clock.start();
    if (m_options.dropAfterSec > 0) {
        QTimer::singleShot(m_options.dropAfterSec * 1000, this, [this] {
            finish(": dropping the connection (drop=" + QByteArray::number(m_options.dropAfterSec)
                   + ")\n\n");
        });
    }
    if (m_options.rate > 0) {
        m_timer.start(FloodIntervalMs);
        floodBatch();
    } else {
        m_timer.start(DemoSequence::StepMs);
        pacedStep();
    }
}

bool DemoStream::backedUp() const
{
    return m_socket->bytesToWrite() > HighWaterBytes;
}

void DemoStream::write(const QByteArray &bytes)
{
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(bytes);
}

void DemoStream::pacedStep()
{
    if (m_finished || backedUp())
        return; // the timeline waits for a slow reader; ids never skip
    QByteArray out;
    while (DemoSequence::stepOf(m_nextId) == m_step) {
        if (m_options.limit > 0 && m_sent >= m_options.limit)
            break;
        out += DemoSequence::eventBlock(m_nextId++);
        ++m_sent;
    }
    if (DemoSequence::isHeartbeatStep(m_step))
        out += ": heartbeat\n\n";
    ++m_step;
    write(out);
    if (m_options.limit > 0 && m_sent >= m_options.limit)
        finish(": limit reached\n\n");
}

void DemoStream::floodBatch()
{
    if (m_finished || backedUp())
        return;
    const qint64 now = m_clock.elapsed();
    qint64 due = now * m_options.rate / 1000 + 1 - m_floodAccounted;
    // Behind by more than a batch (a slow reader, a busy machine): forgive the debt rather
    // than bursting; a flood is a rate, not a quota. A batch is at most 100 ms worth.
    const qint64 maxBatch = qBound(qint64(1), qint64(m_options.rate / 10), MaxBatchEvents);
    if (due > maxBatch) {
        m_floodAccounted += due - maxBatch;
        due = maxBatch;
    }
    if (m_options.limit > 0)
        due = qMin(due, m_options.limit - m_sent);
    QByteArray out;
    if (now - m_lastHeartbeatMs >= HeartbeatMs) {
        m_lastHeartbeatMs = now;
        out += ": heartbeat\n\n";
    }
    for (qint64 i = 0; i < due; ++i)
        out += DemoSequence::eventBlock(m_nextId++);
    m_sent += qMax<qint64>(0, due);
    m_floodAccounted += qMax<qint64>(0, due);
    write(out);
    if (m_options.limit > 0 && m_sent >= m_options.limit)
        finish(": limit reached\n\n");
}

void DemoStream::finish(const QByteArray &comment)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    write(comment);
    closeGracefully(m_socket);
}
