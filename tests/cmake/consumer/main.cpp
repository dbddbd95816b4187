// SPDX-License-Identifier: BSD-3-Clause
// Uses the installed QtSse headers and library; exits 0 only if the parser produced the expected
// event.
#include <QtSse/SseEvent>
#include <QtSse/SseParser>
#include <QtSse/sseparser.h>

#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <cstdio>

int main()
{
    const QByteArray stream = "retry: 1500\r\n"
                              ": a comment\r\n"
                              "event: greeting\r\n"
                              "data: hello\r\n"
                              "data: world\r\n"
                              "id: 42\r\n"
                              "\r\n"
                              "data: unterminated, discarded at the end";

    QList<SseEvent> events;
    qint64 retry = -1;
    SseParser parser([&events](const SseEvent &event) { events.append(event); });
    parser.setRetryHandler([&retry](qint64 ms) { retry = ms; });
    // Split mid-line and between CR and LF: the result must not depend on the chunking.
    for (qsizetype i = 0; i < stream.size(); i += 5)
        parser.feed(stream.mid(i, 5));
    parser.finish();

    const SseEvent expected(QStringLiteral("greeting"), QStringLiteral("hello\nworld"),
                            QStringLiteral("42"));
    if (events.size() != 1 || events.first() != expected) {
        std::fprintf(stderr, "consumer: got %d event(s), expected one \"greeting\" event\n",
                     int(events.size()));
        return 1;
    }
    if (retry != 1500 || parser.lastEventId() != QStringLiteral("42")) {
        std::fprintf(stderr, "consumer: retry %lld, last event ID \"%s\"\n",
                     static_cast<long long>(retry), qPrintable(parser.lastEventId()));
        return 1;
    }
    if (SseParser::parseAll(stream) != QList<SseEvent> {expected}) {
        std::fprintf(stderr, "consumer: SseParser::parseAll disagrees\n");
        return 1;
    }
    std::printf("consumer: OK (one \"%s\" event, ID %s)\n", qPrintable(events.first().type()),
                qPrintable(events.first().lastEventId()));
    return 0;
}
