// SPDX-License-Identifier: BSD-3-Clause
// bench_workload KIND MB FILE: writes bench_parser's workload KIND (small, small_crlf, 1k, 1M,
// 8lines) to FILE, whole events up to at least MB * 10^6 bytes, and prints
// "events=N bytes=M" on stdout. scripts/bench-e2e.sh serves these files with nginx.
#include "workloads.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    SseBench::WorkloadKind kind;
    if (argc != 4 || !SseBench::workloadKindFromName(argv[1], &kind) || std::atof(argv[2]) <= 0) {
        std::fprintf(stderr, "usage: bench_workload small|small_crlf|1k|1M|8lines MB FILE\n");
        return 2;
    }
    const auto target = static_cast<long long>(std::atof(argv[2]) * 1e6);
    std::FILE *file = std::fopen(argv[3], "wb");
    if (!file) {
        std::perror(argv[3]);
        return 1;
    }
    SseBench::WorkloadGenerator generator(kind);
    // Slices of about 4 MB (at least one event), written as they are made.
    const auto perSlice = std::int64_t(4000000 / generator.approximateEventSize()) + 1;
    std::string slice;
    long long written = 0;
    while (written < target) {
        slice.clear();
        generator.append(slice, perSlice);
        if (std::fwrite(slice.data(), 1, slice.size(), file) != slice.size()) {
            std::perror(argv[3]);
            std::fclose(file);
            return 1;
        }
        written += static_cast<long long>(slice.size());
    }
    if (std::fclose(file) != 0) {
        std::perror(argv[3]);
        return 1;
    }
    std::printf("events=%lld bytes=%lld\n", static_cast<long long>(generator.events()), written);
    return 0;
}
