// SPDX-License-Identifier: BSD-3-Clause
// SequenceRun: the proxy, the client, the paced publisher and the watchdog.
#include "sequencerun.h"

#include "faultproxy.h"
#include "nginxfixture.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qdatetime.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 HeadBytes = 160; // nchan's response head and its ": hi" comment, about

// One message as nchan sends it: "id: <10 digits>:<n>\n", a "data: " line per line, "\n".
qint64 wireSize(const QByteArray &message)
{
    return 20 + message.size() + 7 * (message.count('\n') + 1) + 1;
}
} // namespace

SequenceRun::SequenceRun(NginxFixture *nginx, const Config &config, QObject *parent)
    : QObject(parent),
      m_nginx(nginx),
      m_config(config),
      m_channel(u"seq%1t%2"_s.arg(config.seed).arg(QDateTime::currentMSecsSinceEpoch()))
{
}

SequenceRun::~SequenceRun() = default;

SequenceRun::Result SequenceRun::run()
{
    m_result = Result();
    m_next = 1;
    m_done = false;
    m_ids.clear();
    m_pendingIds.clear();
    m_proxy = std::make_unique<FaultProxy>();
    m_proxy->setUpstream(QHostAddress::LocalHost, m_nginx->port());
    m_proxy->setSeed(m_config.seed);
    m_proxy->setCutMode(m_config.resetCuts ? FaultProxy::CutMode::Reset
                                           : FaultProxy::CutMode::Close);
    if (m_config.cuts > 0) {
        qint64 low = m_config.cutMin, high = m_config.cutMax;
        if (high < 0) {
            // The events' bytes spread over 1.5 times the target's connections; each connection
            // also carries the head, and a uniform draw in [1, high] averages high / 2.
            const qint64 sample = qMin<qint64>(m_config.messages, 1000);
            qint64 sampleBytes = 0;
            for (qint64 n = 1; n <= sample; ++n)
                sampleBytes += wireSize(message(n));
            const qint64 total = sampleBytes * m_config.messages / sample;
            high = 2 * (total * 2 / (3 * qint64(m_config.cuts)) + HeadBytes);
            low = 1;
        }
        m_result.cutMin = low;
        m_result.cutMax = high;
        m_proxy->setCutRandomly(low, high);
    }
    if (!m_proxy->listen()) {
        m_result.problem = u"the proxy cannot listen"_s;
        return m_result;
    }

    m_client = std::make_unique<SseClient>(m_proxy->url(u"/sub/"_s + m_channel));
    SseClient *client = m_client.get();
    client->setReconnectionTime(m_config.reconnectionTimeMs);
    client->setMaxRetryDelay(m_config.maxRetryDelayMs);
    connect(client, &SseClient::eventReceived, this, &SequenceRun::onEvent);
    connect(client, &SseClient::opened, this, [this] { ++m_result.opened; });
    connect(client, &SseClient::disconnected, this, [this] {
        ++m_result.drops;
        schedulePublish();
    });
    connect(client, &SseClient::errorOccurred, this, [this](SseClient::Error error) {
        if (error == SseClient::ConnectionError || error == SseClient::TimeoutError)
            ++m_result.failedAttempts;
        else
            anomaly(u"client error: "_s + m_client->errorString());
        schedulePublish();
    });
    connect(client, &SseClient::closed, this,
            [this] { finish(u"the client gave up: "_s + m_client->errorString()); });
    QTimer watchdog;
    connect(&watchdog, &QTimer::timeout, this, &SequenceRun::watch);
    watchdog.start(50);

    QEventLoop loop;
    m_quit = [&loop] { loop.quit(); };
    m_clock.start();
    m_lastProgressMs = 0;
    client->open();
    schedulePublish();
    if (!m_done)
        loop.exec();
    m_quit = nullptr;
    watchdog.stop();
    client->disconnect(this);
    client->close();

    checkPendingIds();
    m_result = snapshot();
    if (m_config.checkIds && m_result.problem.isEmpty() && m_ids.size() != m_result.published)
        m_result.problem = u"nchan returned %1 ids for %2 messages"_s.arg(m_ids.size())
                                   .arg(m_result.published);
    m_client.reset();
    m_proxy.reset();
    return m_result;
}

SequenceRun::Result SequenceRun::snapshot() const
{
    Result r = m_result;
    r.elapsedMs = m_clock.elapsed();
    if (m_proxy) {
        r.proxyConnections = m_proxy->connectionCount();
        r.proxyCuts = m_proxy->cutCount();
        r.bytes = m_proxy->bytesForwarded();
    }
    return r;
}

bool SequenceRun::mayPublish() const
{
    const qint64 published = m_result.published;
    if (m_done || published >= m_config.messages || published - (m_next - 1) >= m_config.window)
        return false;
    if (m_config.cuts <= 0)
        return true;
    const bool lastBatch = published + m_config.batch >= m_config.messages;
    const qint64 required =
            lastBatch ? m_config.cuts : m_config.cuts * published / m_config.messages;
    return m_result.clientCuts() >= required;
}

void SequenceRun::schedulePublish()
{
    if (m_publishQueued || m_publishing || !mayPublish())
        return;
    m_publishQueued = true; // from the event loop, never inside a client's signal
    QMetaObject::invokeMethod(
            this,
            [this] {
                m_publishQueued = false;
                publishMore();
            },
            Qt::QueuedConnection);
}

void SequenceRun::publishMore()
{
    if (m_publishing)
        return;
    m_publishing = true;
    while (mayPublish()) {
        const qint64 first = m_result.published + 1;
        const qint64 last = std::min({m_config.messages, m_result.published + m_config.batch,
                                      m_next - 1 + m_config.window});
        QList<QByteArray> batch;
        batch.reserve(last - first + 1);
        for (qint64 n = first; n <= last; ++n)
            batch.append(message(n));
        QStringList ids;
        m_result.published = last; // before the event loop runs: events may come at once
        if (!m_nginx->publishBatch(m_channel, batch, m_config.checkIds ? &ids : nullptr)) {
            finish(u"publishing failed: "_s + m_nginx->errorString());
            break;
        }
        m_ids += ids;
        m_lastProgressMs = m_clock.elapsed();
        checkPendingIds();
    }
    m_publishing = false;
}

void SequenceRun::watch()
{
    if (m_done)
        return;
    const qint64 now = m_clock.elapsed();
    // The publisher waits for cuts while everything published has arrived: nothing flows, so no
    // random cut can come. Cut the open stream here, at an event boundary.
    const bool waitingForCuts = m_config.cuts > 0 && !m_publishing
            && m_result.published < m_config.messages && !mayPublish()
            && m_result.published - (m_next - 1) < m_config.window;
    if (waitingForCuts && m_next - 1 == m_result.published
        && m_client->state() == SseClient::Open) {
        if (m_idleSinceMs < 0) {
            m_idleSinceMs = now;
        } else if (now - m_idleSinceMs >= 100) {
            m_idleSinceMs = -1;
            ++m_result.forcedCuts;
            m_proxy->cutAllConnections();
        }
    } else {
        m_idleSinceMs = -1;
    }
    if (now - m_lastProgressMs > m_config.stallTimeoutMs) {
        finish(u"no progress for %1 ms: client state %2, %3 published, next expected %4, "
               "%5 proxied connections open"_s.arg(now - m_lastProgressMs)
                       .arg(int(m_client->state()))
                       .arg(m_result.published)
                       .arg(m_next)
                       .arg(m_proxy->openConnections()));
    }
}

void SequenceRun::finish(const QString &problem)
{
    if (m_done)
        return;
    m_done = true;
    m_result.problem = problem;
    if (m_quit)
        m_quit();
}
