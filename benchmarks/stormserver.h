// SPDX-License-Identifier: BSD-3-Clause
// bench_storm's server: HTTP/1.1 on 127.0.0.1 in a thread of its own (POSIX sockets, one poll()
// loop), so that arrival times do not wait for the clients' event loop. Every request gets an
// endless event stream (chunked, one event); the time each request head arrives is recorded.
// drop() closes every connection and stops listening (a server that went away); listenAgain()
// listens on the same port again (the server is back).
#ifndef QTSSE_BENCH_STORMSERVER_H
#define QTSSE_BENCH_STORMSERVER_H

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace SseBench {

class StormServer
{
public:
    StormServer() = default;
    ~StormServer();
    StormServer(const StormServer &) = delete;
    StormServer &operator=(const StormServer &) = delete;

    bool start(); // listens on a free port and starts the thread
    int port() const { return m_port; }
    void drop();
    void listenAgain();
    // The steady_clock times (ns) of the request heads received so far, and forgets them.
    std::vector<std::int64_t> takeArrivals();

private:
    enum Command { None, Drop, Listen, Quit };
    void post(Command command);
    void loop();
    bool openListener();

    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<std::int64_t> m_arrivals;
    std::vector<Command> m_commands;
    int m_wakeFd = -1;
    int m_listenFd = -1;
    int m_port = 0;
};

} // namespace SseBench

#endif // QTSSE_BENCH_STORMSERVER_H
