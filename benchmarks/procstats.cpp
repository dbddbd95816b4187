// SPDX-License-Identifier: BSD-3-Clause
#include "procstats.h"

#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace SseBench {

ProcStats ProcStats::now()
{
    ProcStats s;
    if (std::FILE *status = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, status)) {
            if (std::strncmp(line, "VmRSS:", 6) == 0)
                s.rssKiB = std::atoll(line + 6);
            else if (std::strncmp(line, "Threads:", 8) == 0)
                s.threads = std::atoi(line + 8);
        }
        std::fclose(status);
    }
    if (DIR *dir = opendir("/proc/self/fd")) {
        s.fds = 0;
        while (const dirent *entry = readdir(dir)) {
            if (entry->d_name[0] != '.')
                ++s.fds;
        }
        closedir(dir);
        --s.fds; // the directory stream itself
    }
    const struct mallinfo2 heap = mallinfo2();
    s.heapKiB = std::int64_t((heap.uordblks + heap.hblkhd) / 1024);
    const ProcStats cpu = cpuNow();
    s.cpuSeconds = cpu.cpuSeconds;
    s.wallSeconds = cpu.wallSeconds;
    return s;
}

ProcStats ProcStats::cpuNow()
{
    ProcStats s;
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    s.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    s.wallSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
                    .count();
    return s;
}

long raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
    return long(limit.rlim_cur);
}

} // namespace SseBench
