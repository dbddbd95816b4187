// SPDX-License-Identifier: BSD-3-Clause
#include "monitorrecorder.h"

#include <QtCore/qdir.h>

using namespace Qt::StringLiterals;

MonitorRecorder::MonitorRecorder(QObject *parent) : QObject(parent) { }

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
        connect(source, SIGNAL(eventReceived(SseEvent)), this, SLOT(recordEvent(SseEvent)));
        connect(source, SIGNAL(commentReceived(QString)), this, SLOT(recordComment(QString)));
        connect(source, SIGNAL(serverReconnectionTimeChanged()), this, SLOT(recordRetry()));
    }
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
    m_lastRetry = -1;
    setError(QString());
    Q_EMIT recordingChanged();
    Q_EMIT eventCountChanged();
    // The reconnection time the server asked for already applies to what follows.
    recordRetry();
    return true;
}

bool MonitorRecorder::stop()
{
    if (!m_writer.isOpen())
        return m_error.isEmpty();
    const bool ok = m_writer.close();
    if (!ok)
        setError(m_writer.errorString());
    Q_EMIT recordingChanged();
    return ok;
}

void MonitorRecorder::takeUrl()
{
    // Until the first chunk fixes the head: a recording started before Connect names the
    // stream connected to afterwards.
    if (m_source)
        m_writer.setUrl(m_source->property("url").toUrl());
}

void MonitorRecorder::recordEvent(const SseEvent &event)
{
    if (!m_writer.isOpen())
        return;
    takeUrl();
    check(m_writer.appendEvent(event));
    Q_EMIT eventCountChanged();
}

void MonitorRecorder::recordComment(const QString &comment)
{
    if (!m_writer.isOpen())
        return;
    takeUrl();
    check(m_writer.appendComment(comment));
}

void MonitorRecorder::recordRetry()
{
    const int ms = m_source ? m_source->property("serverReconnectionTime").toInt() : -1;
    if (!m_writer.isOpen() || ms < 0 || ms == m_lastRetry)
        return;
    m_lastRetry = ms;
    takeUrl();
    check(m_writer.appendRetry(ms));
}

void MonitorRecorder::check(bool written)
{
    if (written)
        return;
    setError(m_writer.errorString());
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
