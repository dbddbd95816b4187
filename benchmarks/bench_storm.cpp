// SPDX-License-Identifier: BSD-3-Clause
// A reconnect storm: N SseClients hold streams from one server (stormserver.h, in a thread of
// this process); the server drops every connection and stops listening, and listens again
// DOWN ms later. Every reconnect's arrival at the server is recorded until all N are open
// again; the histogram shows whether they spread (jitter) or arrive in one burst.
//
//   bench_storm [--clients N] [--down-ms MS] [--retry-ms MS] [--bin-ms MS] [--jitter on|off|both]
//
// Defaults: 1000 clients, down 1000 ms, reconnection time 3000 ms (the library's default), 100 ms
// bins, both jitter settings (one fresh server and fresh clients each).
#include "pacedserver.h"
#include "procstats.h"
#include "stormserver.h"

#include <QtSse/SseClient>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

namespace {

struct Options
{
    int clients = 1000;
    int downMs = 1000;
    int retryMs = 3000;
    int binMs = 100;
};

// Runs the event loop until done() holds (checked every 20 ms) or timeoutMs passed.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    check.start(20);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    return done();
}

void printHistogram(std::vector<double> ms, int binMs)
{
    std::sort(ms.begin(), ms.end());
    const int firstBin = int(ms.front()) / binMs;
    const int lastBin = int(ms.back()) / binMs;
    std::vector<int> bins(std::size_t(lastBin - firstBin + 1));
    for (double t : ms)
        ++bins[std::size_t(int(t) / binMs - firstBin)];
    const int maxPerBin = *std::max_element(bins.begin(), bins.end());
    std::printf("  arrivals: first %.0f ms, median %.0f ms, last %.0f ms after the drop; "
                "max %d per %d ms bin\n",
                ms.front(), ms[ms.size() / 2], ms.back(), maxPerBin, binMs);
    const bool sparse = bins.size() > 80;
    for (std::size_t i = 0; i < bins.size(); ++i) {
        if (sparse && bins[i] == 0)
            continue;
        const int from = (firstBin + int(i)) * binMs;
        const int bar = (bins[i] * 50 + maxPerBin - 1) / maxPerBin;
        std::printf("  %6d-%-6d %5d %s\n", from, from + binMs, bins[i],
                    std::string(bar, '#').c_str());
    }
}

int runStorm(const Options &o, bool jitter)
{
    std::printf("\nReconnect storm: %d clients, server down %d ms, reconnection time %d ms, "
                "jitter %s\n",
                o.clients, o.downMs, o.retryMs, jitter ? "on" : "off");
    SseBench::StormServer server;
    if (!server.start()) {
        std::perror("bench_storm: listen");
        return 1;
    }
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/storm").arg(server.port()));
    int opened = 0;
    int failedAttempts = 0;
    bool storming = false;
    std::vector<std::unique_ptr<SseClient>> clients;
    for (int i = 0; i < o.clients; ++i) {
        auto client = std::make_unique<SseClient>(url);
        client->setReconnectionTime(o.retryMs);
        client->setJitterEnabled(jitter);
        QObject::connect(client.get(), &SseClient::opened, [&opened] { ++opened; });
        QObject::connect(client.get(), &SseClient::errorOccurred, [&](SseClient::Error e) {
            if (storming && e != SseClient::NoError)
                ++failedAttempts;
        });
        client->open();
        clients.push_back(std::move(client));
    }
    if (!waitFor([&] { return opened == o.clients; }, 120000)) {
        std::printf("  only %d of %d streams opened\n", opened, o.clients);
        return 1;
    }
    const SseBench::ProcStats stats = SseBench::ProcStats::now();
    std::printf("  %d streams open: %d threads, %lld KiB RSS, %d fds\n", opened, stats.threads,
                static_cast<long long>(stats.rssKiB), stats.fds);

    server.takeArrivals();
    opened = 0;
    storming = true;
    const std::int64_t dropNs = SseBench::PacedServer::nowNs();
    server.drop();
    QTimer::singleShot(o.downMs, [&server] { server.listenAgain(); });
    const int timeoutMs = o.downMs + o.retryMs * 8 + 60000;
    const bool all = waitFor([&] { return opened == o.clients; }, timeoutMs);
    const std::vector<std::int64_t> arrivals = server.takeArrivals();
    std::printf("  %d of %d reopened%s; %zu requests arrived; %d attempts failed (refused) while "
                "the server was down\n",
                opened, o.clients, all ? "" : " (timed out)", arrivals.size(), failedAttempts);
    if (arrivals.empty())
        return 1;
    std::vector<double> ms;
    for (std::int64_t t : arrivals)
        ms.push_back(double(t - dropNs) / 1e6);
    printHistogram(ms, o.binMs);
    clients.clear(); // before the server
    return all ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    const QString n = QStringLiteral("n"), ms = QStringLiteral("ms");
    cli.addOptions({{QStringLiteral("clients"), QStringLiteral("Clients (1000)."), n},
                    {QStringLiteral("down-ms"), QStringLiteral("Server down time (1000)."), ms},
                    {QStringLiteral("retry-ms"), QStringLiteral("Reconnection time (3000)."), ms},
                    {QStringLiteral("bin-ms"), QStringLiteral("Histogram bin (100)."), ms},
                    {QStringLiteral("jitter"), QStringLiteral("on, off or both (both)."),
                     QStringLiteral("mode"), QStringLiteral("both")}});
    cli.process(app);
    Options o;
    auto intOption = [&cli](const char *name, int fallback) {
        const QString value = cli.value(QLatin1String(name));
        return value.isEmpty() ? fallback : value.toInt();
    };
    o.clients = intOption("clients", o.clients);
    o.downMs = intOption("down-ms", o.downMs);
    o.retryMs = intOption("retry-ms", o.retryMs);
    o.binMs = std::max(1, intOption("bin-ms", o.binMs));
    const QString jitter = cli.value(QStringLiteral("jitter"));
    std::printf("open files limit: %ld\n", SseBench::raiseFileLimit());
    int status = 0;
    if (jitter != QLatin1String("off"))
        status |= runStorm(o, true);
    if (jitter != QLatin1String("on"))
        status |= runStorm(o, false);
    return status;
}
