// SPDX-License-Identifier: BSD-3-Clause
#include "monitorapp.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qtimer.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQuick/qquickwindow.h>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace {
[[noreturn]] void usageError(const QString &message)
{
    std::fprintf(stderr, "ssemonitor: %s\nTry 'ssemonitor --help' for more information.\n",
                 qPrintable(message));
    std::exit(2);
}

int numberOption(const QCommandLineParser &parser, const QString &name, int min, int max)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max)
        usageError(u"--%1 wants a number from %2 to %3, not '%4'"_s.arg(name).arg(min).arg(max).arg(
                parser.value(name)));
    return value;
}
} // namespace

MonitorOptions parseMonitorArguments(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"A Server-Sent Events monitor: connects to URL at once when one is given."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"URL"_s, u"The event stream to open."_s, u"[URL]"_s);
    parser.addOptions({
            {{u"X"_s, u"method"_s}, u"HTTP method (GET, POST...)."_s, u"METHOD"_s, u"GET"_s},
            {{u"H"_s, u"header"_s},
             u"A request header \"Name: value\" (repeatable)."_s,
             u"HEADER"_s},
            {{u"d"_s, u"data"_s}, u"Request body (for POST)."_s, u"BODY"_s},
            {u"capacity"_s, u"Events kept in the table."_s, u"N"_s, u"5000"_s},
            {u"max-event-size"_s,
             u"The largest event accepted (default 16 MiB); a larger one is an error, shown with "
             u"the last bytes received."_s,
             u"BYTES"_s},
            {u"open"_s,
             u"Show the recording FILE offline (ssecat --record, the monitor's Record) instead "
             u"of connecting."_s,
             u"FILE"_s},
            {u"measure"_s, u"Print frames/s and events/s to stderr every second."_s},
            {u"quit-after"_s, u"Quit after MS milliseconds."_s, u"MS"_s, u"0"_s},
            {u"screenshot"_s, u"With --quit-after: save the window to FILE first."_s, u"FILE"_s},
    });
    // parse(), not process(): process() wants the application object, and this runs first.
    if (!parser.parse(arguments))
        usageError(parser.errorText());
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s)) {
        // Without an application object the parser cannot name the program: it says
        // <executable_name>.
        QString help = parser.helpText();
        help.replace(u"<executable_name>"_s, u"ssemonitor"_s);
        std::fputs(qPrintable(help), stdout);
        std::exit(0);
    }

    MonitorOptions options;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        usageError(u"one URL at most, not %1"_s.arg(positional.size()));
    if (!positional.isEmpty())
        options.url = QUrl::fromUserInput(positional.constFirst());
    options.method = parser.value(u"method"_s).toUpper();
    if (parser.isSet(u"data"_s)) {
        options.body = parser.value(u"data"_s);
        if (!parser.isSet(u"method"_s))
            options.method = u"POST"_s;
    }
    for (const QString &header : parser.values(u"header"_s)) {
        const qsizetype colon = header.indexOf(u':');
        if (colon > 0)
            options.headers.insert(header.left(colon).trimmed(), header.mid(colon + 1).trimmed());
    }
    options.capacity = numberOption(parser, u"capacity"_s, 10, 1000000);
    if (parser.isSet(u"max-event-size"_s))
        options.maxEventSize = numberOption(parser, u"max-event-size"_s, 16, 1 << 30);
    if (parser.isSet(u"open"_s)) {
        if (!positional.isEmpty())
            usageError(u"--open shows a recording offline: no URL with it"_s);
        options.recording =
                QUrl::fromLocalFile(QFileInfo(parser.value(u"open"_s)).absoluteFilePath());
    }
    options.measure = parser.isSet(u"measure"_s);
    options.quitAfterMs = numberOption(parser, u"quit-after"_s, 0, 24 * 3600 * 1000);
    options.screenshot = parser.value(u"screenshot"_s);
    return options;
}

QQuickWindow *loadMonitor(QQmlApplicationEngine &engine, const MonitorOptions &options)
{
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        qputenv("QT_QUICK_CONTROLS_STYLE", "Fusion");
#ifdef QTSSE_BUILD_QML_DIR
    engine.addImportPath(QStringLiteral(QTSSE_BUILD_QML_DIR));
#endif
    engine.setInitialProperties({
            {u"initialUrl"_s, options.url.toString()},
            {u"initialMethod"_s, options.method},
            {u"initialHeaders"_s, options.headers},
            {u"initialBody"_s, options.body},
            {u"capacity"_s, options.capacity},
            {u"maxEventSize"_s, options.maxEventSize},
            {u"initialRecording"_s, options.recording},
    });
    engine.load(QUrl(u"qrc:/SseMonitor/Main.qml"_s));
    const QList<QObject *> roots = engine.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.constFirst());
}

void startMeasuring(QQuickWindow *window)
{
    struct Counters
    {
        QElapsedTimer clock;
        QElapsedTimer sinceFrame;
        int frames = 0;
        qint64 longestFrameMs = 0;
        double lastEvents = 0;
    };
    auto *counters = new Counters;
    counters->clock.start();
    counters->sinceFrame.start();
    QObject::connect(
            window, &QQuickWindow::frameSwapped, window,
            [counters] {
                ++counters->frames;
                counters->longestFrameMs =
                        qMax(counters->longestFrameMs, counters->sinceFrame.restart());
            },
            Qt::DirectConnection);
    auto *timer = new QTimer(window);
    QObject::connect(timer, &QTimer::timeout, window, [window, counters] {
        const QObject *source = window->findChild<QObject *>(u"source"_s);
        const double events = source ? source->property("eventCount").toDouble() : 0;
        const double seconds = double(counters->clock.restart()) / 1000.0;
        // A frame interval counts from the last frame, also across a quiet second.
        const qint64 longest = qMax(counters->longestFrameMs, counters->sinceFrame.elapsed());
        std::fprintf(stderr,
                     "measure: %.1f frames/s, longest frame interval %lld ms, %.0f events/s, "
                     "%.0f events in total\n",
                     counters->frames / seconds, static_cast<long long>(longest),
                     qMax(0.0, events - counters->lastEvents) / seconds, events);
        counters->frames = 0;
        counters->longestFrameMs = 0;
        counters->lastEvents = events;
    });
    QObject::connect(window, &QObject::destroyed, window, [counters] { delete counters; });
    timer->start(1000);
}
