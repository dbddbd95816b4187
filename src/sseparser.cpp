// SPDX-License-Identifier: BSD-3-Clause
// SseParser: the API, its buffers, and the streaming of long data lines. The line and field
// hot path is in sseparserlines.cpp.
#include "sseparser_p.h"

#include <QtCore/qscopeguard.h>

/*!
    \class SseParser
    \inmodule QtSse
    \inheaderfile QtSse/SseParser
    \brief The incremental \c text/event-stream parser of the WHATWG HTML standard.

    Feed it the bytes of one response in chunks of any size with feed(); it calls the event
    handler once per dispatched event, in order, with the same result for any chunking. It knows
    nothing of the network: bytes from a QProcess, a recorded file or a socket work alike.

    It implements the standard's "event stream interpretation": UTF-8 decoding per the Encoding
    standard (one U+FFFD per maximal invalid subpart), one leading BOM ignored, CRLF/LF/CR line
    endings (also a CRLF split across chunks), comments reported to the comment handler, the
    \c data, \c event, \c id and \c retry fields, and an unfinished event discarded at the end.

    Memory is bounded: a line, or the data of one event, longer than maxEventSize() puts the
    parser in the EventTooLarge error state, drops what it buffered, and ignores further input
    until reset().

    Lines are found with one SIMD scan for CR and LF and decoded to QString only when an event
    is complete; a line that lies within one chunk is never copied, and an event whose only data
    line lies within the chunk is decoded straight from it. A long data line that spans chunks
    is decoded as it arrives, in the same pass that looks for its end. The ID, type and data
    QStrings of an event reuse the buffers of the previous event's once its handler let go of
    it, so that a stream of small events costs no allocation per event.

    \snippet parser.cpp parser

    The handlers may call reset() or destroy the parser: feed() then stops at once.

    \sa SseClient
*/

/*!
    \enum SseParser::Error

    \value NoError       No error.
    \value EventTooLarge A line or the data of one event exceeded maxEventSize().
*/
/*!
    \typealias SseParser::EventHandler
    A \c{std::function<void(const SseEvent &event)>}, called once per dispatched event, in
    stream order.
*/
/*!
    \typealias SseParser::CommentHandler
    A \c{std::function<void(const QString &comment)>}, called for each comment line with
    what follows the colon.
*/
/*!
    \typealias SseParser::RetryHandler
    A \c{std::function<void(qint64 milliseconds)>}, called for each valid \c retry: field
    (all ASCII digits) with the new reconnection time.
*/
/*!
    \variable SseParser::DefaultMaxEventSize
    The default maxEventSize(): 16 MiB.
*/
/*!
    \fn void SseParser::setEventHandler(EventHandler handler)
    Sets the \a handler called for each dispatched event.
*/
/*!
    \fn void SseParser::setCommentHandler(CommentHandler handler)
    Sets the \a handler called for each comment line.
*/
/*!
    \fn void SseParser::setRetryHandler(RetryHandler handler)
    Sets the \a handler called for each valid \c retry: field.
*/
/*!
    \fn QString SseParser::lastEventId() const
    Returns the last event ID: the latest \c id: field of a dispatched event (an empty
    \c id: resets it). It survives reset().
*/
/*!
    \fn void SseParser::setLastEventId(const QString &id)
    Sets the last event ID to \a id (to resume from a known point); an \c id: field of the
    event being parsed is overridden.
*/
/*!
    \fn bool SseParser::eventHasId() const
    In the event handler: returns whether the event being delivered carried an \c id: field
    of its own (else its lastEventId() is the one before it).
*/
/*!
    \fn qsizetype SseParser::maxEventSize() const
    Returns the largest line or event data accepted, in bytes.
*/
/*!
    \fn void SseParser::setMaxEventSize(qsizetype bytes)
    Sets the largest line or event data accepted to \a bytes (at least 1).
*/
/*!
    \fn SseParser::Error SseParser::error() const
    Returns the error state; feed() ignores input until reset() once it is not NoError.
*/
/*!
    \fn QString SseParser::errorString() const
    Returns the error in words; empty without an error.
*/
/*!
    \fn qsizetype SseParser::bufferedBytes() const

    Returns the bytes held for an unfinished line or event: at most \c{2 * maxEventSize()},
    the data of the event so far (at most maxEventSize()) and the line still arriving (at
    most as much).

    Besides, whatever the size of the fields it saw, the parser holds: between events, the
    last event ID (at most 3 bytes per byte of its UTF-8, counted as at least 256 bytes) and at
    most 140 KiB of buffers kept for the next events; after reset(), the last event ID alone;
    while an event is parsed and handed out, that event too, at most \c{12 * maxEventSize()}
    in all.
*/
/*!
    \fn SseParser::SseParser(const SseParser &)
    Parsers cannot be copied.
*/
/*!
    \fn SseParser &SseParser::operator=(const SseParser &)
    Parsers cannot be copied.
*/

/*!
    Constructs a parser without handlers.
*/
SseParser::SseParser() = default;

/*!
    Constructs a parser that calls \a onEvent for each dispatched event.
*/
SseParser::SseParser(EventHandler onEvent) : m_onEvent(std::move(onEvent)) { }

/*!
    Destroys the parser; also safe from one of its handlers.
*/
SseParser::~SseParser()
{
    if (m_alive)
        *m_alive = false; // destroyed inside a handler: tell feed() to stop touching members
}

void SseParser::setEventHandler(EventHandler handler)
{
    m_onEvent = std::move(handler);
}

void SseParser::setCommentHandler(CommentHandler handler)
{
    m_onComment = std::move(handler);
}

void SseParser::setRetryHandler(RetryHandler handler)
{
    m_onRetry = std::move(handler);
}

void SseParser::setLastEventId(const QString &id)
{
    m_lastEventId = id;
    const QByteArray utf8 = id.toUtf8();
    recycle(m_lastEventIdBytes); // then it is as long as the ID (see KeepFieldCapacity)
    setBytes(m_lastEventIdBytes, utf8.constData(), utf8.size());
    recycle(m_idBuffer); // an id: field of the event being parsed is overridden
    m_haveId = false;
}

void SseParser::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = qMax<qsizetype>(1, bytes);
}

QString SseParser::errorString() const
{
    switch (m_error) {
    case Error::NoError:
        return QString();
    case Error::EventTooLarge:
        return QStringLiteral("An event or line exceeds the maximum event size of %1 bytes")
                .arg(m_maxEventSize);
    }
    return QString();
}

qsizetype SseParser::bufferedBytes() const
{
    const qsizetype streamed = m_text && m_text->streaming ? m_text->lineBytes : 0;
    return m_line.size() + streamed + m_bomBytes.size() + (m_haveData ? dataSize() : 0);
}

// The size of the data buffer in bytes, its LFs included.
qsizetype SseParser::dataSize() const
{
    const qsizetype bytes = m_dataView ? m_dataViewSize : m_data.size() - m_dataOffset;
    return m_text && m_text->haveText ? m_text->bytes + bytes : bytes;
}

bool SseParser::fail(Error error)
{
    m_error = error;
    m_line = QByteArray();
    m_data = QByteArray();
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
    m_text.reset();
    m_haveData = false;
    m_eventType.clear();
    m_haveId = false;
    return false;
}

// The data view must not outlive the chunk: copy it before feedLines() returns.
void SseParser::materializeData()
{
    m_data.append(m_dataView, m_dataViewSize);
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
}

// Within a feed() the buffers keep their capacity; a stream with nothing buffered between two
// feeds gives large ones back.
void SseParser::releaseIdleBuffers()
{
    releaseFieldBuffers();
    if (!m_line.isEmpty() || m_haveData || (m_text && m_text->streaming))
        return;
    m_text.reset();
    if (m_line.capacity() > KeepCapacity)
        m_line = QByteArray();
    if (m_data.capacity() > KeepCapacity)
        m_data = QByteArray();
}

// The ID and event type buffers that no pending event uses give back what grew beyond
// KeepFieldCapacity; the last event ID keeps no more than its own size.
void SseParser::releaseFieldBuffers()
{
    if (m_eventType.isEmpty())
        recycle(m_eventType);
    if (!m_haveId)
        recycle(m_idBuffer);
    const qsizetype idSize = m_lastEventIdBytes.size();
    if (m_lastEventIdBytes.capacity() > qMax(KeepFieldCapacity, idSize))
        m_lastEventIdBytes.squeeze();
    if (m_lastEventId.capacity() > qMax(KeepFieldCapacity, idSize))
        m_lastEventId.squeeze();
}

/*!
    The stream ended: an event not terminated by a blank line is discarded, with its \c id:
    field, as the standard says.
*/
void SseParser::finish()
{
    // Any pending data is discarded, and so is an id: field of the unfinished event: it was
    // never dispatched, so it must not be sent as Last-Event-ID.
    recycle(m_line);
    recycle(m_data);
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
    m_text.reset();
    m_spareData = QString();
    m_haveData = false;
    m_eventType.clear();
    m_haveId = false;
    releaseFieldBuffers();
    m_bomBytes.clear();
    m_lastWasCR = false;
}

/*!
    Prepares for a new response: buffers, the pending event, the error and the BOM state are
    cleared; the last event ID survives (it is sent as Last-Event-ID on reconnection). From a
    handler, the running feed() stops at once.
*/
void SseParser::reset()
{
    finish();
    // A new connection starts with nothing buffered: only the last event ID is kept.
    m_line = QByteArray();
    m_data = QByteArray();
    m_cachedTypeBytes.clear();
    m_cachedTypeBytes.squeeze();
    m_cachedType = QString();
    m_bomChecked = false;
    m_error = Error::NoError;
    m_interrupted = true; // a feed() in progress (reset from a handler) stops at once
}

/*!
    Feeds the next bytes of the stream, \a chunk, in any chunking. Returns false once the
    parser is in error; it then ignores further input until reset().
*/
bool SseParser::feed(QByteArrayView chunk)
{
    if (m_error != Error::NoError)
        return false;
    const char *p = chunk.data();
    const char *const end = p + chunk.size();

    bool alive = true;
    bool *const outerAlive = m_alive;
    m_alive = &alive;
    // A handler that called reset() and then feeds the new stream: the feed() that called the
    // handler must still stop when this one returns, or it would parse the rest of its chunk,
    // from the old stream, into the new one.
    const bool outerInterrupted = outerAlive && m_interrupted;
    m_interrupted = false;
    auto restore = qScopeGuard([&] {
        if (alive) {
            m_alive = outerAlive;
            m_interrupted = m_interrupted || outerInterrupted;
        } else if (outerAlive) {
            *outerAlive = false;
        }
    });

    if (!m_bomChecked) {
        // One leading U+FEFF (EF BB BF) is dropped, also when its bytes arrive in pieces.
        while (p < end && m_bomBytes.size() < 3) {
            m_bomBytes.append(*p++);
            if (m_bomBytes.back() != Bom[m_bomBytes.size() - 1])
                break;
        }
        const bool prefix = std::memcmp(m_bomBytes.constData(), Bom, m_bomBytes.size()) == 0;
        if (prefix && m_bomBytes.size() < 3)
            return true; // p == end: wait for more
        m_bomChecked = true;
        const QByteArray pending = std::exchange(m_bomBytes, QByteArray());
        if (!prefix) {
            feedLines(pending.constData(), pending.constData() + pending.size(), alive);
            if (!alive || m_interrupted || m_error != Error::NoError)
                return alive && m_error == Error::NoError;
        }
    }
    feedLines(p, end, alive);
    if (!alive)
        return false;
    releaseIdleBuffers();
    return m_error == Error::NoError;
}

bool SseParser::appendPartialLine(const char *p, qsizetype len)
{
    if (m_line.size() + len > m_maxEventSize)
        return fail(Error::EventTooLarge);
    m_line.append(p, len);
    return true;
}

// [p, end) ends the chunk in the middle of a line (which begins with m_line).
bool SseParser::bufferPartialLine(const char *p, const char *end)
{
    const qsizetype len = end - p;
    if (m_line.size() + len > m_maxEventSize)
        return fail(Error::EventTooLarge);
    if (m_line.size() + len >= StreamLineSize) {
        char head[5];
        const qsizetype fromLine = qMin<qsizetype>(m_line.size(), 5);
        std::memcpy(head, m_line.constData(), fromLine);
        std::memcpy(head + fromLine, p, 5 - fromLine);
        if (std::memcmp(head, "data:", 5) == 0)
            return startStreaming(p, end);
    }
    m_line.append(p, len);
    return true;
}
