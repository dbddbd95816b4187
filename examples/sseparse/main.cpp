// SPDX-License-Identifier: BSD-3-Clause
// sseparse: parses a recorded text/event-stream and prints each event as one line of JSON,
// {"type":"...","data":"...","id":"..."}, on stdout; comments and retry fields go to stderr.
//
//   sseparse FILE        read FILE
//   sseparse -           read standard input
#include <QtSse/SseEvent>
#include <QtSse/SseParser>

#include "ssejsonline.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qfile.h>

#include <cstdio>

#ifdef Q_OS_UNIX
#  include <cerrno>
#  include <unistd.h>
#endif

namespace {

constexpr qint64 ChunkSize = 64 * 1024;

// Reads what is available, up to maxSize bytes: on a pipe (curl -N URL | sseparse -) events are
// printed as they arrive rather than once 64 KiB have accumulated.
qint64 readSome(QFile &file, char *buffer, qint64 maxSize)
{
#ifdef Q_OS_UNIX
    qint64 n;
    do {
        n = ::read(file.handle(), buffer, size_t(maxSize));
    } while (n < 0 && errno == EINTR);
    return n;
#else
    return file.read(buffer, maxSize);
#endif
}

void writeOut(FILE *stream, const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stream);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sseparse"));

    QCommandLineParser cli;
    cli.setApplicationDescription(
            QStringLiteral("Parses a text/event-stream and prints one JSON line per event."));
    cli.addHelpOption();
    cli.addPositionalArgument(QStringLiteral("file"),
                              QStringLiteral("The stream to read, or - for standard input."));
    cli.process(app);

    const QStringList args = cli.positionalArguments();
    if (args.size() != 1)
        cli.showHelp(2);

    QFile input;
    bool opened;
    if (args.first() == QLatin1String("-")) {
        opened = input.open(stdin, QIODevice::ReadOnly | QIODevice::Unbuffered);
    } else {
        input.setFileName(args.first());
        opened = input.open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    if (!opened) {
        std::fprintf(stderr, "sseparse: %s: %s\n", qPrintable(args.first()),
                     qPrintable(input.errorString()));
        return 1;
    }

    qint64 events = 0;
    SseParser parser([&events](const SseEvent &event) {
        QByteArray line;
        appendSseJsonLine(line, event);
        writeOut(stdout, line);
        ++events;
    });
    parser.setCommentHandler([](const QString &comment) {
        writeOut(stderr, "comment: " + comment.toUtf8() + '\n');
    });
    parser.setRetryHandler([](qint64 milliseconds) {
        writeOut(stderr, "retry: " + QByteArray::number(milliseconds) + '\n');
    });

    QByteArray chunk(ChunkSize, Qt::Uninitialized);
    for (;;) {
        const qint64 n = readSome(input, chunk.data(), ChunkSize);
        if (n < 0) {
            std::fprintf(stderr, "sseparse: read error: %s\n", qPrintable(input.errorString()));
            return 1;
        }
        if (n == 0)
            break;
        if (!parser.feed(QByteArrayView(chunk.constData(), n))) {
            std::fprintf(stderr, "sseparse: %s\n", qPrintable(parser.errorString()));
            return 1;
        }
        std::fflush(stdout);
    }
    parser.finish();
    std::fflush(stdout);
    std::fprintf(stderr, "sseparse: %lld event(s), last event ID \"%s\"\n",
                 static_cast<long long>(events), qPrintable(parser.lastEventId()));
    return 0;
}
