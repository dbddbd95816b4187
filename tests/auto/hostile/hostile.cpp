// SPDX-License-Identifier: BSD-3-Clause
#include "hostile.h"

#include <QtSse/SseEvent>

#include <QtCore/qdir.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfile.h>

#include <unistd.h>
#include <zlib.h>

namespace Hostile {

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().simplified().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

int openFileDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

qint64 PeakMemory::highWaterMark()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).simplified().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

PeakMemory::PeakMemory()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    // "5" resets the peak resident set size (Linux 4.0).
    m_hwm = clear.open(QIODevice::WriteOnly) && clear.write("5") == 1 && clear.flush();
    m_baseline = residentBytes();
    m_peak = m_baseline;
    m_hwm = m_hwm && highWaterMark() >= 0 && highWaterMark() <= m_baseline + 1024 * 1024;
    if (!m_hwm) {
        connect(&m_timer, &QTimer::timeout, this, &PeakMemory::sample);
        m_timer.start(1);
    }
}

void PeakMemory::sample()
{
    m_peak = qMax(m_peak, residentBytes());
}

qint64 PeakMemory::growth()
{
    sample();
    if (m_hwm)
        m_peak = qMax(m_peak, highWaterMark());
    return m_peak - m_baseline;
}

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

void configure(SseClient &client, const QUrl &url)
{
    client.setUrl(url);
    client.setReconnectionTime(50);
    client.setJitterEnabled(false);
}

QList<SseClient::Error> errorsOf(const QSignalSpy &spy)
{
    QList<SseClient::Error> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseClient::Error>());
    return out;
}

QList<int> argsOf(const QSignalSpy &spy, int index)
{
    QList<int> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(index).toInt());
    return out;
}

QList<SseClient::State> statesOf(const QSignalSpy &spy)
{
    QList<SseClient::State> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<SseClient::State>());
    return out;
}

QStringList dataOf(const QSignalSpy &eventSpy)
{
    QStringList out;
    for (const QList<QVariant> &args : eventSpy)
        out.append(args.at(0).value<SseEvent>().data());
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
