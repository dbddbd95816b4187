// SPDX-License-Identifier: BSD-3-Clause
#ifndef CHATAPP_H
#define CHATAPP_H

#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>

QT_BEGIN_NAMESPACE
class QProcess;
class QQmlApplicationEngine;
class QQuickWindow;
QT_END_NAMESPACE

// What `llm-chat [options]` was asked for.
struct ChatOptions
{
    int provider = 0; // 0 OpenAI Chat Completions, 1 OpenAI Responses, 2 Anthropic, 3 Gemini
    QString model; // empty: the provider's default in the window
    QUrl url; // the endpoint; empty: the provider's official one (or the demo server's)
    bool demo = false; // start sse-demo-server and talk to it
    QString demoServer; // its program (--demo-server), else the build tree's or PATH's
    // The key, held in memory only: from the environment (--api-key-env, else the provider's
    // usual variable) or the command line (--api-key). Never written anywhere.
    QByteArray apiKey;
    int quitAfterMs = 0; // 0: run until closed
    QString screenshot; // saved just before quitting (with quitAfterMs)
};

// Parses the command line; call it before the QGuiApplication exists, so that --help and
// mistakes need no display. --help: the usage on stdout, exit 0. A usage error: a message and
// a hint on stderr, exit 2.
ChatOptions parseChatArguments(const QStringList &arguments);

// Starts sse-demo-server (a child process) and returns the base URL it serves, or an empty URL
// and *error.
QUrl startDemoServer(QProcess *process, const QString &program, QString *error);

// Loads the chat window (qrc:/LlmChat/Main.qml) into the engine, with the QtSse module found in
// the build tree or on the QML import path. The window, or nullptr.
QQuickWindow *loadChat(QQmlApplicationEngine &engine, const ChatOptions &options,
                       const QUrl &demoBaseUrl);

#endif // CHATAPP_H
