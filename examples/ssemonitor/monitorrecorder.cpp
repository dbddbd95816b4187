// SPDX-License-Identifier: BSD-3-Clause
#include "monitorrecorder.h"

#include <QtCore/qdir.h>

using namespace Qt::StringLiterals;

MonitorRecorder::MonitorRecorder(QObject *parent) : QObject(parent)
{
    connect(&m_recorder, &SseRecorder::writeFailed, this, &MonitorRecorder::writeFailed);
}

void MonitorRecorder::setSource(QObject *source)
{
    if (m_source == source)
        return;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (source) {
        // By signature: the monitor reaches SseSource through QML only (it is the QtSse QML
        // module's type), and these are its signals.
        connect(source, SIGNAL(eventReceived(SseEvent)), this, SLOT(countEvent()));
        // Until the first bytes fix the head: a recording started before Connect names the
        // stream connected to afterwards.
        connect(source, SIGNAL(opened()), this, SLOT(takeUrl()));
    }
    if (m_writer.isOpen())
        m_recorder.start(source, &m_writer);
    Q_EMIT sourceChanged();
}

bool MonitorRecorder::start(const QUrl &file)
{
    stop();
    QString path;
    if (file.isLocalFile())
        path = file.toLocalFile();
    else if (file.scheme().isEmpty() && QDir::isAbsolutePath(file.path()))
        path = file.path();
    if (path.isEmpty()) {
        setError(tr("cannot record to %1").arg(file.toDisplayString()));
        return false;
    }
    const QUrl streamUrl = m_source ? m_source->property("url").toUrl() : QUrl();
    if (!m_writer.open(path, streamUrl)) {
        setError(m_writer.errorString());
        return false;
    }
    m_file = QUrl::fromLocalFile(path);
    m_events = 0;
    setError(QString());
    // From the next read on: a recording started in the middle of a stream starts there (the
    // reconnection time a server set before is not in it).
    m_recorder.start(m_source, &m_writer);
    Q_EMIT recordingChanged();
    Q_EMIT eventCountChanged();
    return true;
}

bool MonitorRecorder::stop()
{
    if (!m_writer.isOpen())
        return m_error.isEmpty();
    const bool ended = m_recorder.stop();
    const bool ok = m_writer.close() && ended;
    if (!ok)
        setError(m_writer.errorString());
    Q_EMIT recordingChanged();
    return ok;
}

void MonitorRecorder::takeUrl()
{
    if (m_source && m_writer.isOpen())
        m_writer.setUrl(m_source->property("url").toUrl());
}

void MonitorRecorder::countEvent()
{
    if (!m_writer.isOpen())
        return;
    ++m_events;
    Q_EMIT eventCountChanged();
}

void MonitorRecorder::writeFailed()
{
    setError(m_writer.errorString());
    m_recorder.stop();
    m_writer.close();
    Q_EMIT recordingChanged();
    Q_EMIT failed();
}

void MonitorRecorder::setError(const QString &error)
{
    if (m_error == error)
        return;
    m_error = error;
    Q_EMIT errorStringChanged();
}
