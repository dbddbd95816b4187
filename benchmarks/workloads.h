// SPDX-License-Identifier: BSD-3-Clause
// The benchmark workloads, shared by bench_parser (in memory) and bench_workload (files that
// nginx serves to ssecat and curl in scripts/bench-e2e.sh): deterministic event streams, built
// a slice at a time so that a file of any size needs little memory.
#ifndef QTSSE_BENCH_WORKLOADS_H
#define QTSSE_BENCH_WORKLOADS_H

#include <cstdint>
#include <string>

namespace SseBench {

enum class WorkloadKind {
    Small, // "id: n" + a ~64-byte JSON data line (LF)
    SmallCrlf, // the same with CRLF line endings
    Kilo, // "event: update", "id: n", ~1 KiB of JSON data
    Mega, // one 1 MiB data line, no id
    Multiline, // 8 data lines of ~50 bytes each
};

// Parses "small", "small_crlf", "1k", "1M", "8lines"; false if unknown.
bool workloadKindFromName(const std::string &name, WorkloadKind *kind);

class WorkloadGenerator
{
public:
    explicit WorkloadGenerator(WorkloadKind kind) : m_kind(kind) { }

    // Appends the next `count` events (their ids continue where the last call stopped).
    void append(std::string &out, std::int64_t count);
    std::int64_t events() const { return m_events; }
    // The source's last event ID after the events so far ("" for a workload without ids).
    std::string lastId() const;
    // The size of one event in bytes (within a few bytes), to reserve or to size a file.
    std::size_t approximateEventSize() const;

private:
    void appendFiller(std::string &out, std::size_t count);

    WorkloadKind m_kind;
    std::int64_t m_events = 0;
    std::uint64_t m_fillerState = 0x5EEDULL;
};

} // namespace SseBench

#endif // QTSSE_BENCH_WORKLOADS_H
