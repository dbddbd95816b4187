// SPDX-License-Identifier: BSD-3-Clause
// A minimal HTTP/1.1 event-stream server for bench_latency, on plain POSIX sockets so that its
// timing does not depend on an event loop: one thread per connection writes events on a fixed
// schedule (absolute CLOCK_MONOTONIC sleeps), each stamped with steady_clock right before its
// write(). The request's query sets the schedule: GET /any?n=20000&interval_us=500&batch=1
// (batch: events per write, all stamped at that write).
// Each event: "data: <stamp ns> <sequence number> <padding>\n\n" (~64 bytes of data), one HTTP
// chunk per write, TCP_NODELAY; the stream ends with the last chunk.
#ifndef QTSSE_BENCH_PACEDSERVER_H
#define QTSSE_BENCH_PACEDSERVER_H

#include <cstdint>

namespace SseBench {

class PacedServer
{
public:
    // Listens on 127.0.0.1 at a free port; false (with errno set) if it could not.
    bool listen();
    int port() const { return m_port; }
    // Accepts and serves connections (each in a thread of its own) until the process ends.
    [[noreturn]] void run();

    // Parses "<stamp ns> <sequence>" at the start of an event's data; false if malformed.
    static bool parseStamp(const char *data, std::int64_t *stampNs, std::int64_t *sequence);
    static std::int64_t nowNs(); // std::chrono::steady_clock (CLOCK_MONOTONIC on Linux)

private:
    int m_fd = -1;
    int m_port = 0;
};

} // namespace SseBench

#endif // QTSSE_BENCH_PACEDSERVER_H
