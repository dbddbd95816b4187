// SPDX-License-Identifier: BSD-3-Clause
#ifndef SEQUENCERUN_H
#define SEQUENCERUN_H

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qobject.h>
#include <QtCore/qstringlist.h>

#include <functional>
#include <utility>
#include <memory>

class FaultProxy;
class NginxFixture;
class SseClient;
class SseEvent;

// Numbered messages through a fault: SseClient -> FaultProxy (cuts at random points) -> nginx +
// nchan, while a publisher POSTs messages 1..N to nchan directly (pipelined, in order, at most
// `window` ahead of what the client has received). Every event the client delivers is checked:
// its number must be the next one, its data exactly message(n) (a partial event cannot pass),
// and, with checkIds, its id the one nchan gave message n. Used by tst_exactlyonce (100 or 1,000
// cuts) and by the soak harness (millions of events).
//
// The cuts: each proxied connection is cut after a number of downstream bytes drawn uniformly in
// [cutMin, cutMax] (seeded); by default the range is sized so that the messages give about 1.5
// times `cuts` cuts. To guarantee the target the publisher also keeps pace with it: it publishes
// beyond message k only when the client has been cut at least cuts * k / messages times, the last
// batch only once `cuts` is reached; if that leaves the stream idle, the proxy cuts the open
// connection itself (counted as forcedCuts).
class SequenceRun : public QObject
{
    Q_OBJECT
public:
    struct Config
    {
        qint64 messages = 10000;
        int cuts = 100; // the client's connection is cut at least this often (0: never)
        quint64 seed = 20261126;
        qint64 cutMin = -1, cutMax = -1; // -1: derived from messages and cuts
        bool resetCuts = false; // cut with an RST instead of a FIN
        int reconnectionTimeMs = 10;
        int maxRetryDelayMs = 100;
        int batch = 50; // messages per pipelined publish
        int window = 1000; // published but not yet received, at most
        bool checkIds = true; // keeps every message id (tests; not for millions of events)
        qint64 sampleEvery = 0; // call onSample every this many events (0: never)
        int stallTimeoutMs = 20000; // no new event for this long: the run fails
    };
    struct Result
    {
        qint64 published = 0;
        qint64 delivered = 0; // events that were the next message, exact
        qint64 duplicated = 0; // a number seen before
        qint64 lost = 0; // numbers skipped
        qint64 corrupt = 0; // data or id not what was published (a partial event, say)
        qint64 events = 0; // every event the client delivered
        int drops = 0; // the client's stream ended (SseClient::disconnected)
        int failedAttempts = 0; // attempts that ended before a stream opened (cut in the head)
        int clientCuts() const { return drops + failedAttempts; }
        int opened = 0;
        int proxyConnections = 0, proxyCuts = 0, forcedCuts = 0;
        qint64 bytes = 0; // downstream bytes through the proxy
        qint64 elapsedMs = 0;
        qint64 cutMin = 0, cutMax = 0;
        QStringList anomalies; // the first few, described
        QString problem; // why the run stopped early, empty on success
        QString summary() const; // one line of figures
    };

    SequenceRun(NginxFixture *nginx, const Config &config, QObject *parent = nullptr);
    ~SequenceRun() override;

    QString channel() const { return m_channel; } // the nchan channel: /sub/<channel>
    static QByteArray message(qint64 n); // "n|...|n" with 1- to 4-byte UTF-8, sometimes 2 lines

    // Runs until message N has arrived (or the run failed); an event loop runs meanwhile.
    Result run();
    std::function<void(const Result &)> onSample; // every sampleEvery events, during run()

private:
    void onEvent(const SseEvent &event);
    void anomaly(const QString &what);
    void schedulePublish();
    void publishMore();
    bool mayPublish() const;
    void checkPendingIds(); // events that came before nchan's answer with their ids
    void watch(); // every 50 ms: forced cuts, stalls
    void finish(const QString &problem = QString());
    Result snapshot() const;

    NginxFixture *const m_nginx;
    const Config m_config;
    const QString m_channel;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<SseClient> m_client;
    QStringList m_ids; // with checkIds: the id of message n at n - 1
    QList<std::pair<qint64, QString>> m_pendingIds;
    Result m_result;
    qint64 m_next = 1; // the number expected next
    QElapsedTimer m_clock;
    qint64 m_lastProgressMs = 0;
    qint64 m_idleSinceMs = -1; // the publisher waits for cuts and everything is delivered
    bool m_publishing = false, m_publishQueued = false, m_done = false;
    std::function<void()> m_quit;
};

#endif // SEQUENCERUN_H
