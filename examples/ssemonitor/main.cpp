// SPDX-License-Identifier: BSD-3-Clause
// ssemonitor: a live view of a Server-Sent Events stream (issue 5), in QML on `import QtSse`.
//     ssemonitor [-X METHOD] [-H "Name: value"]... [-d BODY] [URL]
// Given a URL it connects at once. --measure prints frames/s and events/s to stderr;
// --quit-after MS [--screenshot FILE] are for scripted runs.
#include "monitorapp.h"

#include <QtCore/qtimer.h>
#include <QtGui/qguiapplication.h>
#include <QtGui/qimage.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickwindow.h>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(SseMonitorPlugin)

int main(int argc, char *argv[])
{
    // Before the QGuiApplication, which needs a display: --help and usage errors do not.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const MonitorOptions options = parseMonitorArguments(arguments);

    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("QtSse"));
    QCoreApplication::setApplicationName(QStringLiteral("ssemonitor"));

    QQmlApplicationEngine engine;
    QQuickWindow *window = loadMonitor(engine, options);
    if (!window)
        return 1;
    if (options.measure)
        startMeasuring(window);
    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, window, [window, &options] {
            if (!options.screenshot.isEmpty() && !window->grabWindow().save(options.screenshot))
                std::fprintf(stderr, "ssemonitor: cannot save %s\n",
                             qPrintable(options.screenshot));
            QCoreApplication::quit();
        });
    }
    return app.exec();
}
