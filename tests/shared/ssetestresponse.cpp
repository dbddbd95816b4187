// SPDX-License-Identifier: BSD-3-Clause
// SseTestServer::Request helpers and the SseTestServer::Response script builder.
#include "ssetestserver.h"

using Response = SseTestServer::Response;

static bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QByteArray SseTestServer::Request::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (sameName(name, h.first))
            return h.second;
    }
    return {};
}

bool SseTestServer::Request::hasHeader(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (sameName(name, h.first))
            return true;
    }
    return false;
}

static QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

Response Response::sse(int status)
{
    Response r;
    r.m_status = status;
    r.header("Content-Type", "text/event-stream")
            .header("Cache-Control", "no-cache")
            .header("Connection", "close");
    return r;
}

Response Response::status(int status, QByteArray body, QByteArray contentType)
{
    Response r;
    r.m_status = status;
    if (!contentType.isEmpty())
        r.header("Content-Type", contentType);
    r.header("Content-Length", QByteArray::number(body.size())).header("Connection", "close");
    return r.send(body);
}

Response Response::redirect(int status, QByteArray location)
{
    Response r = Response::status(status, {}, {});
    return r.header("Location", location);
}

Response Response::raw(QByteArray bytes)
{
    Response r;
    r.m_raw = true;
    r.m_rawHead = bytes;
    return r;
}

Response Response::silent()
{
    return raw({}).holdOpen();
}

Response &Response::header(QByteArray name, QByteArray value)
{
    for (auto &h : m_headers) {
        if (sameName(h.first, name)) {
            h = {name, value};
            return *this;
        }
    }
    m_headers.append({name, value});
    return *this;
}

Response &Response::removeHeader(QByteArray name)
{
    m_headers.removeIf(
            [&name](const QPair<QByteArray, QByteArray> &h) { return sameName(h.first, name); });
    return *this;
}

Response &Response::chunked()
{
    m_chunked = true;
    removeHeader("Content-Length");
    return header("Transfer-Encoding", "chunked");
}

Response &Response::send(QByteArray bytes)
{
    m_steps.append(Step(Step::Send, bytes));
    return *this;
}

Response &Response::sendSlowly(QByteArray bytes, int bytesPerWrite, int intervalMs)
{
    bytesPerWrite = qMax(1, bytesPerWrite);
    for (qsizetype i = 0; i < bytes.size(); i += bytesPerWrite) {
        if (i > 0)
            pause(intervalMs);
        send(bytes.mid(i, bytesPerWrite));
    }
    return *this;
}

Response &Response::pause(int ms)
{
    m_steps.append(Step(Step::Pause, {}, qMax(0, ms)));
    return *this;
}

Response &Response::close()
{
    m_steps.append(Step(Step::Close));
    return *this;
}

Response &Response::abort()
{
    m_steps.append(Step(Step::Abort));
    return *this;
}

Response &Response::reset()
{
    m_steps.append(Step(Step::Reset));
    return *this;
}

Response &Response::holdOpen()
{
    m_steps.append(Step(Step::HoldOpen));
    return *this;
}

Response &Response::headSlowly(int intervalMs)
{
    m_headIntervalMs = qMax(0, intervalMs);
    return *this;
}

Response &Response::generate(qint64 totalBytes, Producer produce)
{
    Step step(Step::Generate);
    step.produce = std::move(produce);
    step.total = totalBytes;
    m_steps.append(step);
    return *this;
}

Response &Response::repeat(QByteArray bytes, qint64 times)
{
    if (bytes.isEmpty())
        return *this;
    const qint64 total = times < 0 ? -1 : bytes.size() * times;
    // Pieces of about 64 KiB: the offset into the repetition is kept across them.
    const qsizetype copies = qMax<qsizetype>(1, 65536 / bytes.size());
    const QByteArray block = bytes.repeated(copies);
    return generate(total, [block, size = bytes.size()](qint64 offset) {
        return block.mid(offset % size);
    });
}

// Sends carry wire bytes (head, chunk framing); the list ends with exactly one of Close, Abort or
// HoldOpen, and Close is a bare disconnect (the final chunk is a Send before it).
QList<Response::Step> Response::wireSteps() const
{
    QByteArray head = m_rawHead;
    if (!m_raw) {
        head = "HTTP/1.1 " + QByteArray::number(m_status) + ' ' + reasonPhrase(m_status) + "\r\n";
        for (const auto &h : m_headers)
            head += h.first + ": " + h.second + "\r\n";
        head += "\r\n";
    }
    QList<Step> out;
    if (m_headIntervalMs >= 0) {
        for (qsizetype i = 0; i < head.size(); ++i) {
            if (i > 0)
                out.append(Step(Step::Pause, {}, m_headIntervalMs));
            out.append(Step(Step::Send, head.mid(i, 1)));
        }
    } else if (!head.isEmpty()) {
        out.append(Step(Step::Send, head));
    }
    for (const Step &step : m_steps) {
        switch (step.kind) {
        case Step::Send:
            if (step.bytes.isEmpty())
                break; // an empty chunk would end the body
            if (m_chunked) {
                const QByteArray size = QByteArray::number(step.bytes.size(), 16);
                out.append(Step(Step::Send, size + "\r\n" + step.bytes + "\r\n"));
            } else {
                out.append(step);
            }
            break;
        case Step::Pause:
            out.append(step);
            break;
        case Step::Generate: {
            Step framed = step;
            framed.chunked = m_chunked;
            out.append(framed);
            break;
        }
        case Step::Close:
            if (m_chunked)
                out.append(Step(Step::Send, "0\r\n\r\n"));
            out.append(step);
            return out;
        case Step::Abort:
        case Step::Reset:
        case Step::HoldOpen:
            out.append(step);
            return out;
        }
    }
    if (m_chunked)
        out.append(Step(Step::Send, "0\r\n\r\n"));
    out.append(Step(Step::Close));
    return out;
}
