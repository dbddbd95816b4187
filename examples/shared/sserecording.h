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
#include <QtCore/qbytearrayview.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>

#include <optional>

// What a recording file holds: the raw bytes of the responses a client read, with their arrival
// times, cut into segments where a response ended (version 2). A version-1 file (canonical-form
// chunks, no ends) reads as one segment that is still open.
struct SseRecording
{
    static constexpr int Version = 2; // the version this code writes
    static constexpr int OldestVersion = 1; // the oldest it reads
    static constexpr qint64 MaxChunkBytes = 64 * 1024 * 1024;
    // A head line (line 2) longer than this is refused: the writer keeps under it.
    static constexpr qsizetype MaxHeadBytes = 64 * 1024;

    // How a segment's response ended. Open: the recording stopped (or the file ended) while
    // it was still open, or a version-1 file. Closed: the client closed it (SseClient::close()).
    enum class End { Open, Clean, Error, Closed };

    struct Chunk
    {
        qint64 timeMs = 0; // since `recorded`
        QByteArray bytes; // never empty
    };
    // One response's body, as its client's parser saw it, and how it ended.
    struct Segment
    {
        QList<Chunk> chunks; // in arrival order, times non-decreasing
        End end = End::Open;
        qint64 endMs = -1; // the end's time, -1 while Open
        QByteArray stream() const; // the chunks' bytes in a row: a text/event-stream body
    };

    int version = Version; // of the file read
    QDateTime recorded; // when the recording started (time 0), UTC
    QUrl url; // where the stream came from, without user info; may be empty
    // The recording client's maxEventSize (an event over it was refused, not received); 0 if
    // the head does not say (a version-1 file).
    qint64 maxEventSize = 0;
    QList<Segment> segments; // in order; none in an empty recording

    qint64 durationMs() const; // the time of the last chunk or end
    qsizetype chunkCount() const;

    // Reads a recording; std::nullopt with *error set for a file that is not one (a clear
    // reason: which byte, which chunk, what was expected).
    static std::optional<SseRecording> read(const QString &path, QString *error);
    static std::optional<SseRecording> parse(QByteArrayView data, QString *error);
};

// What a recording says once parsed (SseParser over each segment's bytes, reset between
// segments as a client's parser is between responses, so an event cut off by an ended response
// is dropped and the last event ID goes on), with the time of the chunk that completed each
// item: the events (lastEventId as a client sees it), the comments and the retry: values. The
// parser's maxEventSize is the recording's (an event its client refused is not one), or, if
// the head does not say, MaxChunkBytes.
struct SseRecordedItem
{
    enum Kind { Event, Comment, Retry };
    Kind kind = Event;
    qint64 timeMs = 0;
    SseEvent event; // Event
    QString comment; // Comment: what follows the colon
    qint64 retryMs = -1; // Retry
    qsizetype bytes = 0; // Event: the size of its data in UTF-8
    qsizetype segment = 0; // in SseRecording::segments
    // Where the item ends in its segment's stream(): just after the line ending that completed
    // it (for an event, its blank line; a CRLF counts whole).
    qsizetype endOffset = 0;
};
// lastEventIds, if given, gets per segment the last event ID a client had at its end (what it
// sent when it reconnected).
QList<SseRecordedItem> parseRecordedItems(const SseRecording &recording,
                                          QStringList *lastEventIds = nullptr);

// Writes a recording (version 2) as it happens, flushed record by record: a recording cut short
// (a crash, a full disk) keeps every complete record before the cut. Times are taken from a
// monotonic clock started by open(). The head goes to the file with the first record (or at
// close()), so that a recording started before its stream knows the stream's URL: setUrl()
// until then.
class SseRecordingWriter
{
public:
    SseRecordingWriter() = default;
    ~SseRecordingWriter() { close(); }
    SseRecordingWriter(const SseRecordingWriter &) = delete;
    SseRecordingWriter &operator=(const SseRecordingWriter &) = delete;

    // Creates (or truncates) the file; url's user info is not stored.
    bool open(const QString &path, const QUrl &url);
    // The stream's URL, if nothing has been written yet (false otherwise). A URL too long for
    // the head (MaxHeadBytes) is stored without its query and fragment, or not at all.
    bool setUrl(const QUrl &url);
    // The recording client's maxEventSize (> 0), if nothing has been written yet.
    bool setMaxEventSize(qint64 bytes);
    bool isOpen() const { return m_file.isOpen(); }
    QString fileName() const { return m_file.fileName(); }
    QString errorString() const { return m_error; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    // Appends raw body bytes that arrived now (or at timeMs since open()). False after a write
    // error (errorString() says it; the recording then stops).
    bool appendBytes(QByteArrayView bytes);
    bool appendBytes(qint64 timeMs, QByteArrayView bytes);
    // The response whose bytes were appended ended now (or at timeMs): Clean, Error or Closed.
    bool appendEnd(SseRecording::End how);
    bool appendEnd(qint64 timeMs, SseRecording::End how);

    bool close(); // false if the last writes failed

private:
    bool fail(const QString &error);
    bool writeHead();
    bool write(QByteArrayView bytes);

    QFile m_file;
    QElapsedTimer m_clock;
    QString m_error;
    QUrl m_url;
    qint64 m_maxEventSize = 0;
    QDateTime m_recorded;
    bool m_headWritten = false;
    qint64 m_lastTime = 0;
};

#endif // SSERECORDING_H
