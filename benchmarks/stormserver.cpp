// SPDX-License-Identifier: BSD-3-Clause
#include "stormserver.h"

#include "pacedserver.h" // nowNs()

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>

namespace SseBench {

namespace {
struct Connection
{
    std::string head; // the request so far
    bool answered = false;
};

constexpr char ResponseHead[] = "HTTP/1.1 200 OK\r\n"
                                "Content-Type: text/event-stream\r\n"
                                "Cache-Control: no-cache\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n"
                                "d\r\ndata: hello\n\n\r\n";
} // namespace

StormServer::~StormServer()
{
    if (m_thread.joinable()) {
        post(Quit);
        m_thread.join();
    }
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

bool StormServer::openListener()
{
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0)
        return false;
    const int one = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(std::uint16_t(m_port));
    socklen_t length = sizeof address;
    if (::bind(m_listenFd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(m_listenFd, 4096) != 0
        || ::getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
        return false;
    }
    m_port = ntohs(address.sin_port);
    return true;
}

bool StormServer::start()
{
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeFd < 0 || !openListener())
        return false;
    m_thread = std::thread([this] { loop(); });
    return true;
}

void StormServer::post(Command command)
{
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_commands.push_back(command);
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
}

void StormServer::drop()
{
    post(Drop);
}

void StormServer::listenAgain()
{
    post(Listen);
}

std::vector<std::int64_t> StormServer::takeArrivals()
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return std::exchange(m_arrivals, {});
}

void StormServer::loop()
{
    std::unordered_map<int, Connection> connections;
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        fds.push_back({m_wakeFd, POLLIN, 0});
        if (m_listenFd >= 0)
            fds.push_back({m_listenFd, POLLIN, 0});
        for (const auto &[fd, connection] : connections)
            fds.push_back({fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
            return;
        for (const pollfd &p : fds) {
            if (!p.revents)
                continue;
            if (p.fd == m_wakeFd) {
                std::uint64_t count;
                [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &count, sizeof count);
                std::vector<Command> commands;
                {
                    const std::lock_guard<std::mutex> lock(m_mutex);
                    commands.swap(m_commands);
                }
                for (Command command : commands) {
                    if (command == Quit || command == Drop) {
                        if (m_listenFd >= 0)
                            ::close(std::exchange(m_listenFd, -1));
                        for (const auto &[fd, connection] : connections)
                            ::close(fd);
                        connections.clear();
                    }
                    if (command == Quit)
                        return;
                    if (command == Listen && m_listenFd < 0)
                        openListener();
                }
                break; // the fd set changed
            }
            if (p.fd == m_listenFd) {
                int fd;
                while ((fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC))
                       >= 0)
                    connections.emplace(fd, Connection());
                continue;
            }
            auto it = connections.find(p.fd);
            if (it == connections.end())
                continue;
            char buffer[4096];
            const ssize_t n = ::recv(p.fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                    continue;
                ::close(p.fd);
                connections.erase(it);
                continue;
            }
            Connection &c = it->second;
            if (c.answered)
                continue; // the stream is open: what the client sends is ignored
            c.head.append(buffer, std::size_t(n));
            if (c.head.find("\r\n\r\n") == std::string::npos)
                continue;
            {
                const std::lock_guard<std::mutex> lock(m_mutex);
                m_arrivals.push_back(PacedServer::nowNs());
            }
            [[maybe_unused]] const ssize_t w =
                    ::send(p.fd, ResponseHead, sizeof ResponseHead - 1, MSG_NOSIGNAL);
            c.answered = true;
            c.head.clear();
        }
    }
}

} // namespace SseBench
