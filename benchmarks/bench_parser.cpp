// SPDX-License-Identifier: BSD-3-Clause
// SseParser throughput on five in-memory workloads, fed in 64 KiB chunks, against two ceilings
// over the same bytes in the same chunks: a memchr('\n') line scan and a memcpy into a reused
// 64 KiB buffer. After the Google Benchmark output a table gives, per workload, the parser's
// events/s and bytes/s and its bandwidth as a percentage of memcpy's (medians when run with
// --benchmark_repetitions).

#include "workloads.h"

#include <QtSse/SseEvent>
#include <QtSse/SseParser>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr std::size_t ChunkSize = 64 * 1024;

// A workload is generated on first use, so that a --benchmark_filter run builds only its own.
struct Workload
{
    Workload(const char *name, const char *description, SseBench::WorkloadKind kind,
             std::int64_t count)
        : name(name), description(description), kind(kind), count(count)
    {
    }

    const char *name;
    const char *description;
    SseBench::WorkloadKind kind;
    std::int64_t count;
    std::string bytes;
    std::int64_t events = 0;
    std::string lastId; // the expected lastEventId() after the stream
    bool generated = false;

    const Workload &ensure()
    {
        if (!generated) {
            SseBench::WorkloadGenerator generator(kind);
            generator.append(bytes, count);
            events = generator.events();
            lastId = generator.lastId();
            generated = true;
        }
        return *this;
    }
};

std::vector<Workload> &workloads()
{
    using SseBench::WorkloadKind;
    static std::vector<Workload> all = {
            {"small", "(a) 1M small events (~64 B JSON)", WorkloadKind::Small, 1000000},
            {"1k", "(b) 100k events, ~1 KiB data", WorkloadKind::Kilo, 100000},
            {"1M", "(c) 200 events, 1 MiB data line", WorkloadKind::Mega, 200},
            {"8lines", "(d) 100k events, 8 data lines", WorkloadKind::Multiline, 100000},
            {"small_crlf", "(e) 1M small events, CRLF", WorkloadKind::SmallCrlf, 1000000},
    };
    return all;
}

void bmParser(benchmark::State &state, Workload *w)
{
    w->ensure();
    const char *const begin = w->bytes.data();
    const std::size_t size = w->bytes.size();
    const QString expectedId = QString::fromStdString(w->lastId);
    std::int64_t events = 0;
    for (auto _ : state) {
        std::int64_t count = 0;
        SseParser parser([&count](const SseEvent &event) {
            ++count;
            benchmark::DoNotOptimize(event.data().size());
        });
        for (std::size_t pos = 0; pos < size; pos += ChunkSize)
            parser.feed(QByteArrayView(begin + pos, qsizetype(std::min(ChunkSize, size - pos))));
        parser.finish();
        if (count != w->events || parser.error() != SseParser::Error::NoError
            || parser.lastEventId() != expectedId) {
            state.SkipWithError("wrong event count, parser error or wrong last event ID");
            return;
        }
        events += count;
    }
    state.SetItemsProcessed(events);
    state.SetBytesProcessed(state.iterations() * std::int64_t(size));
}

// As bmParser, but the handler keeps the data of the last 256 events, as a consumer that queues
// them would: the parser cannot reuse the buffers of released events then.
void bmParserKeep(benchmark::State &state, Workload *w)
{
    w->ensure();
    const char *const begin = w->bytes.data();
    const std::size_t size = w->bytes.size();
    std::vector<QString> kept(256);
    std::int64_t events = 0;
    for (auto _ : state) {
        std::int64_t count = 0;
        SseParser parser([&count, &kept](const SseEvent &event) {
            kept[std::size_t(count++) % kept.size()] = event.data();
        });
        for (std::size_t pos = 0; pos < size; pos += ChunkSize)
            parser.feed(QByteArrayView(begin + pos, qsizetype(std::min(ChunkSize, size - pos))));
        parser.finish();
        if (count != w->events || parser.error() != SseParser::Error::NoError) {
            state.SkipWithError("wrong event count or parser error");
            return;
        }
        events += count;
    }
    state.SetItemsProcessed(events);
    state.SetBytesProcessed(state.iterations() * std::int64_t(size));
}

void bmMemchr(benchmark::State &state, Workload *w)
{
    w->ensure();
    const char *const begin = w->bytes.data();
    const std::size_t size = w->bytes.size();
    for (auto _ : state) {
        std::int64_t lines = 0;
        for (std::size_t pos = 0; pos < size; pos += ChunkSize) {
            const char *p = begin + pos;
            const char *const end = p + std::min(ChunkSize, size - pos);
            while (const void *lf = std::memchr(p, '\n', std::size_t(end - p))) {
                ++lines;
                p = static_cast<const char *>(lf) + 1;
            }
        }
        benchmark::DoNotOptimize(lines);
    }
    state.SetBytesProcessed(state.iterations() * std::int64_t(size));
}

void bmMemcpy(benchmark::State &state, Workload *w)
{
    w->ensure();
    const char *const begin = w->bytes.data();
    const std::size_t size = w->bytes.size();
    std::vector<char> buffer(ChunkSize);
    char *const out = buffer.data();
    for (auto _ : state) {
        for (std::size_t pos = 0; pos < size; pos += ChunkSize) {
            std::memcpy(out, begin + pos, std::min(ChunkSize, size - pos));
            benchmark::DoNotOptimize(out);
            benchmark::ClobberMemory();
        }
    }
    state.SetBytesProcessed(state.iterations() * std::int64_t(size));
}

// The console output as usual, and the runs kept for the summary table: the median of each
// benchmark when repeated, else its single run.
class TableReporter : public benchmark::ConsoleReporter
{
public:
    struct Result
    {
        double itemsPerSecond = 0;
        double bytesPerSecond = 0;
        bool error = false;
    };

    void ReportRuns(const std::vector<Run> &runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &run : runs) {
            const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            if (run.run_type == Run::RT_Aggregate && !median)
                continue;
            const std::string &name = run.run_name.function_name;
            if (!median && m_medians.count(name))
                continue;
            Result r;
            r.error = run.error_occurred;
            if (auto it = run.counters.find("items_per_second"); it != run.counters.end())
                r.itemsPerSecond = it->second.value;
            if (auto it = run.counters.find("bytes_per_second"); it != run.counters.end())
                r.bytesPerSecond = it->second.value;
            if (median) {
                m_medians.insert(name);
                m_results[name] = r;
            } else {
                m_results[name] = r; // the last repetition until the median arrives
            }
        }
    }

    const Result *result(const std::string &name) const
    {
        auto it = m_results.find(name);
        return it == m_results.end() ? nullptr : &it->second;
    }

private:
    std::map<std::string, Result> m_results;
    std::set<std::string> m_medians;
};

std::string format(const char *fmt, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, value);
    return buf;
}

template<typename F> std::string cell(const TableReporter::Result *r, F &&text)
{
    if (!r)
        return "-";
    if (r->error)
        return "ERROR";
    return text(*r);
}

void printTable(const TableReporter &reporter)
{
    std::printf("\nParser throughput (64 KiB chunks; medians if repeated; MB = 10^6 bytes)\n");
    std::printf("%-34s %7s %10s %12s %12s %12s %9s\n", "workload", "MB", "events/s", "parser MB/s",
                "memchr MB/s", "memcpy MB/s", "% memcpy");
    const TableReporter::Result *small = nullptr;
    const TableReporter::Result *megaParser = nullptr;
    const TableReporter::Result *megaMemcpy = nullptr;
    for (const Workload &w : workloads()) {
        const std::string name = w.name;
        const auto *parser = reporter.result("parser/" + name);
        const auto *scan = reporter.result("memchr/" + name);
        const auto *copy = reporter.result("memcpy/" + name);
        if (!w.generated || (!parser && !scan && !copy))
            continue;
        auto row = [&](const char *description, const TableReporter::Result *parser) {
            const std::string events = cell(parser, [](const TableReporter::Result &r) {
                return r.itemsPerSecond >= 1e5 ? format("%.2fM", r.itemsPerSecond / 1e6)
                                               : format("%.0f", r.itemsPerSecond);
            });
            auto megabytes = [](const TableReporter::Result *r) {
                return cell(r, [](const TableReporter::Result &x) {
                    return format("%.0f", x.bytesPerSecond / 1e6);
                });
            };
            std::string percent = "-";
            if (parser && copy && !parser->error && !copy->error && copy->bytesPerSecond > 0)
                percent = format("%.1f%%", 100.0 * parser->bytesPerSecond / copy->bytesPerSecond);
            std::printf("%-34s %7.1f %10s %12s %12s %12s %9s\n", description, w.bytes.size() / 1e6,
                        events.c_str(), megabytes(parser).c_str(), megabytes(scan).c_str(),
                        megabytes(copy).c_str(), percent.c_str());
        };
        row(w.description, parser);
        if (const auto *keep = reporter.result("parser_keep/" + name))
            row("    ... handler keeps the data", keep);
        if (name == "small")
            small = parser;
        if (name == "1M") {
            megaParser = parser;
            megaMemcpy = copy;
        }
    }
    std::printf("\nTargets:\n");
    if (small && !small->error)
        std::printf("  small events >= 12 M/s: %.2f M/s  %s\n", small->itemsPerSecond / 1e6,
                    small->itemsPerSecond >= 12e6 ? "MET" : "MISSED");
    if (megaParser && megaMemcpy && !megaParser->error && !megaMemcpy->error) {
        const double pct = 100.0 * megaParser->bytesPerSecond / megaMemcpy->bytesPerSecond;
        std::printf("  1 MiB events >= 50%% of memcpy: %.1f%%  %s\n", pct,
                    pct >= 50.0 ? "MET" : "MISSED");
    }
}

} // namespace

int main(int argc, char **argv)
{
    for (Workload &w : workloads()) {
        const std::string name = w.name;
        benchmark::RegisterBenchmark(("parser/" + name).c_str(), bmParser, &w)
                ->Unit(benchmark::kMillisecond);
        if (name == "small") {
            benchmark::RegisterBenchmark("parser_keep/small", bmParserKeep, &w)
                    ->Unit(benchmark::kMillisecond);
        }
        benchmark::RegisterBenchmark(("memchr/" + name).c_str(), bmMemchr, &w)
                ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("memcpy/" + name).c_str(), bmMemcpy, &w)
                ->Unit(benchmark::kMillisecond);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    TableReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    printTable(reporter);
    return 0;
}
