// SPDX-License-Identifier: BSD-3-Clause
#include "sserecorder.h"

#include <QtCore/qmetaobject.h>

namespace {
// Connects source's signal called name (whatever its arguments) to receiver's slot.
void connectByName(QObject *source, QByteArrayView name, QObject *receiver, const char *slot)
{
    const QMetaObject *const meta = source->metaObject();
    const int slotIndex = receiver->metaObject()->indexOfSlot(slot);
    for (int i = 0; i < meta->methodCount(); ++i) {
        const QMetaMethod method = meta->method(i);
        if (method.methodType() == QMetaMethod::Signal && method.name() == name) {
            QObject::connect(source, method, receiver, receiver->metaObject()->method(slotIndex));
            return;
        }
    }
    qWarning("SseRecorder: the source has no signal %s", name.data());
}
} // namespace

SseRecorder::SseRecorder(QObject *parent) : QObject(parent) { }

void SseRecorder::start(QObject *source, SseRecordingWriter *writer)
{
    stop();
    if (!source || !writer)
        return;
    m_source = source;
    m_writer = writer;
    m_pendingEndMs = -1;
    connectByName(source, "rawDataReceived", this, "recordBytes(QByteArray)");
    connectByName(source, "disconnected", this, "recordDisconnect()");
    connectByName(source, "errorOccurred", this, "recordError()");
    connectByName(source, "stateChanged", this, "settle()");
    connectByName(source, "opened", this, "settle()");
    connectByName(source, "closed", this, "settle()");
}

bool SseRecorder::stop()
{
    bool ok = true;
    if (m_writer && m_writer->isOpen())
        ok = m_pendingEndMs < 0 || writeEnd(SseRecording::End::Clean);
    m_pendingEndMs = -1;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = nullptr;
    m_writer = nullptr;
    return ok;
}

void SseRecorder::recordBytes(const QByteArray &data)
{
    if (!m_writer || !m_writer->isOpen())
        return;
    settle();
    check(m_writer->appendBytes(data));
}

void SseRecorder::recordDisconnect()
{
    if (!m_writer || !m_writer->isOpen())
        return;
    settle(); // (cannot be pending: a stream opened in between)
    m_pendingEndMs = m_writer->elapsedMs();
}

void SseRecorder::recordError()
{
    if (m_pendingEndMs >= 0)
        check(writeEnd(SseRecording::End::Error));
}

void SseRecorder::settle()
{
    if (m_pendingEndMs >= 0)
        check(writeEnd(SseRecording::End::Clean));
}

bool SseRecorder::writeEnd(SseRecording::End how)
{
    const qint64 at = std::exchange(m_pendingEndMs, -1);
    return m_writer && m_writer->appendEnd(at, how);
}

void SseRecorder::check(bool written)
{
    if (!written && m_writer)
        Q_EMIT writeFailed();
}
