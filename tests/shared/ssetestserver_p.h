// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSETESTSERVER_P_H
#define SSETESTSERVER_P_H

// SseTestServer's connections, shared by ssetestserver.cpp and ssetestgenerator.cpp.

#include "ssetestserver.h"

#include <QtNetwork/qtcpsocket.h>

// One accepted socket: the request parser and the running response script. A child of the
// socket, so its timers die with the socket; it touches the server only through a QPointer.
class SseTestServer::Connection : public QObject
{
public:
    Connection(QTcpSocket *socket, int index, SseTestServer *server)
        : QObject(socket), socket(socket), index(index), server(server)
    {
    }
    bool parse(); // true once the head and the body are complete
    void run(); // runs the steps up to the next pause or the end
    // Writes the bytes and counts them in bytesWritten(); recorded in writes() if record.
    void write(const QByteArray &bytes, bool record);
    // A Generate step (ssetestgenerator.cpp): writes as the socket drains, then run() goes on.
    void startGenerating(const Response::Step &step);

    QTcpSocket *const socket;
    const int index;
    const QPointer<SseTestServer> server;
    enum class Phase { Head, Body, ChunkSize, ChunkData, Trailers, Done } phase = Phase::Head;
    QByteArray buffer;
    qint64 remaining = 0;
    bool bad = false; // a malformed request: answered with 400, not recorded
    bool answered = false;
    Request request;
    QList<Response::Step> steps;

private:
    bool takeLine(QByteArray *line);
    void parseHead(const QByteArray &head);
    void pump(); // the running Generate step: writes until the socket's buffer is full

    Response::Step m_generating {Response::Step::Generate};
    qint64 m_generated = 0; // body bytes produced so far by the running Generate step
    bool m_pumping = false; // pump() is running (flush() may emit bytesWritten)
    QMetaObject::Connection m_drained;
};

#endif // SSETESTSERVER_P_H
