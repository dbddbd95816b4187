// SPDX-License-Identifier: BSD-3-Clause
// ssecat: curl for Server-Sent Events, on QtSse's SseClient. See options.cpp for the contract.
#include "options.h"
#include "ssejsonline.h"

#include <QtSse/SseClient>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qsslcertificate.h>

#include <csignal>
#include <cstdio>
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

} // namespace

int main(int argc, char *argv[])
{
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
    client.setReconnectionTime(o.retryDelay);
    client.setMaxRetryDelay(o.retryMaxDelay);
    client.setMaxRetries(o.maxRetries);
    client.setRetryAnyMethod(o.retryAnyMethod);
    client.setIdleTimeout(o.idleTimeoutMs);
    client.setIgnoreSslErrors(o.insecure);
    if (!o.caCertFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(o.caCertFile);
        if (certs.isEmpty()) {
            printErr(QStringLiteral("--cacert: no certificate in %1").arg(o.caCertFile));
            return 2;
        }
        client.addCaCertificates(certs);
    }

    QElapsedTimer elapsed;
    elapsed.start();
    qint64 events = 0;
    bool finished = false;
    auto finish = [&](int code) {
        if (finished)
            return;
        finished = true;
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

    QByteArray line;
    QObject::connect(&client, &SseClient::eventReceived, &app, [&](const SseEvent &event) {
        if (finished)
            return;
        ++events;
        if (!o.quiet) {
            line.resize(0);
            appendSseJsonLine(line, event);
            std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
            std::fflush(stdout);
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
    if (o.verbose) {
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
