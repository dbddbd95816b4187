// SPDX-License-Identifier: BSD-3-Clause
// SseTestServer's Generate step: body bytes made as the socket drains, so that a 100 MiB line or
// an endless stream never sits in memory.
#include "ssetestserver_p.h"

#include <QtCore/qscopeguard.h>

namespace {
// Refill when fewer bytes than this wait in the socket's buffer: enough to keep loopback busy,
// little enough to keep the server's memory flat.
constexpr qint64 HighWater = 1024 * 1024;
}

void SseTestServer::Connection::startGenerating(const Response::Step &step)
{
    m_generating = step;
    m_generated = 0;
    m_drained = connect(socket, &QTcpSocket::bytesWritten, this, [this] { pump(); });
    pump();
}

void SseTestServer::Connection::pump()
{
    if (m_pumping)
        return; // flush() inside write() emitted bytesWritten: the loop below goes on
    m_pumping = true;
    auto done = qScopeGuard([this] { m_pumping = false; });
    const qint64 total = m_generating.total;
    bool finished = false;
    while (socket->state() == QAbstractSocket::ConnectedState
           && socket->bytesToWrite() < HighWater) {
        if (total >= 0 && m_generated >= total) {
            finished = true;
            break;
        }
        QByteArray piece = m_generating.produce(m_generated);
        if (total >= 0 && piece.size() > total - m_generated)
            piece.truncate(total - m_generated);
        if (piece.isEmpty()) {
            finished = true;
            break;
        }
        m_generated += piece.size();
        if (m_generating.chunked)
            piece = QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
        write(piece, false);
    }
    if (!finished)
        return; // more when the socket drains, or the connection is gone
    disconnect(m_drained);
    m_generating = Response::Step(Response::Step::Generate);
    done.dismiss();
    m_pumping = false;
    run(); // the steps after this one
}
