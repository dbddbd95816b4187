// SPDX-License-Identifier: BSD-3-Clause
// Latency from the server's write() to SseClient's eventReceived signal, on one machine (the
// server stamps each event with steady_clock, the clock the client reads in its slot).
//
//   bench_latency --serve              serve paced events (see pacedserver.h); prints "port N"
//   bench_latency --lines N [options]  read N lines of another client's stdout (ssecat's JSON
//                                      lines, curl's "data: ..." lines, or bare data lines) and
//                                      print one row: server write -> line read from the pipe
//   bench_latency [options] URL        receive them and print one row of percentiles
//     --label TEXT      the row's label (default: the URL)
//     --h2c             HTTP/2 without TLS, prior knowledge (set in aboutToSendRequest)
//     --warmup N        events left out of the statistics at the start (default 200)
//     --header          print the table header first
// scripts/bench-latency.sh runs the server once and the client directly and through nginx.
#include "pacedserver.h"

#include <QtSse/SseClient>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qtimer.h>
#include <QtCore/qurlquery.h>
#include <QtNetwork/qnetworkrequest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

int serve()
{
    SseBench::PacedServer server;
    if (!server.listen()) {
        std::perror("bench_latency: listen");
        return 1;
    }
    std::printf("port %d\n", server.port());
    std::fflush(stdout);
    server.run();
}

double percentile(const std::vector<std::int64_t> &sorted, double p)
{
    const std::size_t index = std::min(sorted.size() - 1, std::size_t(p / 100.0 * sorted.size()));
    return double(sorted[index]) / 1000.0;
}

void printRow(const QString &label, std::vector<std::int64_t> latencies, std::int64_t received,
              std::int64_t expected, std::int64_t disorder)
{
    std::sort(latencies.begin(), latencies.end());
    double sum = 0;
    for (std::int64_t l : latencies)
        sum += double(l);
    std::printf("%-28s %7lld %8.0f %8.0f %8.0f %8.0f %8.0f %9.0f", label.toLocal8Bit().constData(),
                static_cast<long long>(latencies.size()), sum / double(latencies.size()) / 1000.0,
                percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                percentile(latencies, 99.9), double(latencies.back()) / 1000.0);
    if (received != expected || disorder)
        std::printf("  (received %lld of %lld, %lld out of order)",
                    static_cast<long long>(received), static_cast<long long>(expected),
                    static_cast<long long>(disorder));
    std::printf("\n");
}

// The stamp of one line of a client's stdout: after "data":" (ssecat), after "data: " (curl -N),
// or at the line's start (a client printing the data alone).
bool lineStamp(const char *line, std::int64_t *stamp, std::int64_t *sequence)
{
    const char *at = std::strstr(line, "\"data\":\"");
    if (at) {
        at += 8;
    } else if ((at = std::strstr(line, "data: "))) {
        at += 6;
    } else {
        at = line;
    }
    return SseBench::PacedServer::parseStamp(at, stamp, sequence);
}

// Reads stdin without an event loop: a blocking read per line, the clock read as it returns.
int readLines(const QString &label, qint64 expected, qint64 warmup)
{
    std::vector<std::int64_t> latencies;
    latencies.reserve(std::size_t(expected));
    qint64 received = 0, disorder = 0, lastSequence = -1;
    char line[4096];
    while (received < expected && std::fgets(line, sizeof line, stdin)) {
        const std::int64_t now = SseBench::PacedServer::nowNs();
        std::int64_t stamp = 0, sequence = 0;
        if (!lineStamp(line, &stamp, &sequence))
            continue; // curl's blank lines, ssecat's other lines
        ++received;
        if (sequence != lastSequence + 1)
            ++disorder;
        lastSequence = sequence;
        if (sequence >= warmup)
            latencies.push_back(now - stamp);
    }
    if (latencies.empty()) {
        std::fprintf(stderr, "bench_latency: no stamped lines on stdin\n");
        return 1;
    }
    printRow(label, latencies, received, expected, disorder);
    return received == expected && !disorder ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addOptions({{QStringLiteral("serve"), QStringLiteral("Serve paced events.")},
                    {QStringLiteral("label"), QStringLiteral("Row label."), QStringLiteral("text")},
                    {QStringLiteral("h2c"), QStringLiteral("HTTP/2 prior knowledge.")},
                    {QStringLiteral("warmup"), QStringLiteral("Events left out."),
                     QStringLiteral("n"), QStringLiteral("200")},
                    {QStringLiteral("header"), QStringLiteral("Print the table header.")},
                    {QStringLiteral("lines"), QStringLiteral("Read N stdout lines of a client."),
                     QStringLiteral("n")}});
    cli.addPositionalArgument(QStringLiteral("url"),
                              QStringLiteral("The stream (?n=&interval_us=)"));
    cli.process(app);
    if (cli.isSet(QStringLiteral("serve")))
        return serve();
    if (cli.isSet(QStringLiteral("lines"))) {
        // fgets() on a pipe returns as soon as a line is there.
        return readLines(cli.value(QStringLiteral("label")),
                         cli.value(QStringLiteral("lines")).toLongLong(),
                         cli.value(QStringLiteral("warmup")).toLongLong());
    }
    if (cli.positionalArguments().size() != 1) {
        std::fprintf(stderr, "bench_latency: one URL, or --serve\n");
        return 2;
    }
    const QUrl url(cli.positionalArguments().constFirst());
    const qint64 expected =
            QUrlQuery(url).queryItemValue(QStringLiteral("n")).toLongLong() ?: 20000;
    const qint64 warmup = cli.value(QStringLiteral("warmup")).toLongLong();
    const qint64 intervalUs =
            QUrlQuery(url).queryItemValue(QStringLiteral("interval_us")).toLongLong() ?: 500;
    const QString label = cli.isSet(QStringLiteral("label")) ? cli.value(QStringLiteral("label"))
                                                             : url.toString();
    if (cli.isSet(QStringLiteral("header")))
        std::printf("%-28s %7s %8s %8s %8s %8s %8s %9s\n", "path (latency in us)", "events", "mean",
                    "p50", "p90", "p99", "p99.9", "max");

    SseClient client(url);
    client.setMaxRetries(0); // the stream's end is the benchmark's end
    if (cli.isSet(QStringLiteral("h2c"))) {
        QObject::connect(
                &client, &SseClient::aboutToSendRequest, &client,
                [](QNetworkRequest *request) {
                    request->setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
                    request->setAttribute(QNetworkRequest::Http2DirectAttribute, true);
                },
                Qt::DirectConnection);
    }
    std::vector<std::int64_t> latencies;
    latencies.reserve(std::size_t(expected));
    qint64 received = 0, disorder = 0, lastSequence = -1;
    QObject::connect(&client, &SseClient::eventReceived, &app, [&](const SseEvent &event) {
        const std::int64_t now = SseBench::PacedServer::nowNs();
        const QByteArray data = event.data().toLatin1();
        std::int64_t stamp = 0, sequence = 0;
        if (!SseBench::PacedServer::parseStamp(data.constData(), &stamp, &sequence))
            return;
        ++received;
        if (sequence != lastSequence + 1)
            ++disorder;
        lastSequence = sequence;
        if (sequence >= warmup)
            latencies.push_back(now - stamp);
    });
    int status = 0;
    QObject::connect(&client, &SseClient::closed, &app, [&] {
        if (latencies.empty()) {
            std::fprintf(stderr, "bench_latency: no events from %s (%s)\n",
                         qPrintable(url.toString()), qPrintable(client.errorString()));
            status = 1;
        } else {
            printRow(label, latencies, received, expected, disorder);
            status = received == expected && !disorder ? 0 : 1;
        }
        app.quit();
    });
    // A stream that stalls must not hang the script.
    QTimer::singleShot(std::chrono::milliseconds(expected * intervalUs / 1000 + 30000), &app, [&] {
        std::fprintf(stderr, "bench_latency: timed out after %lld of %lld events\n",
                     static_cast<long long>(received), static_cast<long long>(expected));
        status = 1;
        app.quit();
    });
    client.open();
    app.exec();
    std::fflush(stdout);
    return status;
}
