// SPDX-License-Identifier: BSD-3-Clause
// sse-demo-server: a self-contained Server-Sent Events server for demos and tests. It prints
// the URL of its main stream as the first line of stdout, then serves until killed.
// GET / on it lists the endpoints and options (see demoserver.cpp).
#include "demoserver.h"
#include "replaystream.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {

// The value of an integer option in [min, max], or exits with a usage error.
int intValue(const QCommandLineParser &parser, const QString &name, int min, int max)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(stderr, "sse-demo-server: --%s must be an integer in [%d, %d]\n",
                     qPrintable(name), min, max);
        std::exit(2);
    }
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
#ifdef SIGPIPE
    std::signal(SIGPIPE, SIG_IGN); // a client gone mid-write is an error to handle, not death
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sse-demo-server"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "A Server-Sent Events demo server on 127.0.0.1. Prints the URL of its main stream "
            "as the first line of stdout, then serves until killed; GET / lists the endpoints."));
    parser.addHelpOption();
    parser.addOptions({
            {QStringLiteral("port"), QStringLiteral("Port to listen on (0: any free port)."),
             QStringLiteral("N"), QStringLiteral("0")},
            {QStringLiteral("drop-every"),
             QStringLiteral("Close each stream after SEC seconds unless drop= says otherwise "
                            "(0: never)."),
             QStringLiteral("SEC"), QStringLiteral("0")},
            {QStringLiteral("fail-percent"),
             QStringLiteral("Answer 503 + Retry-After: 1 to P % of the stream requests unless "
                            "fail= says otherwise."),
             QStringLiteral("P"), QStringLiteral("0")},
            {QStringLiteral("seed"), QStringLiteral("Seed of the generator behind fail=."),
             QStringLiteral("N"), QStringLiteral("1")},
            {QStringLiteral("token"),
             QStringLiteral("Require the key T: \"Authorization: Bearer T\" on /stream and the "
                            "OpenAI endpoints, \"x-api-key: T\" on /v1/messages, "
                            "\"x-goog-api-key: T\" on Gemini's; a missing or wrong key is a 401 "
                            "with a JSON error body (without --token, /stream is open and the "
                            "LLM endpoints take any key)."),
             QStringLiteral("T")},
            {QStringLiteral("replay"),
             QStringLiteral("Serve the recording FILE (ssecat --record, the monitor's Record) on "
                            "/stream as a live stream: its bytes at their recorded times, its ids "
                            "and retry: values as recorded; Last-Event-ID resumes after that "
                            "event (204 after the last one, 400 for an ID not in it)."),
             QStringLiteral("FILE")},
            {QStringLiteral("speed"),
             QStringLiteral("With --replay: play X times as fast (0.5 = half speed; default 1)."),
             QStringLiteral("X"), QStringLiteral("1")},
            {QStringLiteral("quiet"), QStringLiteral("Do not log requests on stderr.")},
    });
    parser.process(app);
    if (!parser.positionalArguments().isEmpty())
        parser.showHelp(2);

    DemoServerOptions options;
    const int port = intValue(parser, QStringLiteral("port"), 0, 65535);
    options.dropEverySec = intValue(parser, QStringLiteral("drop-every"), 0, 86400);
    options.failPercent = intValue(parser, QStringLiteral("fail-percent"), 0, 100);
    options.seed = quint32(intValue(parser, QStringLiteral("seed"), 0, 2147483647));
    options.quiet = parser.isSet(QStringLiteral("quiet"));
    options.token = parser.value(QStringLiteral("token")).toUtf8();
    if (parser.isSet(QStringLiteral("token")) && options.token.trimmed().isEmpty()) {
        std::fprintf(stderr, "sse-demo-server: --token must not be empty\n");
        return 2;
    }

    if (parser.isSet(QStringLiteral("speed")) && !parser.isSet(QStringLiteral("replay"))) {
        std::fprintf(stderr, "sse-demo-server: --speed needs --replay\n");
        return 2;
    }
    if (parser.isSet(QStringLiteral("replay"))) {
        bool ok = false;
        const double speed = parser.value(QStringLiteral("speed")).toDouble(&ok);
        if (!ok || !(speed >= 0.001 && speed <= 1e6)) {
            std::fprintf(stderr, "sse-demo-server: --speed must be a number in [0.001, 1000000]\n");
            return 2;
        }
        QString error;
        options.replay = Replay::load(parser.value(QStringLiteral("replay")), speed, &error);
        if (!options.replay) {
            std::fprintf(stderr, "sse-demo-server: --replay: %s\n", qPrintable(error));
            return 2;
        }
    }

    DemoServer server(options);
    if (!server.listen(quint16(port))) {
        std::fprintf(stderr, "sse-demo-server: cannot listen on 127.0.0.1:%d: %s\n", port,
                     qPrintable(server.errorString()));
        return 1;
    }
    std::printf("%s\n", server.streamUrl().toEncoded().constData());
    std::fflush(stdout);
    if (!options.quiet) {
        std::fprintf(stderr, "sse-demo-server: serving %s (GET %s/ for help)\n",
                     server.streamUrl().toEncoded().constData(),
                     server.baseUrl().toEncoded().constData());
        if (options.replay) {
            std::fprintf(stderr,
                         "sse-demo-server: replaying %s: %lld events in %.3f s, at %g x speed\n",
                         qPrintable(parser.value(QStringLiteral("replay"))),
                         static_cast<long long>(options.replay->eventCount()),
                         double(options.replay->durationMs()) / 1000.0, options.replay->speed());
        }
    }
    return app.exec();
}
