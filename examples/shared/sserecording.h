// SPDX-License-Identifier: BSD-3-Clause
// The recording file format of the QtSse tools (ssecat --record, the monitor's Record and Open
// recording, sse-demo-server --replay): an event stream's bytes with their arrival times.
// Specified, with its version history, in RECORDING.md beside this file.
#ifndef SSERECORDING_H
#define SSERECORDING_H

#include <QtSse/SseEvent>

#include <QtCore/qbytearray.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>

#include <optional>

// What a recording file holds.
struct SseRecording
{
    static constexpr int Version = 1; // the version this code reads and writes
    static constexpr qint64 MaxChunkBytes = 64 * 1024 * 1024;

    struct Chunk
    {
        qint64 timeMs = 0; // since `recorded`
        QByteArray bytes; // never empty
    };

    QDateTime recorded; // when the recording started (time 0), UTC
    QUrl url; // where the stream came from, without user info; may be empty
    QList<Chunk> chunks; // in arrival order, times non-decreasing

    QByteArray stream() const; // the chunks' bytes in a row: a text/event-stream body
    qint64 durationMs() const { return chunks.isEmpty() ? 0 : chunks.last().timeMs; }

    // Reads a recording; std::nullopt with *error set for a file that is not one (a clear
    // reason: which byte, which chunk, what was expected).
    static std::optional<SseRecording> read(const QString &path, QString *error);
    static std::optional<SseRecording> parse(QByteArrayView data, QString *error);
};

// What a recording says once parsed (SseParser over the chunks, in order), with the time of the
// chunk that completed each item: the events (lastEventId as a client sees it), the comments
// and the retry: values.
struct SseRecordedItem
{
    enum Kind { Event, Comment, Retry };
    Kind kind = Event;
    qint64 timeMs = 0;
    SseEvent event; // Event
    QString comment; // Comment: what follows the colon
    qint64 retryMs = -1; // Retry
    qsizetype bytes = 0; // Event: the size of its data in UTF-8
};
QList<SseRecordedItem> parseRecordedItems(const SseRecording &recording);

// Writes a recording as it happens, flushed chunk by chunk: a recording cut short (a crash, a
// full disk) keeps every complete chunk before the cut. Times are taken from a monotonic clock
// started by open(). The head goes to the file with the first chunk (or at close()), so that
// a recording started before its stream knows the stream's URL: setUrl() until then.
class SseRecordingWriter
{
public:
    SseRecordingWriter() = default;
    ~SseRecordingWriter() { close(); }
    SseRecordingWriter(const SseRecordingWriter &) = delete;
    SseRecordingWriter &operator=(const SseRecordingWriter &) = delete;

    // Creates (or truncates) the file; url's user info is not stored.
    bool open(const QString &path, const QUrl &url);
    // The stream's URL, if no chunk has been written yet (false otherwise).
    bool setUrl(const QUrl &url);
    bool isOpen() const { return m_file.isOpen(); }
    QString fileName() const { return m_file.fileName(); }
    QString errorString() const { return m_error; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    // Appends bytes that arrived now (or at timeMs since open()). False after a write error
    // (errorString() says it; the recording then stops).
    bool appendBytes(QByteArrayView bytes);
    bool appendBytes(qint64 timeMs, QByteArrayView bytes);
    // What SseClient hands out, written back in the canonical text/event-stream form (see
    // RECORDING.md): an id: line only when the last event ID changes, event: unless it is
    // "message", one data: line per line of data.
    bool appendEvent(const SseEvent &event);
    bool appendComment(const QString &comment);
    bool appendRetry(qint64 milliseconds);
    qint64 eventCount() const { return m_events; }

    bool close(); // false if the last writes failed

    static QByteArray encodeEvent(const SseEvent &event, QString *lastEventId);

private:
    bool fail(const QString &error);
    bool writeHead();

    QFile m_file;
    QElapsedTimer m_clock;
    QString m_lastEventId;
    QString m_error;
    QUrl m_url;
    QDateTime m_recorded;
    bool m_headWritten = false;
    qint64 m_lastTime = 0;
    qint64 m_events = 0;
};

#endif // SSERECORDING_H
