// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEPARSER_H
#define SSEPARSER_H

#include <QtSse/qtsse_export.h>
#include <QtSse/sseevent.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>
#include <QtCore/qvarlengtharray.h>

#include <functional>
#include <memory>

class QTSSE_EXPORT SseParser
{
public:
    enum class Error {
        NoError = 0,
        EventTooLarge, // a line or the data of one event exceeded maxEventSize()
    };

    // Called once per dispatched event, in stream order.
    using EventHandler = std::function<void(const SseEvent &event)>;
    // Called for each comment line (":" and what follows, without the colon).
    using CommentHandler = std::function<void(const QString &comment)>;
    // Called for each valid "retry:" field with the new reconnection time in milliseconds.
    using RetryHandler = std::function<void(qint64 milliseconds)>;

    static constexpr qsizetype DefaultMaxEventSize = 16 * 1024 * 1024;

    SseParser();
    explicit SseParser(EventHandler onEvent);
    ~SseParser();
    SseParser(const SseParser &) = delete;
    SseParser &operator=(const SseParser &) = delete;

    void setEventHandler(EventHandler handler);
    void setCommentHandler(CommentHandler handler);
    void setRetryHandler(RetryHandler handler);

    // Feeds the next bytes of the stream, in any chunking. Returns false once the parser is in
    // error; it then ignores further input until reset().
    bool feed(QByteArrayView chunk);
    // The stream ended: an event not terminated by a blank line is discarded (per the standard).
    void finish();
    // Prepares for a new connection: buffers, the pending event and the BOM state are cleared;
    // the last event ID survives (it is sent as Last-Event-ID on reconnection).
    void reset();

    QString lastEventId() const { return m_lastEventId; }
    void setLastEventId(const QString &id);
    // In the event handler: whether the event being delivered carried an id: field of its own
    // (else its lastEventId() is the one before it). Resume verification needs to know.
    bool eventHasId() const { return m_dispatchHasId; }

    qsizetype maxEventSize() const { return m_maxEventSize; }
    void setMaxEventSize(qsizetype bytes);

    Error error() const { return m_error; }
    QString errorString() const;

    // Bytes held for an unfinished line or event: at most 2 * maxEventSize(), the data of the
    // event so far (at most maxEventSize()) and the line still arriving (at most as much).
    //
    // The heap the parser holds besides, whatever the size of the fields it saw:
    // - between events (feed() returned with no unfinished line or event, after finish()): the
    //   last event ID, as UTF-8 and decoded, at most 3 bytes per byte of its UTF-8 (counted as
    //   at least 256 bytes), plus at most 140 KiB of buffers kept for the next events (64 KiB
    //   each for a line and an event's data, the data of a small last event, a short event type);
    // - after reset(): the last event ID alone;
    // - while an event is being parsed, that event too: its ID and its event type (up to
    //   maxEventSize() bytes each), its data (up to maxEventSize() bytes, twice that once
    //   decoded to UTF-16) and the line still arriving; while it is handed to the event
    //   handler, its ID, type and data raw and decoded: at most 12 * maxEventSize() in all
    //   (measured: 9-11 MiB for 1 MiB each, tst_sseparser_limits::memoryHeld).
    // The events handed to the event handler are the handler's: they share their ID and type.
    qsizetype bufferedBytes() const;

    // Convenience: parses a complete stream and returns its events.
    static QList<SseEvent> parseAll(QByteArrayView stream, QString *lastEventId = nullptr);

private:
    void feedLines(const char *p, const char *end, const bool &alive);
    const char *afterLineEnd(const char *eol, const char *end);
    void processLine(const char *line, qsizetype len, bool fromLineBuffer);
    void processField(const char *name, qsizetype nameLen, const char *value, qsizetype valueLen,
                      bool fromLineBuffer, qsizetype valueOffset);
    void dispatch();
    void dispatchLongType();
    void clearEvent();
    bool fail(Error error);
    bool appendPartialLine(const char *p, qsizetype len);
    bool bufferPartialLine(const char *p, const char *end);
    bool startStreaming(const char *p, const char *end);
    const char *continueStreaming(const char *p, const char *end);
    QString takeData();
    void materializeData();
    void releaseIdleBuffers();
    void releaseFieldBuffers();
    qsizetype dataSize() const;

    struct TextData;

    EventHandler m_onEvent;
    CommentHandler m_onComment;
    RetryHandler m_onRetry;

    QByteArray m_line; // an unfinished line carried over from the previous chunk
    QByteArray m_data; // the data buffer as UTF-8, values joined by LF (no trailing LF)
    qsizetype m_dataOffset = 0; // where the data starts in m_data (see processField)
    // The event's only data line while it still lies in the chunk being fed: decoded from there
    // at dispatch, or copied to m_data before feed() returns (see processField).
    const char *m_dataView = nullptr;
    qsizetype m_dataViewSize = 0;
    // Long data lines are decoded as they arrive, not collected as bytes (see startStreaming).
    std::unique_ptr<TextData> m_text;
    QString m_spareData; // the data of the last (small) event, reused once released (see takeData)
    // Short byte strings, set for (nearly) every event: no allocation, no out-of-line calls.
    using SmallBytes = QVarLengthArray<char, 32>;
    SmallBytes m_eventType; // the event type buffer as UTF-8
    SmallBytes m_idBuffer; // the ID of the event being parsed as UTF-8, if m_haveId
    SmallBytes m_lastEventIdBytes; // the committed last event ID as UTF-8
    QString m_lastEventId; // ... and decoded
    SmallBytes m_cachedTypeBytes; // the last decoded (short) event type, to share its QString
    QString m_cachedType;
    QByteArray m_bomBytes; // the first bytes of a response while a BOM is still possible
    qsizetype m_maxEventSize = DefaultMaxEventSize;
    Error m_error = Error::NoError;
    bool m_haveData = false;
    bool m_haveId = false; // the event being parsed has an id: field, in m_idBuffer
    bool m_dispatchHasId = false; // the event being delivered had one (eventHasId())
    bool m_lastWasCR = false;
    bool m_bomChecked = false;
    bool m_interrupted = false; // reset() was called from a handler during feed()
    bool *m_alive = nullptr; // the running feed()'s liveness flag, cleared by the destructor
};

#endif // SSEPARSER_H
