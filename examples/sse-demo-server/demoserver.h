// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_DEMOSERVER_H
#define DEMO_DEMOSERVER_H

#include <QtCore/qobject.h>
#include <QtCore/qrandom.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>

#include <memory>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;
class Replay;

struct DemoServerOptions
{
    int dropEverySec = 0; // default of the main stream's drop= (0: never)
    int failPercent = 0; // default of fail=
    quint32 seed = 1; // of the generator behind fail=, so runs are reproducible
    bool quiet = false; // no request log on stderr
    // --token: the bearer token /stream and the chat require ("Authorization: Bearer <token>").
    // Empty: /stream is open and the chat takes any bearer token.
    QByteArray token;
    // --replay: /stream serves this recording instead of the demo sequence (replaystream.h).
    std::shared_ptr<const Replay> replay;
};

// A minimal HTTP/1.1 server on 127.0.0.1: one request per connection, every response ends with
// "Connection: close". It never blocks; each client's state lives in objects owned by its
// socket, which is deleted when the client goes away.
class DemoServer : public QObject
{
    Q_OBJECT
public:
    explicit DemoServer(const DemoServerOptions &options, QObject *parent = nullptr);

    bool listen(quint16 port); // 0: any free port
    QString errorString() const;
    QUrl baseUrl() const; // http://127.0.0.1:PORT
    QUrl streamUrl() const; // baseUrl + /stream

private:
    void acceptConnections();
    void serve(QTcpSocket *socket);
    void route(QTcpSocket *socket, const HttpRequest &request);
    void serveStream(QTcpSocket *socket, const HttpRequest &request);
    // False (after a 401 with a JSON error body) unless the request may use the endpoint.
    bool authorize(QTcpSocket *socket, const HttpRequest &request, bool bearerRequired);
    QByteArray helpText() const;
    void log(const HttpRequest &request, const QByteArray &outcome) const;

    QTcpServer *m_server;
    DemoServerOptions m_options;
    QRandomGenerator m_random;
};

#endif // DEMO_DEMOSERVER_H
