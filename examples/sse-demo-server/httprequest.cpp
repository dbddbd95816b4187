// SPDX-License-Identifier: BSD-3-Clause
#include "httprequest.h"

#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qtimer.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qtcpsocket.h>

namespace {
constexpr qsizetype MaxHeadSize = 64 * 1024;
constexpr qsizetype MaxBodySize = 1024 * 1024;
constexpr int CloseGraceMs = 5000;
} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpRequestReader::Result HttpRequestReader::fail(int status, QByteArray message)
{
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    return Bad;
}

HttpRequestReader::Result HttpRequestReader::feed(const QByteArray &bytes)
{
    if (m_errorStatus != 0)
        return Bad;
    m_buffer += bytes;
    if (!m_headDone) {
        // Tolerate stray empty lines before the request line (RFC 9112 2.2).
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > MaxHeadSize)
                return fail(431, "Request header fields too large");
            return NeedMore;
        }
        const Result r = parseHead(QByteArrayView(m_buffer).first(end));
        if (r == Bad)
            return r;
        m_buffer.remove(0, end + 4);
        m_headDone = true;
    }
    if (m_buffer.size() < m_contentLength)
        return NeedMore;
    m_request.body = m_buffer.left(m_contentLength);
    m_buffer.clear();
    return Complete;
}

HttpRequestReader::Result HttpRequestReader::parseHead(QByteArrayView head)
{
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine.at(0).isEmpty() || requestLine.at(1).isEmpty())
        return fail(400, "Malformed request line");
    m_request.method = requestLine.at(0);
    m_request.target = requestLine.at(1);
    m_request.version = requestLine.at(2);
    if (!m_request.version.startsWith("HTTP/1."))
        return fail(505, "Only HTTP/1.x is supported");
    const QUrl url = QUrl::fromEncoded(m_request.target, QUrl::TolerantMode);
    if (!m_request.target.startsWith('/') || !url.isValid())
        return fail(400, "Malformed request target");
    m_request.path = url.path(QUrl::FullyEncoded).toLatin1();
    m_request.query = QUrlQuery(url);

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return fail(400, "Malformed header line");
        m_request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    if (!m_request.header("Transfer-Encoding").isEmpty())
        return fail(501, "Chunked request bodies are not supported; send Content-Length");
    const QByteArray length = m_request.header("Content-Length");
    if (!length.isEmpty()) {
        bool ok = false;
        m_contentLength = length.toLongLong(&ok);
        if (!ok || m_contentLength < 0)
            return fail(400, "Invalid Content-Length");
        if (m_contentLength > MaxBodySize)
            return fail(413, "Request body too large");
    }
    return Complete;
}

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

QByteArray httpResponseHead(int status, const HttpHeaders &headers)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status)
            + "\r\nServer: sse-demo-server\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    head += "\r\n";
    return head;
}

void sendHttpResponse(QTcpSocket *socket, int status, const QByteArray &contentType,
                      const QByteArray &body, const HttpHeaders &extraHeaders)
{
    HttpHeaders headers = extraHeaders;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    if (status != 204) // which must not have one
        headers.append({"Content-Length", QByteArray::number(body.size())});
    headers.emplaceBack("Connection", "close");
    socket->write(httpResponseHead(status, headers) + body);
    closeGracefully(socket);
}

void sendJsonError(QTcpSocket *socket, int status, const QByteArray &message,
                   const QByteArray &type, const QByteArray &code, const HttpHeaders &extraHeaders)
{
    const QJsonObject error {
            {QStringLiteral("message"), QString::fromUtf8(message)},
            {QStringLiteral("type"), QString::fromUtf8(type)},
            {QStringLiteral("param"), QJsonValue::Null},
            {QStringLiteral("code"),
             code.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(QString::fromUtf8(code))},
    };
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("error"), error}})
                                    .toJson(QJsonDocument::Compact)
            + '\n';
    sendHttpResponse(socket, status, "application/json", body, extraHeaders);
}

void closeGracefully(QTcpSocket *socket)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    // A timer owned by the socket: it dies with it, so it never fires on a deleted socket.
    QTimer::singleShot(CloseGraceMs, socket, [socket] { socket->abort(); });
    socket->disconnectFromHost();
}
