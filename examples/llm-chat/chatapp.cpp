// SPDX-License-Identifier: BSD-3-Clause
#include "chatapp.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstandardpaths.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQuick/qquickwindow.h>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace {

const QStringList Providers = {u"openai"_s, u"openai-responses"_s, u"anthropic"_s, u"gemini"_s};
const QStringList KeyVariables = {u"OPENAI_API_KEY"_s, u"OPENAI_API_KEY"_s, u"ANTHROPIC_API_KEY"_s,
                                  u"GEMINI_API_KEY"_s};

[[noreturn]] void usageError(const QString &message)
{
    std::fprintf(stderr, "llm-chat: %s\nTry 'llm-chat --help' for more information.\n",
                 qPrintable(message));
    std::exit(2);
}

} // namespace

ChatOptions parseChatArguments(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"A chat window on an LLM's token stream (QtSse's SseLlmSource).\n"
            "  llm-chat --demo                      offline, against sse-demo-server\n"
            "  llm-chat --provider anthropic        the provider's endpoint; the key from\n"
            "                                       ANTHROPIC_API_KEY (OPENAI_API_KEY,\n"
            "                                       GEMINI_API_KEY)\n"
            "  llm-chat --url URL --api-key-env VAR any compatible endpoint"_s);
    parser.addHelpOption();
    parser.addOptions({
            {u"demo"_s, u"Start sse-demo-server and chat with it (no key, no network)."_s},
            {u"demo-server"_s, u"The sse-demo-server program for --demo."_s, u"PATH"_s},
            {u"provider"_s, u"openai (Chat Completions), openai-responses, anthropic or gemini."_s,
             u"NAME"_s, u"openai"_s},
            {u"model"_s, u"The model to ask."_s, u"MODEL"_s},
            {u"url"_s, u"The streaming endpoint (default: the provider's)."_s, u"URL"_s},
            {u"api-key-env"_s, u"Read the key from this environment variable."_s, u"VAR"_s},
            {u"api-key"_s,
             u"The key itself (visible to other users in the process list: prefer "
             "--api-key-env)."_s,
             u"KEY"_s},
            {u"quit-after"_s, u"Quit after MS milliseconds."_s, u"MS"_s, u"0"_s},
            {u"screenshot"_s, u"With --quit-after: save the window to FILE first."_s, u"FILE"_s},
    });
    if (!parser.parse(arguments))
        usageError(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        QString help = parser.helpText();
        help.replace(u"<executable_name>"_s, u"llm-chat"_s);
        std::fputs(qPrintable(help), stdout);
        std::exit(0);
    }
    if (!parser.positionalArguments().isEmpty())
        usageError(u"unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst()));

    ChatOptions options;
    options.provider = int(Providers.indexOf(parser.value(u"provider"_s).toLower()));
    if (options.provider < 0)
        usageError(u"--provider wants one of %1, not '%2'"_s.arg(Providers.join(u", "_s),
                                                                 parser.value(u"provider"_s)));
    options.model = parser.value(u"model"_s);
    options.demo = parser.isSet(u"demo"_s);
    options.demoServer = parser.value(u"demo-server"_s);
    if (parser.isSet(u"url"_s)) {
        if (options.demo)
            usageError(u"--url and --demo exclude each other"_s);
        options.url = QUrl(parser.value(u"url"_s), QUrl::StrictMode);
        if (!options.url.isValid()
            || (options.url.scheme() != u"https"_s && options.url.scheme() != u"http"_s))
            usageError(u"--url wants an http or https URL, not '%1'"_s.arg(parser.value(u"url"_s)));
    }
    if (parser.isSet(u"api-key"_s)) {
        options.apiKey = parser.value(u"api-key"_s).toUtf8();
    } else {
        const QString variable = parser.isSet(u"api-key-env"_s) ? parser.value(u"api-key-env"_s)
                                                                : KeyVariables.at(options.provider);
        options.apiKey = qgetenv(qPrintable(variable)).trimmed();
        if (options.apiKey.isEmpty() && !options.demo && parser.isSet(u"api-key-env"_s))
            usageError(u"the environment variable %1 holds no key"_s.arg(variable));
    }
    bool ok = false;
    options.quitAfterMs = parser.value(u"quit-after"_s).toInt(&ok);
    if (!ok || options.quitAfterMs < 0)
        usageError(u"--quit-after wants a number of milliseconds"_s);
    options.screenshot = parser.value(u"screenshot"_s);
    return options;
}

QUrl startDemoServer(QProcess *process, const QString &program, QString *error)
{
    QString path = program;
#ifdef LLMCHAT_DEMO_SERVER_PATH
    if (path.isEmpty() && QFileInfo::exists(QStringLiteral(LLMCHAT_DEMO_SERVER_PATH)))
        path = QStringLiteral(LLMCHAT_DEMO_SERVER_PATH);
#endif
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(u"sse-demo-server"_s);
    if (path.isEmpty()) {
        *error = u"sse-demo-server not found: install it or give --demo-server PATH"_s;
        return {};
    }
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(path, {u"--quiet"_s});
    if (!process->waitForStarted(10000)) {
        *error = u"cannot start %1: %2"_s.arg(path, process->errorString());
        return {};
    }
    // Its first line is the URL of its main stream.
    while (!process->canReadLine()) {
        if (!process->waitForReadyRead(10000)) {
            *error = u"%1 printed no URL"_s.arg(path);
            return {};
        }
    }
    QUrl url(QString::fromUtf8(process->readLine().trimmed()));
    url.setPath(QString());
    return url;
}

QQuickWindow *loadChat(QQmlApplicationEngine &engine, const ChatOptions &options,
                       const QUrl &demoBaseUrl)
{
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        qputenv("QT_QUICK_CONTROLS_STYLE", "Fusion");
#ifdef QTSSE_BUILD_QML_DIR
    engine.addImportPath(QStringLiteral(QTSSE_BUILD_QML_DIR));
#endif
    engine.setInitialProperties({
            {u"initialProvider"_s, options.provider},
            {u"initialModel"_s, options.model},
            {u"endpointUrl"_s, options.url.toString()},
            {u"demoBaseUrl"_s, demoBaseUrl.toString()},
            // In memory only, handed to the stream; the window shows whether there is one.
            {u"apiKey"_s, QString::fromUtf8(options.apiKey)},
    });
    engine.load(QUrl(u"qrc:/LlmChat/Main.qml"_s));
    const QList<QObject *> roots = engine.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.constFirst());
}
