// SPDX-License-Identifier: BSD-3-Clause
// This process's resources, as bench_scale and bench_storm report them (Linux /proc and
// getrusage).
#ifndef QTSSE_BENCH_PROCSTATS_H
#define QTSSE_BENCH_PROCSTATS_H

#include <cstdint>

namespace SseBench {

struct ProcStats
{
    std::int64_t rssKiB = -1; // VmRSS (-1: unknown, e.g. out of file descriptors)
    std::int64_t heapKiB = -1; // bytes allocated by malloc and in use (mallinfo2)
    int threads = -1; // Threads
    int fds = -1; // entries of /proc/self/fd
    double cpuSeconds = 0; // user + system, all threads
    double wallSeconds = 0; // steady_clock, for CPU-per-second figures

    static ProcStats now();
    // Only cpuSeconds and wallSeconds: cheap enough not to count in an idle window itself.
    static ProcStats cpuNow();
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
long raiseFileLimit();

} // namespace SseBench

#endif // QTSSE_BENCH_PROCSTATS_H
