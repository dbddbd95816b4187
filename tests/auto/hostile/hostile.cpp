// SPDX-License-Identifier: BSD-3-Clause
#include "hostile.h"

#include <QtSse/SseEvent>

#include <QtCore/qeventloop.h>

#include <zlib.h>

namespace Hostile {

QByteArray longLineAt(const QByteArray &start, qint64 offset)
{
    static const QByteArray unit = "hostile h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac 0123456789 ";
    static const QByteArray block = unit.repeated(65536 / unit.size());
    if (offset < start.size())
        return start.mid(offset);
    return block.mid((offset - start.size()) % unit.size());
}

ServerThread::ServerThread(Handler handler)
{
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(
            m_context,
            [this, &handler] {
                m_server = new SseTestServer;
                m_server->setHandler(std::move(handler));
                if (m_server->listen())
                    m_base = m_server->url();
            },
            Qt::BlockingQueuedConnection);
}

ServerThread::~ServerThread()
{
    QMetaObject::invokeMethod(
            m_context,
            [this] {
                delete m_server; // its sockets are deleteLater()ed: when the thread ends
                delete m_context;
            },
            Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

struct GzipWriter::State
{
    z_stream z {};
};

GzipWriter::GzipWriter() : m_state(std::make_unique<State>())
{
    // 15 + 16: a gzip header and trailer around the deflate data.
    deflateInit2(&m_state->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

GzipWriter::~GzipWriter()
{
    deflateEnd(&m_state->z);
}

QByteArray GzipWriter::compress(const QByteArray &text, bool finish)
{
    z_stream &z = m_state->z;
    QByteArray out;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.constData()));
    z.avail_in = uInt(text.size());
    int status = Z_OK;
    do {
        char buffer[64 * 1024];
        z.next_out = reinterpret_cast<Bytef *>(buffer);
        z.avail_out = sizeof buffer;
        // Without finish, a sync flush: what was given is on the wire, decodable now.
        status = deflate(&z, finish ? Z_FINISH : Z_SYNC_FLUSH);
        out.append(buffer, qsizetype(sizeof buffer - z.avail_out));
    } while (z.avail_out == 0 || (finish && status != Z_STREAM_END));
    return out;
}

SseTestServer::Response::Producer gzipProducer(std::function<QByteArray(qint64 piece)> plain)
{
    auto gzip = std::make_shared<GzipWriter>();
    auto piece = std::make_shared<qint64>(0);
    auto done = std::make_shared<bool>(false);
    return [=](qint64) {
        QByteArray out;
        while (out.isEmpty() && !*done) {
            const QByteArray text = plain((*piece)++);
            *done = text.isEmpty();
            out = gzip->compress(text, *done);
        }
        return out;
    };
}

void occupy(Slot slot, int ms)
{
    if (slot == Slot::Blocks) {
        QThread::msleep(ms); // the application's own work, not a synchronisation
    } else if (slot == Slot::NestedLoop) {
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
    }
}

} // namespace Hostile
