// SPDX-License-Identifier: BSD-3-Clause
#include "sserecorder.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qvariant.h>

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
    m_inResponse = false;
    takeMaxEventSize();
    connectByName(source, "rawDataReceived", this, "recordBytes(QByteArray)");
    connectByName(source, "disconnected", this, "recordDisconnect()");
    connectByName(source, "errorOccurred", this, "recordError()");
    connectByName(source, "stateChanged", this, "settle()");
    connectByName(source, "opened", this, "recordOpened()");
    connectByName(source, "closed", this, "recordClosed()");
}

bool SseRecorder::stop()
{
    bool ok = true;
    if (m_writer && m_writer->isOpen())
        ok = m_pendingEndMs < 0 || writeEnd(SseRecording::End::Clean);
    m_pendingEndMs = -1;
    m_inResponse = false;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = nullptr;
    m_writer = nullptr;
    return ok;
}

void SseRecorder::recordBytes(const QByteArray &data)
{
    settle();
    // (settle() may have failed, and a slot of writeFailed() stopped the recording)
    if (!m_writer || !m_writer->isOpen())
        return;
    m_inResponse = true;
    check(m_writer->appendBytes(data));
}

void SseRecorder::recordDisconnect()
{
    settle(); // (cannot be pending: a stream opened in between)
    if (!m_writer || !m_writer->isOpen())
        return;
    m_inResponse = false;
    m_pendingEndMs = m_writer->elapsedMs();
}

void SseRecorder::recordOpened()
{
    settle();
    endClosed(); // (an SseClient emits closed() first; this is for a source that would not)
    takeMaxEventSize();
    m_inResponse = m_writer != nullptr;
}

void SseRecorder::recordClosed()
{
    settle();
    endClosed();
}

void SseRecorder::endClosed()
{
    if (!std::exchange(m_inResponse, false) || !m_writer || !m_writer->isOpen())
        return;
    check(m_writer->appendEnd(SseRecording::End::Closed));
}

void SseRecorder::takeMaxEventSize()
{
    if (!m_source || !m_writer)
        return;
    const QVariant size = m_source->property("maxEventSize");
    if (size.isValid() && size.toLongLong() > 0)
        m_writer->setMaxEventSize(size.toLongLong());
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
