// SPDX-License-Identifier: BSD-3-Clause
// ssecat: curl for Server-Sent Events, on QtSse's SseClient. See options.cpp for the contract.
#include "options.h"
#include "ssejsonline.h"
#include "sserecorder.h"
#include "sserecording.h"

#include <QtSse/SseClient>
#include <QtSse/SseRequest>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qsavefile.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qnetworkrequest.h>
#include <QtNetwork/qsslcertificate.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char byte = char(signal);
    [[maybe_unused]] const ssize_t n = ::write(signalPipe[1], &byte, 1);
}

void printErr(const QString &line)
{
    std::fprintf(stderr, "ssecat: %s\n", line.toLocal8Bit().constData());
    std::fflush(stderr);
}

// "Connection refused" -> "connection refused" inside a sentence; "HTTP 503" stays.
QString inSentence(QString reason)
{
    if (reason.size() > 1 && reason.at(0).isUpper() && reason.at(1).isLower())
        reason[0] = reason.at(0).toLower();
    return reason;
}

// What -v and -i show of a header: credentials masked.
QByteArray shownHeader(const QByteArray &name, const QByteArray &value)
{
    const QByteArray lower = name.toLower();
    QByteArray shown = value;
    if (lower == "authorization" || lower == "proxy-authorization") {
        const qsizetype space = value.indexOf(' ');
        shown = space > 0 ? value.first(space) + " ****" : QByteArray("****");
    } else if (lower == "cookie" || lower == "set-cookie" || lower.contains("key")
               || lower.contains("token") || lower.contains("secret")
               || lower.contains("password")) {
        shown = "****";
    }
    return name + ": " + shown;
}

QString shownUrl(QUrl url)
{
    if (!url.password().isEmpty())
        url.setPassword(QStringLiteral("****"));
    return url.toString();
}

void printRaw(const QByteArray &line)
{
    std::fprintf(stderr, "%s\n", line.constData());
    std::fflush(stderr);
}

// How much of the stream -v keeps, to show what came before an event too large.
constexpr int RawHistoryBytes = 256;

// Bytes as a C string literal would hold them: printable ASCII as is, the rest escaped.
QByteArray escaped(const QByteArray &bytes)
{
    QByteArray out;
    for (const char c : bytes) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\\' || c == '"')
            out += QByteArray("\\") + c;
        else if (c >= 0x20 && c < 0x7f)
            out += c;
        else
            out += "\\x" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
    }
    return '"' + out + '"';
}

// Exit status when stdout is closed: a shell's status for a writer ended by SIGPIPE.
constexpr int StdoutClosedStatus = 128 + SIGPIPE;

} // namespace

int main(int argc, char *argv[])
{
    // A write to a closed stdout must fail with EPIPE (checked below) instead of killing us
    // half-way through a shutdown; Qt's network code ignores SIGPIPE too, but not from the start.
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QString usageError;
    bool help = false;
    const std::optional<SseCatOptions> parsed =
            parseSseCatOptions(app.arguments(), &usageError, &help);
    if (help) {
        std::fputs(sseCatUsage().toLocal8Bit().constData(), stdout);
        return 0;
    }
    if (!parsed) {
        printErr(usageError);
        std::fputs("Try 'ssecat --help' for more information.\n", stderr);
        return 2;
    }
    const SseCatOptions &o = *parsed;

    SseClient client(o.url);
    client.setMethod(o.method);
    client.setBody(o.body);
    client.setRawHeaders(o.headers);
    client.setLastEventId(o.lastEventId);
    if (!o.stateFile.isEmpty()) {
        // Persistent resume: the client reads it at open() and saves it, batched.
        const QString path = o.stateFile;
        client.setLastEventIdStorage(
                [path] {
                    QFile file(path);
                    if (!file.open(QIODevice::ReadOnly))
                        return QString(); // none yet: --last-event-id (or nothing) applies
                    // As written below: the ID, then a line end (an ID may hold spaces).
                    QByteArray id = file.readAll();
                    if (id.endsWith('\n'))
                        id.chop(id.endsWith("\r\n") ? 2 : 1);
                    return QString::fromUtf8(id);
                },
                [path](const QString &id) {
                    QSaveFile file(path); // all or nothing: a crash never leaves half an ID
                    if (!file.open(QIODevice::WriteOnly) || file.write(id.toUtf8() + '\n') < 0
                        || !file.commit())
                        printErr(QStringLiteral("--state-file: cannot write %1: %2")
                                         .arg(path, file.errorString()));
                });
    }
    client.setReconnectionTime(o.retryDelay);
    client.setMaxRetryDelay(o.retryMaxDelay);
    client.setMaxRetries(o.maxRetries);
    client.setRetryAnyMethod(o.retryAnyMethod);
    client.setIdleTimeout(o.idleTimeoutMs);
    client.setConnectTimeout(o.connectTimeoutMs);
    if (o.maxEventSize > 0)
        client.setMaxEventSize(o.maxEventSize);
    if (o.verbose)
        client.setRawHistorySize(RawHistoryBytes); // what a stream said before an error
    client.setIgnoreSslErrors(o.insecure);
    if (!o.caCertFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(o.caCertFile);
        if (certs.isEmpty()) {
            printErr(QStringLiteral("--cacert: no certificate in %1").arg(o.caCertFile));
            return 2;
        }
        client.addCaCertificates(certs);
    }

    // --record: opened before the first request, so that time 0 is the start of the run.
    SseRecordingWriter recording;
    if (!o.recordFile.isEmpty() && !recording.open(o.recordFile, o.url)) {
        printErr(QStringLiteral("--record: %1").arg(recording.errorString()));
        return 2;
    }

    QElapsedTimer elapsed;
    elapsed.start();
    qint64 events = 0;
    bool finished = false;
    // Lines go to stdout's buffer per event and out with one write per network read (the
    // client's countersChanged() follows each read): not a write(2) per event, and no event
    // waits longer than the rest of its read.
    bool unflushed = false;
    QString writtenId; // of the last event handed to stdout's buffer
    QString flushedId; // of the last event that left it
    // stdout failed: the lines since the last flush never reached the reader, so a
    // --state-file resumes before them.
    const auto writeFailed = [&](int error) {
        client.setLastEventId(flushedId);
        if (error == EPIPE)
            return StdoutClosedStatus; // the reader is gone (head -2): quietly
        printErr(QStringLiteral("cannot write to stdout: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(error))));
        return 1;
    };
    const auto flushOut = [&]() -> int { // 0, or the exit status of a failed write
        if (!std::exchange(unflushed, false))
            return 0;
        if (std::fflush(stdout) != 0)
            return writeFailed(errno);
        flushedId = writtenId;
        return 0;
    };
    auto finish = [&](int code) {
        if (finished)
            return;
        finished = true;
        if (const int failed = flushOut())
            code = failed;
        client.close();
        std::fflush(stdout);
        if (o.quiet) {
            // QByteArray::number, not printf's %f: QCoreApplication set the user's locale, and
            // a decimal comma ("seconds=0,123") would break the documented format.
            const QByteArray seconds =
                    QByteArray::number(double(elapsed.nsecsElapsed()) / 1e9, 'f', 3);
            std::fprintf(stderr, "events=%lld bytes=%lld seconds=%s\n",
                         static_cast<long long>(events), static_cast<long long>(client.byteCount()),
                         seconds.constData());
        }
        app.exit(code);
    };

    // A recording that cannot be completed is an error, not a silent gap in the file.
    const auto recorded = [&](bool ok) {
        if (!ok && !finished) {
            printErr(QStringLiteral("--record: %1").arg(recording.errorString()));
            finish(1);
        }
    };
    // The raw bytes of each read and the ends of responses (RECORDING.md, version 2). Declared
    // after the writer: destroyed first, it writes an end still pending into it.
    SseRecorder recorder;
    if (recording.isOpen()) {
        recorder.start(&client, &recording);
        QObject::connect(&recorder, &SseRecorder::writeFailed, &app, [&] { recorded(false); });
    }

    QByteArray line;
    QObject::connect(&client, &SseClient::aboutToStartAttempt, &app, [&](SseRequest *request) {
        if (request->attempt() == 0) // where this run starts: --last-event-id or --state-file
            writtenId = flushedId = request->lastEventId();
    });
    QObject::connect(&client, &SseClient::countersChanged, &app, [&] {
        if (finished)
            return;
        if (const int failed = flushOut())
            finish(failed);
    });
    QObject::connect(&client, &SseClient::eventReceived, &app, [&](const SseEvent &event) {
        if (finished)
            return;
        ++events;
        if (!o.quiet) {
            line.resize(0);
            appendSseJsonLine(line, event);
            if (std::fwrite(line.constData(), 1, size_t(line.size()), stdout)
                != size_t(line.size())) {
                unflushed = false;
                finish(writeFailed(errno));
                return;
            }
            unflushed = true;
            writtenId = event.lastEventId();
        }
        if (o.maxEvents > 0 && events >= o.maxEvents)
            finish(0);
    });
    QObject::connect(&client, &SseClient::closed, &app, [&] {
        if (client.state() == SseClient::Failed) {
            printErr(client.errorString());
            finish(1);
        } else {
            finish(0);
        }
    });
    if (!o.silent && !o.quiet) {
        // One line per reconnect: why, and when (a closed port is not silence).
        QObject::connect(&client, &SseClient::reconnectScheduled, &app, [&](int attempt, int ms) {
            const bool failed = client.error() != SseClient::NoError;
            printErr(QStringLiteral("%1, %2 in %3 s (attempt %4)")
                             .arg(failed ? inSentence(client.errorString())
                                         : QStringLiteral("the stream ended"),
                                  failed ? QStringLiteral("retrying")
                                         : QStringLiteral("reconnecting"),
                                  QString::number(ms / 1000.0, 'f', 1))
                             .arg(attempt));
        });
    }
    if (o.include || o.verbose) {
        QObject::connect(&client, &SseClient::responseReceived, &app, [&] {
            printRaw("< HTTP " + QByteArray::number(client.httpStatus()));
            for (const auto &[name, value] : client.responseHeaders())
                printRaw("< " + shownHeader(name, value));
        });
    }
    if (o.verbose) {
        QObject::connect(&client, &SseClient::aboutToSendRequest, &app,
                         [](QNetworkRequest *request) {
                             printRaw("> " + shownUrl(request->url()).toUtf8());
                             for (const QByteArray &name : request->rawHeaderList())
                                 printRaw("> " + shownHeader(name, request->rawHeader(name)));
                         });
        QObject::connect(&client, &SseClient::stateChanged, &app, [&](SseClient::State s) {
            printErr(QStringLiteral("state %1")
                             .arg(QLatin1String(
                                     QMetaEnum::fromType<SseClient::State>().valueToKey(s))));
        });
        QObject::connect(&client, &SseClient::reconnectScheduled, &app, [](int attempt, int ms) {
            printErr(QStringLiteral("reconnect attempt %1 in %2 ms").arg(attempt).arg(ms));
        });
        QObject::connect(&client, &SseClient::errorOccurred, &app, [&](SseClient::Error e) {
            printErr(QStringLiteral("error %1: %2")
                             .arg(QLatin1String(
                                          QMetaEnum::fromType<SseClient::Error>().valueToKey(e)),
                                  client.errorString()));
            if (e == SseClient::EventTooLargeError) {
                printErr(QStringLiteral("the last %1 bytes received: %2")
                                 .arg(client.rawHistory().size())
                                 .arg(QString::fromLatin1(escaped(client.rawHistory()))));
            }
        });
        QObject::connect(&client, &SseClient::serverReconnectionTimeChanged, &app, [](int ms) {
            if (ms >= 0)
                printErr(QStringLiteral("reconnection time %1 ms (the server's retry:)").arg(ms));
        });
    }

    QTimer maxTime;
    if (o.maxTimeMs >= 0) {
        // A QTimer holds an int of milliseconds (24.8 days): a longer --max-time goes in steps.
        const QDeadlineTimer deadline(o.maxTimeMs, Qt::PreciseTimer);
        static constexpr qint64 Step = 24 * 3600 * 1000; // static: the lambda outlives this scope
        maxTime.setSingleShot(true);
        QObject::connect(&maxTime, &QTimer::timeout, &app, [&, deadline] {
            if (deadline.hasExpired())
                finish(0);
            else
                maxTime.start(int(qMin(deadline.remainingTime(), Step)));
        });
        maxTime.start(int(qMin(o.maxTimeMs, Step)));
    }

    // Ctrl-C / SIGTERM: through a pipe into the event loop, then a clean shutdown.
    if (::pipe(signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [&] {
            char byte = 0;
            [[maybe_unused]] const ssize_t n = ::read(signalPipe[0], &byte, 1);
            finish(128 + byte);
        });
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }

    std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
    QTimer::singleShot(0, &client, &SseClient::open);
    return app.exec();
}
