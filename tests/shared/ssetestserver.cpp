// SPDX-License-Identifier: BSD-3-Clause
#include "ssetestserver_p.h"

#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpserver.h>

#include <sys/socket.h>

bool SseTestServer::Connection::takeLine(QByteArray *line)
{
    const qsizetype end = buffer.indexOf("\r\n");
    if (end < 0)
        return false;
    *line = buffer.left(end);
    buffer.remove(0, end + 2);
    return true;
}

void SseTestServer::Connection::parseHead(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3) {
        bad = true;
        return;
    }
    request.method = requestLine[0];
    request.target = requestLine[1];
    request.version = requestLine[2];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            bad = true;
            return;
        }
        request.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
}

bool SseTestServer::Connection::parse()
{
    buffer += socket->readAll();
    QByteArray line;
    bool ok = false;
    for (;;) {
        switch (phase) {
        case Phase::Head: {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            parseHead(buffer.left(end));
            buffer.remove(0, end + 4);
            if (bad) {
                phase = Phase::Done;
            } else if (request.header("Transfer-Encoding").toLower().contains("chunked")) {
                phase = Phase::ChunkSize;
            } else {
                remaining = request.header("Content-Length").trimmed().toLongLong();
                phase = Phase::Body;
            }
            break;
        }
        case Phase::Body: {
            const qsizetype n = qMin<qint64>(remaining, buffer.size());
            request.body += buffer.left(n);
            buffer.remove(0, n);
            remaining -= n;
            if (remaining > 0)
                return false;
            phase = Phase::Done;
            break;
        }
        case Phase::ChunkSize:
            if (!takeLine(&line))
                return false;
            if (const qsizetype extension = line.indexOf(';'); extension >= 0)
                line.truncate(extension);
            remaining = line.trimmed().toLongLong(&ok, 16);
            bad = !ok || remaining < 0;
            phase = bad ? Phase::Done : remaining == 0 ? Phase::Trailers : Phase::ChunkData;
            break;
        case Phase::ChunkData:
            if (buffer.size() < remaining + 2)
                return false;
            request.body += buffer.left(remaining);
            buffer.remove(0, remaining + 2);
            phase = Phase::ChunkSize;
            break;
        case Phase::Trailers:
            if (!takeLine(&line))
                return false;
            if (line.isEmpty())
                phase = Phase::Done;
            break;
        case Phase::Done:
            buffer.clear(); // anything after the request is ignored
            return true;
        }
    }
}

void SseTestServer::Connection::write(const QByteArray &bytes, bool record)
{
    socket->write(bytes);
    socket->flush();
    if (!server)
        return;
    server->m_bytesWritten[index] += bytes.size();
    if (record)
        server->m_writes[index].append(bytes);
}

void SseTestServer::Connection::run()
{
    while (!steps.isEmpty() && socket->state() == QAbstractSocket::ConnectedState) {
        const Response::Step step = steps.takeFirst();
        switch (step.kind) {
        case Response::Step::Send:
            write(step.bytes, true);
            break;
        case Response::Step::Generate:
            startGenerating(step);
            return;
        case Response::Step::Pause:
            QTimer::singleShot(step.ms, this, [this] { run(); });
            return;
        case Response::Step::Close:
            socket->disconnectFromHost(); // after the pending bytes are written
            return;
        case Response::Step::Abort:
            socket->abort();
            return;
        case Response::Step::Reset: {
            socket->flush();
            const linger option {1, 0}; // close() sends an RST
            ::setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &option,
                         sizeof option);
            socket->abort();
            return;
        }
        case Response::Step::HoldOpen:
            return;
        }
    }
}

SseTestServer::SseTestServer(QObject *parent) : QObject(parent), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &SseTestServer::acceptConnections);
}

SseTestServer::~SseTestServer()
{
    m_server->close();
    // deleteLater: this may run inside a slot connected to one of these sockets' signals.
    for (const QPointer<QTcpSocket> &socket : std::as_const(m_open)) {
        if (!socket)
            continue;
        socket->disconnect(this);
        socket->abort();
        socket->setParent(nullptr);
        socket->deleteLater();
    }
}

bool SseTestServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

quint16 SseTestServer::port() const
{
    return m_server->serverPort();
}

QHostAddress SseTestServer::address() const
{
    return m_server->serverAddress();
}

QUrl SseTestServer::url(const QString &path) const
{
    QUrl base;
    base.setScheme(QStringLiteral("http"));
    base.setHost(address().toString());
    base.setPort(port());
    return base.resolved(QUrl(path));
}

void SseTestServer::enqueue(const Response &response)
{
    m_queue.append(response);
}

void SseTestServer::setHandler(std::function<Response(const Request &)> handler)
{
    m_handler = std::move(handler);
}

QList<SseTestServer::Request> SseTestServer::requests() const
{
    return m_requests;
}

int SseTestServer::requestCount() const
{
    return int(m_requests.size());
}

int SseTestServer::connectionCount() const
{
    return m_connectionCount;
}

int SseTestServer::openConnections() const
{
    return int(m_open.size());
}

QList<QByteArray> SseTestServer::writes(int connection) const
{
    return m_writes.value(connection);
}

QByteArray SseTestServer::written(int connection) const
{
    return m_writes.value(connection).join();
}

qint64 SseTestServer::bytesWritten(int connection) const
{
    return m_bytesWritten.value(connection);
}

void SseTestServer::closeAllConnections()
{
    const QList<QPointer<QTcpSocket>> sockets = m_open.values();
    for (const QPointer<QTcpSocket> &socket : sockets) {
        if (socket)
            socket->abort(); // emits disconnected: connectionDisconnected() cleans up
    }
}

void SseTestServer::stopListening()
{
    m_server->close();
}

void SseTestServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // no Nagle: keep writes apart
        const int index = m_connectionCount++;
        auto *connection = new Connection(socket, index, this);
        m_open.insert(index, socket);
        m_writes.insert(index, {});
        m_bytesWritten.insert(index, 0);
        connect(socket, &QTcpSocket::readyRead, this,
                [this, connection] { readRequest(connection); });
        connect(socket, &QTcpSocket::disconnected, this,
                [this, index] { connectionDisconnected(index); });
        if (socket->bytesAvailable() > 0)
            readRequest(connection);
    }
}

void SseTestServer::readRequest(Connection *connection)
{
    if (connection->answered) {
        connection->socket->readAll(); // one request per connection; drain to avoid an RST
        return;
    }
    if (!connection->parse())
        return;
    connection->answered = true;
    if (connection->bad) {
        startResponse(connection, Response::status(400, "Bad Request"));
        return;
    }
    connection->request.connection = connection->index;
    m_requests.append(connection->request);
    const QPointer<SseTestServer> self(this);
    Q_EMIT requestReceived(connection->request);
    if (!self) // deleted by a slot
        return;
    Response response = Response::status(404, "Not Found");
    if (!m_queue.isEmpty())
        response = m_queue.takeFirst();
    else if (m_handler)
        response = m_handler(connection->request);
    if (self)
        startResponse(connection, response);
}

void SseTestServer::startResponse(Connection *connection, const Response &response)
{
    connection->steps = response.wireSteps();
    connection->run();
}

void SseTestServer::connectionDisconnected(int index)
{
    const auto it = m_open.find(index);
    if (it == m_open.end())
        return;
    if (QTcpSocket *socket = it.value()) {
        socket->setParent(nullptr); // not deleted by ~SseTestServer inside its own signal
        socket->deleteLater();
    }
    m_open.erase(it);
    Q_EMIT connectionClosed(index);
}
