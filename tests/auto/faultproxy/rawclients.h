// SPDX-License-Identifier: BSD-3-Clause
// The two plain clients the FaultProxy tests talk to the proxy with.
#ifndef RAWCLIENTS_H
#define RAWCLIENTS_H

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qsocketnotifier.h>
#include <QtNetwork/qtcpsocket.h>

#include <cerrno>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

// A raw HTTP client: sends one GET and records every read with its time.
class RawClient : public QObject
{
public:
    explicit RawClient(quint16 port)
    {
        connect(&socket, &QTcpSocket::connected, this,
                [this] { socket.write("GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); });
        connect(&socket, &QTcpSocket::readyRead, this, [this] {
            const QByteArray bytes = socket.readAll();
            received += bytes;
            reads.append({clock.elapsed(), received.size()});
        });
        connect(&socket, &QTcpSocket::disconnected, this, [this] { done = true; });
        connect(&socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
            error = e;
            if (e != QAbstractSocket::RemoteHostClosedError)
                done = true;
        });
        clock.start();
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    QTcpSocket socket;
    QElapsedTimer clock;
    QByteArray received;
    QList<std::pair<qint64, qsizetype>> reads; // (ms since start, bytes received so far)
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
    bool done = false;
};

// A plain non-blocking socket read on a QSocketNotifier: recv() tells a FIN (0) from an RST
// (ECONNRESET) or a refusal (ECONNREFUSED), which QTcpSocket does not all tell apart, and it
// never connects again by itself (QTcpSocket does after an RST that beats its connect check).
class PosixClient : public QObject
{
public:
    explicit PosixClient(quint16 port) : fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0))
    {
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
            && errno != EINPROGRESS) {
            end = errno;
            return;
        }
        notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        connect(notifier.get(), &QSocketNotifier::activated, this, [this] {
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0)
                received.append(buffer, n);
            else if (n == 0 || errno != EAGAIN)
                end = n == 0 ? 0 : errno;
            if (end != Open)
                notifier->setEnabled(false);
        });
    }
    ~PosixClient() override
    {
        notifier.reset();
        ::close(fd);
    }
    bool send(const QByteArray &bytes) const
    {
        return ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
    }
    static constexpr int Open = -1;
    const int fd;
    std::unique_ptr<QSocketNotifier> notifier;
    QByteArray received;
    int end = Open; // Open, 0 (a FIN), or the errno (ECONNRESET, ECONNREFUSED)
};

#endif // RAWCLIENTS_H
