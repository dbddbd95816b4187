// SPDX-License-Identifier: BSD-3-Clause
// NginxFixture: publishing to nchan with HTTP POSTs, pipelined on one keep-alive connection.
#include "nginxfixture.h"

#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpsocket.h>

using namespace Qt::StringLiterals;

namespace {

// Reads the pipelined answers of nchan's publisher: one head and a Content-Length body each.
struct AnswerReader
{
    QByteArray buffer;
    qsizetype answered = 0;
    QStringList ids;
    QString problem;

    void feed(const QByteArray &bytes)
    {
        buffer += bytes;
        qsizetype pos = 0;
        while (problem.isEmpty()) {
            const qsizetype end = buffer.indexOf("\r\n\r\n", pos);
            if (end < 0)
                break;
            const QByteArray head = buffer.mid(pos, end - pos);
            const int status = head.mid(9, 3).toInt(); // "HTTP/1.1 202 Accepted"
            qsizetype length = -1;
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
                    length = line.mid(colon + 1).trimmed().toLongLong();
            }
            if (length < 0) {
                problem = u"an answer without Content-Length: "_s + QString::fromLatin1(head);
                break;
            }
            if (buffer.size() < end + 4 + length)
                break;
            const QByteArray body = buffer.mid(end + 4, length);
            pos = end + 4 + length;
            if (status != 201 && status != 202) {
                problem = u"POST %1 answered: %2 %3"_s.arg(answered + 1)
                                  .arg(QString::fromLatin1(head.left(head.indexOf('\r'))),
                                       QString::fromUtf8(body.left(500)));
                break;
            }
            QString id;
            for (const QByteArray &line : body.split('\n')) {
                if (line.startsWith("last message id:"))
                    id = QString::fromLatin1(line.mid(16).trimmed());
            }
            ids.append(id);
            ++answered;
        }
        buffer.remove(0, pos);
    }
};

} // namespace

bool NginxFixture::publish(const QString &channel, const QByteArray &data, QStringList *ids,
                           int timeoutMs)
{
    return pipelinePost(channel, {data}, ids, timeoutMs);
}

bool NginxFixture::publishBatch(const QString &channel, const QList<QByteArray> &messages,
                                QStringList *ids, int timeoutMs)
{
    return pipelinePost(channel, messages, ids, timeoutMs);
}

bool NginxFixture::pipelinePost(const QString &channel, const QList<QByteArray> &messages,
                                QStringList *ids, int timeoutMs)
{
    if (ids)
        ids->clear();
    if (!isRunning())
        return fail(u"publish: nginx is not running"_s);
    if (messages.isEmpty())
        return true;
    const QByteArray head = "POST " + publisherUrl(channel).path(QUrl::FullyEncoded).toLatin1()
            + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
            + "\r\nAccept: text/plain\r\nContent-Type: text/plain\r\nContent-Length: ";
    QByteArray requests;
    for (const QByteArray &message : messages)
        requests += head + QByteArray::number(message.size()) + "\r\n\r\n" + message;

    QTcpSocket socket;
    AnswerReader reader;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    const qsizetype expected = messages.size();
    QObject::connect(&socket, &QTcpSocket::connected, &loop,
                     [&socket, &requests] { socket.write(requests); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        reader.feed(socket.readAll());
        if (reader.answered == expected || !reader.problem.isEmpty())
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, [&] {
        if (reader.answered < expected && reader.problem.isEmpty())
            reader.problem = u"publish connection: "_s + socket.errorString();
        loop.quit();
    });
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        reader.problem = u"publish: %1 of %2 POSTs answered within %3 ms"_s.arg(reader.answered)
                                 .arg(expected)
                                 .arg(timeoutMs);
        loop.quit();
    });
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    timer.start(timeoutMs);
    loop.exec();
    socket.abort();
    if (ids)
        *ids = reader.ids;
    if (!reader.problem.isEmpty())
        return fail(reader.problem);
    return reader.answered == expected || fail(u"publish: the connection ended early"_s);
}
