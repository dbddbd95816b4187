// SPDX-License-Identifier: BSD-3-Clause
// llm-chat: a chat window on an LLM's token stream, in QML on `import QtSse` (SseLlmSource).
//     llm-chat --demo                          offline, against sse-demo-server (started here)
//     llm-chat --provider anthropic [--model M] [--url URL] [--api-key-env VAR]
// The key comes from the environment (or --api-key) and stays in memory: nothing is saved.
#include "chatapp.h"

#include <QtCore/qprocess.h>
#include <QtCore/qtimer.h>
#include <QtGui/qguiapplication.h>
#include <QtGui/qimage.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickwindow.h>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(LlmChatPlugin)

int main(int argc, char *argv[])
{
    // Before the QGuiApplication, which needs a display: --help and usage errors do not.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const ChatOptions options = parseChatArguments(arguments);

    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("llm-chat"));

    QProcess demoServer;
    QUrl demoBaseUrl;
    if (options.demo) {
        QString error;
        demoBaseUrl = startDemoServer(&demoServer, options.demoServer, &error);
        if (demoBaseUrl.isEmpty()) {
            std::fprintf(stderr, "llm-chat: %s\n", qPrintable(error));
            return 1;
        }
    }

    QQmlApplicationEngine engine;
    QQuickWindow *window = loadChat(engine, options, demoBaseUrl);
    if (!window)
        return 1;
    if (options.quitAfterMs > 0) {
        QTimer::singleShot(options.quitAfterMs, window, [window, &options] {
            if (!options.screenshot.isEmpty() && !window->grabWindow().save(options.screenshot))
                std::fprintf(stderr, "llm-chat: cannot save %s\n", qPrintable(options.screenshot));
            QCoreApplication::quit();
        });
    }
    const int result = app.exec();
    if (demoServer.state() != QProcess::NotRunning) {
        demoServer.terminate();
        demoServer.waitForFinished(5000);
    }
    return result;
}
