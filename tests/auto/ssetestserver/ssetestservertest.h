// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSETESTSERVERTEST_H
#define SSETESTSERVERTEST_H

// What the self-tests of SseTestServer share: they check it against a plain QTcpSocket
// (RawClient) and a plain QNetworkAccessManager (Fetch).
#include "ssetestserver.h"

#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;

constexpr int Timeout = 15000; // generous: the suite must pass on a loaded machine

// A raw TCP client: connects, writes the request (optionally in pieces, each in its own event
// loop turn), and collects everything until the server closes.
class RawClient : public QObject
{
public:
    explicit RawClient(const SseTestServer &server)
    {
        connect(&socket, &QTcpSocket::readyRead, this, [this] { received += socket.readAll(); });
        connect(&socket, &QTcpSocket::disconnected, this, [this] {
            received += socket.readAll();
            closed = true;
        });
        socket.connectToHost(server.address(), server.port());
        if (!QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; },
                             Timeout))
            qWarning("RawClient: not connected");
    }
    ~RawClient() override { socket.disconnect(this); } // ~QAbstractSocket emits disconnected
    void write(const QByteArray &bytes, int piece = 0)
    {
        for (qsizetype i = 0; i<bytes.size(); i += piece> 0 ? piece : bytes.size()) {
            if (i > 0)
                QTest::qWait(5); // only to split the bytes into separate TCP segments
            socket.write(bytes.mid(i, piece > 0 ? piece : bytes.size()));
            socket.flush();
        }
    }
    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

// A QNetworkReply with its body collected as it arrives.
struct Fetch
{
    Fetch(QNetworkAccessManager &nam, const QNetworkRequest &request,
          const QByteArray &verb = "GET", const QByteArray &body = {})
        : reply(nam.sendCustomRequest(request, verb, body))
    {
        QObject::connect(reply.get(), &QNetworkReply::readyRead, reply.get(), [this] {
            ++readyReads;
            received += reply->readAll();
        });
        QObject::connect(reply.get(), &QNetworkReply::finished, reply.get(), [this] {
            if (reply->isOpen()) // not after abort() or a timeout
                received += reply->readAll();
            finished = true;
        });
    }
    int status() const
    {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    QByteArray received;
    int readyReads = 0;
    bool finished = false;
    std::unique_ptr<QNetworkReply> reply; // last: destroyed first
};

inline QByteArray getRequest(const QByteArray &target = "/")
{
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

#endif // SSETESTSERVERTEST_H
