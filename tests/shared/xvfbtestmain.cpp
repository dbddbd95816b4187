// SPDX-License-Identifier: BSD-3-Clause
#include "xvfbtestmain.h"

#include "xvfbdisplay.h"

#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtGui/qguiapplication.h>

#include <cstdio>

static constexpr int StartTimeout = 20000; // generous: the suite must pass on a loaded machine

int runUnderXvfb(int &argc, char **argv, const XvfbTestOptions &options,
                 const std::function<int()> &runTests)
{
    QTemporaryDir home;
    if (!home.isValid()) {
        std::fprintf(stderr, "FAIL!  : %s: no temporary directory\n", options.name);
        return 1;
    }
    XvfbDisplay display;
    QString error;
    if (!display.start(options.screen, StartTimeout, &error)) {
        std::fprintf(stderr, "FAIL!  : %s: cannot start Xvfb: %s\n", options.name,
                     qPrintable(error));
        return 1;
    }
    qputenv("DISPLAY", display.name());
    qputenv("QT_QPA_PLATFORM", "xcb");
    if (options.temporaryHome) {
        qputenv("HOME", QFile::encodeName(home.path()));
        qunsetenv("XDG_DATA_HOME");
    }
    for (const char *name :
         {"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_CURRENT_DESKTOP", "WAYLAND_DISPLAY"})
        qunsetenv(name);

    int result = 0;
    {
        QGuiApplication app(argc, argv);
        if (options.nameApplication) {
            QCoreApplication::setOrganizationName(QStringLiteral("QtSse"));
            QCoreApplication::setApplicationName(QString::fromLatin1(options.name));
        }
        result = runTests();
    }
    display.stop();
    return result;
}
