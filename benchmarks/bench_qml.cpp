// SPDX-License-Identifier: BSD-3-Clause
// The QML path's cost, against the C++ one, on the same stream (scripts/bench-qml.sh).
//
//   bench_qml MODE URL [--import DIR] [--seconds S] [--label TEXT] [--qml FILE]
//
// Throughput modes read the whole stream (a static file; maxRetries 0, so the end of the file
// ends the run) with the same handler, n += 1 and bytes += the data's length, and print one row:
// events, events/s (from open() to the end), CPU µs per event (user + sys of the process over
// the same span):
//   cpp-signal     SseClient::eventReceived -> a lambda
//   cpp-listener   SseClient::addEventListener("message", ...) -> a lambda
//   qml-source     SseSource { onEventReceived: (event) => ... }
//   qml-handler    SseSource { SseEventHandler { onEventReceived: (event) => ... } }
//   qml-handler-data  the same SseEventHandler with onDataReceived: (data) => ...
//   qml-batch      SseSource { onEventsReceived: (events) => for each ... } (batchedDelivery)
// (the QML handlers count into one object by its id: the same JavaScript in every mode)
//   qml-batch-sum  the same batches, summed in local variables and written to the object once
//                  per batch: how a batch handler is written, the cost of the delivery itself
//   qml-batch-lists   SseSource { onBatchReceived: (types, data) => ... }, summed as above
// --qml FILE replaces the mode's QML with the file's (a root with the same properties).
// Window modes show a window for S seconds (default 10) fed by a paced stream, and print the
// process's CPU use (% of one core), frames per second, frame intervals p50/p99 (ms) and the
// events received:
//   model-window   ListView on SseEventModel (capacity 1000), qml/README.md's delegate
//   model-window-qtrendering  the same with Text's default renderType (distance fields)
//   label-window   a Text bound to SseSource.eventCount
#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qtimer.h>
#include <QtGui/qguiapplication.h>
#include <QtQml/qqmlcomponent.h>
#include <QtQml/qqmlengine.h>
#include <QtQuick/qquickwindow.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

double cpuSeconds()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The throughput modes' QML: the handlers count into the same object, through its id, so that
// each mode's JavaScript does the same work and the difference is the delivery.
const char *const throughputQml = R"(
import QtQml
import QtSse
QtObject {
    id: root
    property double n: 0
    property double bytes: 0
    property SseSource source: SseSource {
        active: false
        maxRetries: 0
%1
    }
})";

// The body of each mode's SseSource.
const char *sourceBody(const QString &mode)
{
    if (mode == "qml-source"_L1)
        return "onEventReceived: (event) => { root.n++; root.bytes += event.data.length }";
    if (mode == "qml-handler"_L1) {
        return R"(SseEventHandler {
            type: "message"
            onEventReceived: (event) => { root.n++; root.bytes += event.data.length }
        })";
    }
    if (mode == "qml-handler-data"_L1) {
        return R"(SseEventHandler {
            type: "message"
            onDataReceived: (data) => { root.n++; root.bytes += data.length }
        })";
    }
    if (mode == "qml-batch"_L1) {
        return R"(batchedDelivery: true
        onEventsReceived: (events) => {
            for (let i = 0; i < events.length; ++i) {
                root.n++;
                root.bytes += events[i].data.length
            }
        })";
    }
    if (mode == "qml-batch-sum"_L1) {
        return R"(batchedDelivery: true
        onEventsReceived: (events) => {
            let n = 0
            let bytes = 0
            for (let i = 0; i < events.length; ++i) {
                n++
                bytes += events[i].data.length
            }
            root.n += n
            root.bytes += bytes
        })";
    }
    return R"(batchedDelivery: true
        onBatchReceived: (types, data) => {
            let n = 0
            let bytes = 0
            for (let i = 0; i < data.length; ++i) {
                n++
                bytes += data[i].length
            }
            root.n += n
            root.bytes += bytes
        })"; // qml-batch-lists
}

// The delegate of qml/README.md, with its renderType (%1: NativeRendering, or QtRendering,
// Text's default, for the model-window-qtrendering row).
const char *const modelWindowQml = R"(
import QtQuick
import QtSse
Window {
    property alias source: source
    width: 640; height: 480; visible: true
    SseSource { id: source; active: false; maxRetries: 0 }
    ListView {
        anchors.fill: parent
        model: SseEventModel { source: source; capacity: 1000 }
        onCountChanged: positionViewAtEnd()
        delegate: Text {
            required property string type
            required property sseEvent event
            text: type + ": " + event.data
            renderType: Text.%1
        }
    }
})";

const char *const labelWindowQml = R"(
import QtQuick
import QtSse
Window {
    property alias source: source
    width: 640; height: 480; visible: true
    SseSource { id: source; active: false; maxRetries: 0 }
    Text { text: "events: " + source.eventCount }
})";

struct Counts
{
    double n = 0;
    double bytes = 0;
};

void printThroughput(const QString &label, double events, double seconds, double cpu)
{
    std::printf("%-14s %9.0f %12.0f %10.3f\n", qPrintable(label), events, events / seconds,
                cpu / events * 1e6);
}

int runCpp(const QString &mode, const QUrl &url, const QString &label)
{
    SseClient client(url);
    client.setMaxRetries(0);
    Counts counts;
    const auto handler = [&counts](const SseEvent &event) {
        counts.n += 1;
        counts.bytes += double(event.data().size());
    };
    if (mode == QLatin1String("cpp-signal"))
        QObject::connect(&client, &SseClient::eventReceived, &client, handler);
    else
        client.addEventListener(QStringLiteral("message"), &client, handler);
    QElapsedTimer clock;
    double cpuStart = 0;
    QObject::connect(&client, &SseClient::closed, qApp, &QCoreApplication::quit);
    cpuStart = cpuSeconds();
    clock.start();
    client.open();
    QCoreApplication::exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    printThroughput(label, counts.n, seconds, cpuSeconds() - cpuStart);
    if (client.state() == SseClient::Failed)
        std::fprintf(stderr, "bench_qml: %s\n", qPrintable(client.errorString()));
    return counts.n > 0 ? 0 : 1;
}

std::unique_ptr<QObject> create(QQmlEngine &engine, const char *qml)
{
    QQmlComponent component(&engine);
    component.setData(qml, QUrl(QStringLiteral("bench.qml")));
    std::unique_ptr<QObject> object(component.create());
    if (!object)
        std::fprintf(stderr, "bench_qml: %s\n", qPrintable(component.errorString()));
    return object;
}

int runQml(const QString &mode, const QUrl &url, const QString &label, QQmlEngine &engine,
           const QByteArray &qmlFile)
{
    const QByteArray qml = !qmlFile.isEmpty()
            ? qmlFile
            : QString::fromUtf8(throughputQml).arg(QLatin1String(sourceBody(mode))).toUtf8();
    std::unique_ptr<QObject> root = create(engine, qml.constData());
    if (!root)
        return 1;
    QObject *source = root->property("source").value<QObject *>();
    source->setProperty("url", url);
    QObject::connect(source, SIGNAL(closed()), qApp, SLOT(quit()));
    const double cpuStart = cpuSeconds();
    QElapsedTimer clock;
    clock.start();
    QMetaObject::invokeMethod(source, "open");
    QCoreApplication::exec();
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    const double n = root->property("n").toDouble();
    printThroughput(label, n, seconds, cpuSeconds() - cpuStart);
    return n > 0 ? 0 : 1;
}

int runWindow(const QString &mode, const QUrl &url, const QString &label, int seconds,
              QQmlEngine &engine, const QByteArray &qmlFile)
{
    QByteArray qml = qmlFile;
    if (qml.isEmpty() && mode.startsWith(QLatin1String("model-window"))) {
        qml = QString::fromUtf8(modelWindowQml)
                      .arg(mode.endsWith(QLatin1String("-qtrendering")) ? "QtRendering"_L1
                                                                        : "NativeRendering"_L1)
                      .toUtf8();
    } else if (qml.isEmpty()) {
        qml = labelWindowQml;
    }
    std::unique_ptr<QObject> root = create(engine, qml.constData());
    auto *window = qobject_cast<QQuickWindow *>(root.get());
    if (!window)
        return 1;
    QObject *source = root->property("source").value<QObject *>();
    std::vector<qint64> frames; // ns between frameSwapped()
    QElapsedTimer frameClock;
    bool measuring = false;
    QObject::connect(
            window, &QQuickWindow::frameSwapped, window,
            [&] {
                if (measuring && frameClock.isValid())
                    frames.push_back(frameClock.nsecsElapsed());
                frameClock.start();
            },
            Qt::DirectConnection);
    source->setProperty("url", url);
    QMetaObject::invokeMethod(source, "open");
    // One second to settle (the window shown, the stream open), then the measured span.
    double cpuStart = 0;
    qint64 eventsStart = 0;
    QElapsedTimer span;
    QTimer::singleShot(1000, window, [&] {
        measuring = true;
        cpuStart = cpuSeconds();
        eventsStart = source->property("eventCount").toLongLong();
        span.start();
    });
    QTimer::singleShot(1000 + seconds * 1000, window, [] { QCoreApplication::quit(); });
    QCoreApplication::exec();
    const double wall = double(span.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpuStart;
    const qint64 events = source->property("eventCount").toLongLong() - eventsStart;
    std::sort(frames.begin(), frames.end());
    const auto pct = [&frames](double p) {
        return frames.empty()
                ? 0.0
                : double(frames[std::min(frames.size() - 1, std::size_t(p / 100 * frames.size()))])
                        / 1e6;
    };
    std::printf("%-34s %8.1f %%cpu %7.1f fps %7.2f %7.2f ms  %9lld events (%.0f/s)\n",
                qPrintable(label), cpu / wall * 100, double(frames.size()) / wall, pct(50), pct(99),
                static_cast<long long>(events), double(events) / wall);
    return events > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("see the source"));
    parser.addPositionalArgument(QStringLiteral("url"), QStringLiteral("the stream"));
    const QCommandLineOption importOption(
            QStringLiteral("import"), QStringLiteral("A QML import path."), QStringLiteral("dir"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Window modes: the measured span."),
                                           QStringLiteral("s"), QStringLiteral("10"));
    const QCommandLineOption labelOption(QStringLiteral("label"), QStringLiteral("Row label."),
                                         QStringLiteral("text"));
    const QCommandLineOption qmlOption(
            QStringLiteral("qml"),
            QStringLiteral("This QML file instead of the mode's (a root with the properties of the "
                           "mode's own: n, bytes and source, or source for a window)."),
            QStringLiteral("file"));
    parser.addOptions({importOption, secondsOption, labelOption, qmlOption});
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2)
        parser.showHelp(2);
    const QString mode = args.at(0);
    const QUrl url(args.at(1));
    const QString label = parser.isSet(labelOption) ? parser.value(labelOption) : mode;
    const QStringList modes {u"cpp-signal"_s,
                             u"cpp-listener"_s,
                             u"qml-source"_s,
                             u"qml-handler"_s,
                             u"qml-handler-data"_s,
                             u"qml-batch"_s,
                             u"qml-batch-sum"_s,
                             u"qml-batch-lists"_s,
                             u"label-window"_s,
                             u"model-window"_s,
                             u"model-window-qtrendering"_s};
    if (!modes.contains(mode)) {
        std::fprintf(stderr, "bench_qml: unknown mode %s (%s)\n", qPrintable(mode),
                     qPrintable(modes.join(u", ")));
        return 2;
    }
    if (mode.startsWith(QLatin1String("cpp-")))
        return runCpp(mode, url, label);
    QQmlEngine engine;
    if (parser.isSet(importOption))
        engine.addImportPath(parser.value(importOption));
    QByteArray qmlFile;
    if (parser.isSet(qmlOption)) {
        QFile file(parser.value(qmlOption));
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "bench_qml: %s\n", qPrintable(file.errorString()));
            return 2;
        }
        qmlFile = file.readAll();
    }
    if (mode.contains(QLatin1String("-window")))
        return runWindow(mode, url, label, parser.value(secondsOption).toInt(), engine, qmlFile);
    return runQml(mode, url, label, engine, qmlFile);
}
