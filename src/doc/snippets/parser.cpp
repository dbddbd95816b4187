// SPDX-License-Identifier: BSD-3-Clause
// SseParser's class documentation: the parser alone, on bytes from anywhere.
#include "snippets.h"

#include <QtSse/SseParser>

#include <QtCore/QDebug>

void parseRecording(const QByteArray &recording)
{
    //! [parser]
    SseParser parser([](const SseEvent &event) { qDebug() << event.type() << event.data(); });
    parser.setRetryHandler([](qint64 ms) { qDebug() << "reconnect after" << ms << "ms"; });
    parser.feed("event: greeting\ndata: hel"); // any chunking gives the same events
    parser.feed("lo\n\n"); // -> "greeting", "hello"
    parser.finish(); // the end of the stream: an unfinished event is dropped
    //! [parser]

    //! [parseAll]
    QString lastEventId;
    const QList<SseEvent> events = SseParser::parseAll(recording, &lastEventId);
    qDebug() << events.size() << "events, last event ID" << lastEventId;
    //! [parseAll]
}
