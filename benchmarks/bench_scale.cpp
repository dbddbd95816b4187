// SPDX-License-Identifier: BSD-3-Clause
// N concurrent SseClient streams in one process to one nginx host (nchan: /sub subscribes every
// stream to one channel; this process POSTs one message a second to /pub, so each stream gets
// one event a second). Measured: all N opened, each received >= 1 event in a steady window, RSS
// per stream, threads, fds, and CPU in the steady window and in an idle one (no events at all).
//
//   bench_scale --streams N [--h2c] [--steady SEC] [--idle SEC] [--publish PORT]
//               http://127.0.0.1:PORT
//
// --h2c: HTTP/2 without TLS (prior knowledge); otherwise HTTP/1.1. --publish: the port of the
// HTTP/1.1 listener to POST to (default: the URL's; an h2c-only listener cannot take the POST).
// scripts/bench-scale.sh starts nginx (benchmarks/nginx.sh) and runs 1,000 and 10,000 streams
// over both protocols.
#include "procstats.h"

#include <QtSse/SseClient>
#include <QtSse/SseConnectionPool>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpsocket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

namespace {

// Runs the event loop until done() holds (checked every 100 ms) or timeoutMs passed; calls
// progress() every 5 s meanwhile.
bool waitFor(const std::function<bool()> &done, int timeoutMs,
             const std::function<void()> &progress)
{
    QEventLoop loop;
    QTimer check;
    int ticks = 0;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
        else if (++ticks % 50 == 0)
            progress();
    });
    check.start(100);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    return done();
}

// Keeps the event loop running for a while (no timer of ours runs meanwhile but this one).
void idleFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// POSTs one message a second to nchan's publisher over one keep-alive connection (a plain
// QTcpSocket in this thread: no QNetworkAccessManager thread of its own).
class Publisher
{
public:
    Publisher(const QString &host, quint16 port) : m_host(host), m_port(port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_socket.readAll(); });
        QObject::connect(&m_timer, &QTimer::timeout, [this] { publish(); });
        m_timer.setInterval(1000);
    }
    void start()
    {
        publish();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    int published() const { return m_count; }

private:
    void publish()
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_socket.abort();
            m_socket.connectToHost(m_host, m_port);
        }
        const QByteArray body = "tick " + QByteArray::number(++m_count);
        m_socket.write("POST /pub HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                       "Content-Length: "
                       + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }

    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    QTimer m_timer;
    int m_count = 0;
};

void printStats(const char *what, const SseBench::ProcStats &s)
{
    std::printf("  %-26s RSS %8lld KiB, heap %8lld KiB, %5d threads, %6d fds\n", what,
                static_cast<long long>(s.rssKiB), static_cast<long long>(s.heapKiB), s.threads,
                s.fds);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOptions({{QStringLiteral("streams"), QStringLiteral("Streams (1000)."),
                     QStringLiteral("n"), QStringLiteral("1000")},
                    {QStringLiteral("h2c"), QStringLiteral("HTTP/2 prior knowledge.")},
                    {QStringLiteral("steady"), QStringLiteral("Steady window (10 s)."),
                     QStringLiteral("sec"), QStringLiteral("10")},
                    {QStringLiteral("idle"), QStringLiteral("Idle window (10 s)."),
                     QStringLiteral("sec"), QStringLiteral("10")},
                    {QStringLiteral("publish"), QStringLiteral("Publisher's HTTP/1.1 port."),
                     QStringLiteral("port")}});
    cli.addPositionalArgument(QStringLiteral("base"), QStringLiteral("http://127.0.0.1:PORT"));
    cli.process(app);
    if (cli.positionalArguments().size() != 1)
        cli.showHelp(2);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // progress shows in a pipe
    const QUrl base(cli.positionalArguments().constFirst());
    const int streams = cli.value(QStringLiteral("streams")).toInt();
    const bool h2c = cli.isSet(QStringLiteral("h2c"));
    const int steadyMs = cli.value(QStringLiteral("steady")).toInt() * 1000;
    const int idleMs = cli.value(QStringLiteral("idle")).toInt() * 1000;
    const long fileLimit = SseBench::raiseFileLimit();
    std::printf("%d streams, %s, to %s/sub (open files limit %ld)\n", streams,
                h2c ? "h2c prior knowledge" : "HTTP/1.1", qPrintable(base.toString()), fileLimit);

    const int publishPort = cli.isSet(QStringLiteral("publish"))
            ? cli.value(QStringLiteral("publish")).toInt()
            : base.port();
    Publisher publisher(base.host(), quint16(publishPort));
    const SseBench::ProcStats before = SseBench::ProcStats::now();
    printStats("before the streams:", before);

    QUrl url = base;
    url.setPath(QStringLiteral("/sub"));
    std::vector<std::unique_ptr<SseClient>> clients;
    std::vector<int> events(std::size_t(streams), 0);
    int open = 0;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < streams; ++i) {
        auto client = std::make_unique<SseClient>(url);
        client->setHttpProtocol(h2c ? SseClient::Http2PriorKnowledge : SseClient::Http1Only);
        SseClient *const c = client.get();
        QObject::connect(c, &SseClient::opened, c, [&open] { ++open; });
        QObject::connect(c, &SseClient::disconnected, c, [&open] { --open; });
        QObject::connect(c, &SseClient::eventReceived, c,
                         [&events, i] { ++events[std::size_t(i)]; });
        c->open();
        clients.push_back(std::move(client));
    }
    auto seconds = [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    auto waitingCount = [&clients] {
        return static_cast<long long>(
                std::count_if(clients.begin(), clients.end(),
                              [](const auto &c) { return c->isWaitingForConnection(); }));
    };
    const bool allOpen = waitFor(
            [&] { return open == streams; }, 300000,
            [&] {
                int connecting = 0, reconnecting = 0;
                for (const auto &c : clients) {
                    connecting += c->state() == SseClient::Connecting;
                    reconnecting += c->state() == SseClient::Reconnecting;
                }
                std::printf(
                        "  ... %.0f s: %d open, %d connecting (%lld waiting for a connection), %d "
                        "reconnecting, %d fds\n",
                        seconds(), open, connecting, waitingCount(), reconnecting,
                        SseBench::ProcStats::now().fds);
            });
    const double openSeconds = seconds();
    const long long waiting = waitingCount();
    std::printf("  %d of %d open after %.1f s (%lld waiting for a connection)\n", open, streams,
                openSeconds, waiting);
    const SseBench::ProcStats opened = SseBench::ProcStats::now();
    printStats("all open:", opened);
    const int managers = SseConnectionPool::managerCount();
    std::printf("  %d pooled QNetworkAccessManagers (%d streams per manager)\n", managers,
                managers ? streams / managers : 0);

    // Steady: one event a second on every stream.
    publisher.start();
    idleFor(1500); // the first message reaches everyone
    std::fill(events.begin(), events.end(), 0);
    const SseBench::ProcStats steady0 = SseBench::ProcStats::cpuNow();
    idleFor(steadyMs);
    const SseBench::ProcStats steadyCpu = SseBench::ProcStats::cpuNow();
    const SseBench::ProcStats steady1 = SseBench::ProcStats::now();
    publisher.stop();
    const int minEvents = *std::min_element(events.begin(), events.end());
    const int maxEvents = *std::max_element(events.begin(), events.end());
    const auto none = std::count(events.begin(), events.end(), 0);
    long long total = 0;
    for (int e : events)
        total += e;
    printStats("after the steady window:", steady1);

    // Idle: no events at all; nothing should run.
    idleFor(1000); // the last message is delivered
    const SseBench::ProcStats idle0 = SseBench::ProcStats::cpuNow();
    idleFor(idleMs);
    const SseBench::ProcStats idle1 = SseBench::ProcStats::cpuNow();
    const int openAtEnd = open;

    auto cpuPercent = [](const SseBench::ProcStats &a, const SseBench::ProcStats &b) {
        return 100.0 * (b.cpuSeconds - a.cpuSeconds) / (b.wallSeconds - a.wallSeconds);
    };
    const double perStream = double(steady1.rssKiB - before.rssKiB) / streams;
    const double heapPerStream = double(steady1.heapKiB - before.heapKiB) / streams;
    std::printf("  steady %.0f s: %lld events (%.0f/s), per stream min %d max %d, %lld streams "
                "got none; CPU %.1f%% of one core\n",
                steadyCpu.wallSeconds - steady0.wallSeconds, total,
                double(total) / (steadyCpu.wallSeconds - steady0.wallSeconds), minEvents, maxEvents,
                static_cast<long long>(none), cpuPercent(steady0, steadyCpu));
    std::printf("  idle %.0f s: CPU %.2f%% of one core (%.3f s); %d streams still open\n",
                idle1.wallSeconds - idle0.wallSeconds, cpuPercent(idle0, idle1),
                idle1.cpuSeconds - idle0.cpuSeconds, openAtEnd);
    std::printf("RESULT protocol=%s streams=%d open=%d all_got_events=%s rss_per_stream_kib=%.1f "
                "heap_per_stream_kib=%.1f "
                "threads=%d managers=%d fds=%d steady_cpu_pct=%.1f idle_cpu_pct=%.2f "
                "open_seconds=%.1f\n",
                h2c ? "h2c" : "http1.1", streams, openAtEnd, none == 0 ? "yes" : "no", perStream,
                heapPerStream, steady1.threads, managers, steady1.fds,
                cpuPercent(steady0, steadyCpu), cpuPercent(idle0, idle1), openSeconds);
    std::fflush(stdout);
    clients.clear();
    return allOpen && none == 0 && openAtEnd == streams ? 0 : 1;
}
