// SPDX-License-Identifier: BSD-3-Clause
#ifndef MONITORAPP_H
#define MONITORAPP_H

#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariantmap.h>

QT_BEGIN_NAMESPACE
class QQmlApplicationEngine;
class QQuickWindow;
QT_END_NAMESPACE

// What `ssemonitor [options] [URL]` was asked for.
struct MonitorOptions
{
    QUrl url; // empty: open the window without connecting
    QString method = QStringLiteral("GET");
    QVariantMap headers;
    QString body;
    int capacity = 5000;
    int maxEventSize = 0; // 0: SseSource's default
    QUrl recording; // --open: a recording shown offline at start
    bool measure = false; // print frames/s and events/s to stderr every second
    int quitAfterMs = 0; // 0: run until closed
    QString screenshot; // saved just before quitting (with quitAfterMs)
};

// Parses the command line; call it before the QGuiApplication exists, so that --help and
// mistakes need no display. --help: the usage on stdout, exit 0. A usage error: a message and
// a hint on stderr, exit 2.
MonitorOptions parseMonitorArguments(const QStringList &arguments);

// Loads the monitor's window (qrc:/SseMonitor/Main.qml) into the engine, with the QtSse module
// found in the build tree or on the QML import path. The window, or nullptr.
QQuickWindow *loadMonitor(QQmlApplicationEngine &engine, const MonitorOptions &options);

// --measure: once a second, frames/s, the longest frame interval and events/s on stderr.
void startMeasuring(QQuickWindow *window);

#endif // MONITORAPP_H
