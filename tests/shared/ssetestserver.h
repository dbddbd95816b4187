// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSETESTSERVER_H
#define SSETESTSERVER_H

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpair.h>
#include <QtCore/qpointer.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qhostaddress.h>

#include <functional>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

// A scriptable HTTP/1.1 server for the network tests. It runs in the test's thread, driven by the
// test's event loop (QSignalSpy::wait, QTRY_*); it never blocks. Each TCP connection carries one
// request and one scripted response, always with "Connection: close". A malformed request gets a
// 400 and is not recorded.
class SseTestServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method, target, version; // target = path + query as sent, e.g. "/stream?x=1"
        QList<QPair<QByteArray, QByteArray>> headers; // in order, names as sent
        QByteArray body; // by Content-Length, or de-chunked if chunked
        int connection = 0; // index of the TCP connection it arrived on
        QByteArray header(QByteArrayView name) const; // case-insensitive, first match, or null
        bool hasHeader(QByteArrayView name) const;
    };

    // A script of steps run in order for one request. The head (status line + headers, or the raw
    // bytes) is always written first; a script without close(), abort() or holdOpen() at the end
    // ends with close(). Steps after one of those three are ignored.
    class Response
    {
    public:
        // "Content-Type: text/event-stream", "Cache-Control: no-cache", "Connection: close"; the
        // body is close-delimited (no Content-Length) unless chunked().
        static Response sse(int status = 200);
        // With Content-Length and "Connection: close".
        static Response status(int status, QByteArray body = {},
                               QByteArray contentType = "text/plain");
        static Response redirect(int status, QByteArray location); // Location, Content-Length: 0
        // Exactly these bytes as the head (+ body); no automatic status line or headers.
        static Response raw(QByteArray bytes);
        // Read the request, never answer, keep the socket open.
        static Response silent();

        Response &header(QByteArray name, QByteArray value); // add, or replace case-insensitively
        Response &removeHeader(QByteArray name);
        Response &chunked(); // Transfer-Encoding: chunked; each send() is one chunk
        Response &send(QByteArray bytes); // one write of body bytes
        // Split into sends of bytesPerWrite bytes (each its own chunk if chunked()) with a pause
        // of intervalMs between them.
        Response &sendSlowly(QByteArray bytes, int bytesPerWrite, int intervalMs);
        Response &pause(int ms); // wait before the next step (a timer, never blocking)
        Response &close(); // clean end (the final chunk if chunked) and disconnect
        // Drop the connection now (chunked: no final chunk). A FIN, not an RST: for QNAM a
        // close-delimited body then ends without error.
        Response &abort();
        // Drop the connection with an RST (SO_LINGER 0): a reset connection for the client. Bytes
        // not yet delivered may be lost with it: pause() first to have them arrive.
        Response &reset();
        Response &holdOpen(); // keep the connection open until the server closes it
        Response &headSlowly(int intervalMs); // the head one byte per write at this interval

        // Body bytes made while they are sent, never all held in memory (a 100 MiB line, an
        // endless stream): produce(offset) returns the bytes that follow offset, any amount; they
        // are written as the socket drains (at most about 1 MiB waits in its buffer), each piece
        // its own chunk if chunked(). The step ends after totalBytes (the last piece is cut
        // there), or when produce() returns nothing; with totalBytes < 0 it goes on until the
        // connection closes. Not recorded in writes(); counted in bytesWritten().
        using Producer = std::function<QByteArray(qint64 offset)>;
        Response &generate(qint64 totalBytes, Producer produce);
        // generate() of the bytes over and over, times times (< 0: endless).
        Response &repeat(QByteArray bytes, qint64 times);

    private:
        friend class SseTestServer;
        struct Step
        {
            enum Kind { Send, Pause, Close, Abort, Reset, HoldOpen, Generate };
            explicit Step(Kind kind, QByteArray bytes = {}, int ms = 0)
                : kind(kind), bytes(bytes), ms(ms)
            {
            }
            Kind kind;
            QByteArray bytes;
            int ms;
            Producer produce = {}; // Generate
            qint64 total = -1; // Generate: bytes, < 0 endless
            bool chunked = false; // Generate: frame each piece as a chunk
        };
        int m_status = 200;
        bool m_raw = false;
        bool m_chunked = false;
        int m_headIntervalMs = -1;
        QByteArray m_rawHead;
        QList<QPair<QByteArray, QByteArray>> m_headers;
        QList<Step> m_steps;
        QList<Step> wireSteps() const; // the head + encoded body as writes, pauses and an end
    };

    explicit SseTestServer(QObject *parent = nullptr);
    ~SseTestServer() override; // aborts every connection; pending steps are dropped

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const;
    QHostAddress address() const;
    QUrl url(const QString &path = QStringLiteral("/")) const; // http://127.0.0.1:PORT/path?query

    void enqueue(const Response &response); // used in order, one per request
    // Used when the queue is empty; the default handler (also after setHandler({})) answers 404.
    void setHandler(std::function<Response(const Request &)> handler);

    QList<Request> requests() const;
    int requestCount() const;
    int connectionCount() const; // connections accepted so far (indexes 0..count-1)
    int openConnections() const;
    QList<QByteArray> writes(int connection) const; // every write to that connection, in order
    QByteArray written(int connection) const; // the same, concatenated
    qint64 bytesWritten(int connection) const; // all bytes written to it, generated ones included

    void closeAllConnections(); // abort every open connection (server stays listening)
    void stopListening(); // close the listening socket: further connections are refused

Q_SIGNALS:
    // Emitted once the head and body are complete and recorded in requests(), before the response
    // is chosen: a slot may still enqueue() or setHandler() for this very request.
    void requestReceived(const SseTestServer::Request &request);
    void connectionClosed(int connection);

private:
    class Connection;
    void acceptConnections();
    void readRequest(Connection *connection);
    void startResponse(Connection *connection, const Response &response);
    void connectionDisconnected(int index);

    QTcpServer *m_server;
    QList<Response> m_queue;
    std::function<Response(const Request &)> m_handler;
    QList<Request> m_requests;
    QHash<int, QPointer<QTcpSocket>> m_open;
    QHash<int, QList<QByteArray>> m_writes;
    QHash<int, qint64> m_bytesWritten;
    int m_connectionCount = 0;
};

Q_DECLARE_METATYPE(SseTestServer::Request)
Q_DECLARE_METATYPE(SseTestServer::Response)

#endif // SSETESTSERVER_H
