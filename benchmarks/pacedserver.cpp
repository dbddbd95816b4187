// SPDX-License-Identifier: BSD-3-Clause
#include "pacedserver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

namespace SseBench {

namespace {

bool writeAll(int fd, const char *data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

long long queryValue(const std::string &head, const char *name, long long fallback)
{
    const std::string key = std::string(name) + '=';
    const std::size_t lineEnd = head.find("\r\n");
    const std::size_t query = head.find('?');
    if (query == std::string::npos || query > lineEnd)
        return fallback;
    for (std::size_t pos = head.find(key, query); pos != std::string::npos && pos < lineEnd;
         pos = head.find(key, pos + 1)) {
        const char before = head[pos - 1];
        if (before == '?' || before == '&')
            return std::atoll(head.c_str() + pos + key.size());
    }
    return fallback;
}

void serveConnection(int fd)
{
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            ::close(fd);
            return;
        }
        head.append(buffer, std::size_t(n));
    }
    const long long count = queryValue(head, "n", 20000);
    const long long intervalNs = queryValue(head, "interval_us", 500) * 1000;
    const long long batch = std::max(1LL, queryValue(head, "batch", 1)); // events per write
    static const char responseHead[] = "HTTP/1.1 200 OK\r\n"
                                       "Content-Type: text/event-stream\r\n"
                                       "Cache-Control: no-cache\r\n"
                                       "X-Accel-Buffering: no\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n";
    if (!writeAll(fd, responseHead, sizeof responseHead - 1)) {
        ::close(fd);
        return;
    }
    timespec next;
    ::clock_gettime(CLOCK_MONOTONIC, &next);
    next.tv_nsec += 200 * 1000 * 1000; // the client is open by then
    char event[256];
    std::string chunk;
    for (long long i = 0; i < count;) {
        next.tv_nsec += long(intervalNs);
        next.tv_sec += next.tv_nsec / 1000000000;
        next.tv_nsec %= 1000000000;
        while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr) == EINTR) { }
        const long long stamp = PacedServer::nowNs();
        std::string events;
        for (long long b = 0; b < batch && i < count; ++b, ++i) {
            const int eventSize =
                    std::snprintf(event, sizeof event, "data: %lld %lld %.*s\n\n", stamp, i, 40,
                                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            events.append(event, std::size_t(eventSize));
        }
        char size[32];
        const int sizeLength = std::snprintf(size, sizeof size, "%zx\r\n", events.size());
        chunk.assign(size, std::size_t(sizeLength));
        chunk += events;
        chunk += "\r\n";
        if (!writeAll(fd, chunk.data(), chunk.size())) {
            ::close(fd);
            return;
        }
    }
    writeAll(fd, "0\r\n\r\n", 5);
    ::shutdown(fd, SHUT_WR);
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) { } // until the client closes
    ::close(fd);
}

} // namespace

bool PacedServer::listen()
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return false;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(m_fd, 128) != 0
        || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return false;
    m_port = ntohs(address.sin_port);
    return true;
}

void PacedServer::run()
{
    for (;;) {
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            std::perror("accept");
            std::exit(1);
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::thread(serveConnection, fd).detach();
    }
}

bool PacedServer::parseStamp(const char *data, std::int64_t *stampNs, std::int64_t *sequence)
{
    char *end = nullptr;
    errno = 0;
    *stampNs = std::strtoll(data, &end, 10);
    if (end == data || *end != ' ' || errno)
        return false;
    const char *const rest = end + 1;
    *sequence = std::strtoll(rest, &end, 10);
    return end != rest && errno == 0;
}

std::int64_t PacedServer::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

} // namespace SseBench
