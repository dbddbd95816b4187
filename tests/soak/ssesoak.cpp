// SPDX-License-Identifier: BSD-3-Clause
// The soak: SseClient -> FaultProxy (random cuts) -> nginx + nchan for a long run, with a
// pipelined publisher at a high rate, checking every event (exactly once, in order, exact data)
// and sampling this process's RSS (/proc/self/statm) and open file descriptors (/proc/self/fd).
// Not a ctest test: scripts/soak.sh [EVENTS] [RECONNECTS] builds and runs it.
//
// Exit status 0 when nothing was lost, duplicated or corrupt, the descriptors are back to where
// they started, and RSS after the warm-up (the first tenth of the events) grew by at most 10%
// + 2 MiB by the end.
#include "nginxfixture.h"
#include "processmemory.h"
#include "sequencerun.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

qint64 rssKiB()
{
    const qint64 bytes = residentBytes();
    return bytes < 0 ? -1 : bytes / 1024;
}

void print(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"QtSse soak: client -> fault proxy -> nginx + nchan"_s);
    parser.addHelpOption();
    const QCommandLineOption eventsOption(u"events"_s, u"Events to publish (5000000)."_s, u"n"_s,
                                          u"5000000"_s);
    const QCommandLineOption reconnectsOption(
            u"reconnects"_s, u"Cuts of the client's connection, at least (5000)."_s, u"n"_s,
            u"5000"_s);
    const QCommandLineOption samplesOption(u"samples"_s, u"Rows in the table (50)."_s, u"n"_s,
                                           u"50"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"The proxy's seed (1)."_s, u"n"_s, u"1"_s);
    parser.addOptions({eventsOption, reconnectsOption, samplesOption, seedOption});
    parser.process(app);

    const QString why = NginxFixture::unavailableReason();
    if (!why.isEmpty()) {
        print(u"soak: "_s + why);
        return 2;
    }
    NginxFixture nginx;
    if (!nginx.start()) {
        print(u"soak: nginx did not start: "_s + nginx.errorString());
        return 2;
    }

    SequenceRun::Config config;
    config.messages = qMax(1LL, parser.value(eventsOption).toLongLong());
    config.cuts = parser.value(reconnectsOption).toInt();
    config.seed = parser.value(seedOption).toULongLong();
    config.checkIds = false; // O(1) memory: the run itself must not grow
    config.batch = 500;
    config.window = 5000; // well inside nchan's 50,000-message buffer: resuming stays exact
    config.sampleEvery = qMax(1LL, config.messages / qMax(1, parser.value(samplesOption).toInt()));
    config.stallTimeoutMs = 60000;
    const qint64 warmUp = config.messages / 10;

    const qint64 rssStart = rssKiB();
    const int fdsStart = openFileDescriptors();
    qint64 rssWarm = -1;
    print(u"soak: %1 events, at least %2 reconnects, nginx pid %3; RSS %4 KiB, %5 fds"_s
                  .arg(config.messages)
                  .arg(config.cuts)
                  .arg(nginx.pid())
                  .arg(rssStart)
                  .arg(fdsStart));
    print(u"%1 %2 %3 %4 %5 %6 %7"_s.arg(u"events"_s, 10)
                  .arg(u"seconds"_s, 8)
                  .arg(u"events/s"_s, 9)
                  .arg(u"reconnects"_s, 10)
                  .arg(u"lost+dup+bad"_s, 12)
                  .arg(u"RSS KiB"_s, 9)
                  .arg(u"fds"_s, 5));

    SequenceRun run(&nginx, config);
    qint64 lastEvents = 0, lastMs = 0;
    run.onSample = [&](const SequenceRun::Result &r) {
        const qint64 rss = rssKiB();
        if (rssWarm < 0 && r.delivered >= warmUp)
            rssWarm = rss;
        const double seconds = (r.elapsedMs - lastMs) / 1000.0;
        print(u"%1 %2 %3 %4 %5 %6 %7"_s.arg(r.delivered, 10)
                      .arg(r.elapsedMs / 1000.0, 8, 'f', 1)
                      .arg(seconds > 0 ? qint64((r.delivered - lastEvents) / seconds) : 0, 9)
                      .arg(r.opened - 1, 10)
                      .arg(r.lost + r.duplicated + r.corrupt, 12)
                      .arg(rss, 9)
                      .arg(openFileDescriptors(), 5));
        lastEvents = r.delivered;
        lastMs = r.elapsedMs;
    };
    const SequenceRun::Result result = run.run();
    QCoreApplication::processEvents(); // the proxy's and client's sockets are deleted later
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const qint64 rssEnd = rssKiB();
    const int fdsEnd = openFileDescriptors();

    print(u"soak: "_s + result.summary());
    for (const QString &anomaly : result.anomalies)
        print(u"  "_s + anomaly);
    print(u"soak figures: events %1, reconnects %2 (client cuts %3), lost %4, duplicated %5, "
          "corrupt %6; RSS start %7 KiB, after warm-up %8 KiB, end %9 KiB; fds start %10, "
          "end %11; %12 s"_s.arg(result.delivered)
                  .arg(result.opened - 1)
                  .arg(result.clientCuts())
                  .arg(result.lost)
                  .arg(result.duplicated)
                  .arg(result.corrupt)
                  .arg(rssStart)
                  .arg(rssWarm)
                  .arg(rssEnd)
                  .arg(fdsStart)
                  .arg(fdsEnd)
                  .arg(result.elapsedMs / 1000.0, 0, 'f', 1));

    QStringList failures;
    if (!result.problem.isEmpty())
        failures << result.problem;
    if (result.lost || result.duplicated || result.corrupt || result.delivered != config.messages)
        failures << u"events were lost, duplicated or corrupt"_s;
    if (result.clientCuts() < config.cuts)
        failures << u"fewer cuts than asked for"_s;
    if (fdsEnd > fdsStart)
        failures << u"%1 file descriptors more than at the start"_s.arg(fdsEnd - fdsStart);
    if (rssWarm > 0 && rssEnd > rssWarm + rssWarm / 10 + 2048)
        failures << u"RSS grew from %1 KiB after the warm-up to %2 KiB"_s.arg(rssWarm).arg(rssEnd);
    nginx.stop();
    print(failures.isEmpty() ? u"soak: PASS"_s : u"soak: FAIL: "_s + failures.join(u"; "_s));
    return failures.isEmpty() ? 0 : 1;
}
