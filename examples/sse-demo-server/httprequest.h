// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_HTTPREQUEST_H
#define DEMO_HTTPREQUEST_H

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qlist.h>
#include <QtCore/qurlquery.h>

#include <utility>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method, target, version; // target as sent: "/stream?drop=5"
    QByteArray path; // the target without the query
    QUrlQuery query;
    HttpHeaders headers;
    QByteArray body; // by Content-Length

    QByteArray header(QByteArrayView name) const; // case-insensitive, first match, trimmed
};

// Reads one HTTP/1.1 request head and its Content-Length body, fed in pieces as they arrive.
class HttpRequestReader
{
public:
    enum Result { NeedMore, Complete, Bad };

    Result feed(const QByteArray &bytes);
    const HttpRequest &request() const { return m_request; }
    int errorStatus() const { return m_errorStatus; } // 400, 411, 413, 431, 501, 505 on Bad
    QByteArray errorMessage() const { return m_errorMessage; }

private:
    Result fail(int status, QByteArray message);
    Result parseHead(QByteArrayView head);

    QByteArray m_buffer;
    HttpRequest m_request;
    bool m_headDone = false;
    qsizetype m_contentLength = 0;
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

QByteArray httpReasonPhrase(int status);
// The status line and headers, then the blank line.
QByteArray httpResponseHead(int status, const HttpHeaders &headers);
// A whole response with Content-Length, then a graceful close.
void sendHttpResponse(QTcpSocket *socket, int status, const QByteArray &contentType,
                      const QByteArray &body, const HttpHeaders &extraHeaders = {});
// An error as OpenAI-style APIs answer it: {"error":{"message":...,"type":...,"param":null,
// "code":...}} (code null when empty), with Content-Length, then a graceful close.
void sendJsonError(QTcpSocket *socket, int status, const QByteArray &message,
                   const QByteArray &type, const QByteArray &code,
                   const HttpHeaders &extraHeaders = {});
// Flush what is queued, then close; abort if the peer does not read it within a few seconds.
void closeGracefully(QTcpSocket *socket);

#endif // DEMO_HTTPREQUEST_H
