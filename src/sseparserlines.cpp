// SPDX-License-Identifier: BSD-3-Clause
// SseParser's hot path: lines, fields and the dispatch of events.
#include "sseparser_p.h"

// Past the line ending at eol: a CRLF counts once, also when its LF starts the next chunk.
inline const char *SseParser::afterLineEnd(const char *eol, const char *end)
{
    const char *p = eol + 1;
    if (*eol == '\r') {
        if (p == end)
            m_lastWasCR = true;
        else if (*p == '\n')
            ++p;
    }
    return p;
}

void SseParser::feedLines(const char *p, const char *const end, const bool &alive)
{
    if (p == end)
        return;
    if (m_lastWasCR) {
        m_lastWasCR = false;
        if (*p == '\n')
            ++p; // the LF of a CRLF split across chunks
    }
    if (m_text && m_text->streaming) {
        const char *const eol = continueStreaming(p, end);
        if (!eol || eol == end)
            return;
        p = afterLineEnd(eol, end);
    }
    while (p < end) {
        const char *const eol = findLineEnd(p, end);
        if (eol == end) {
            if (!bufferPartialLine(p, end))
                return;
            break;
        }
        if (m_line.isEmpty()) {
            const qsizetype len = eol - p;
            if (len > m_maxEventSize) {
                fail(Error::EventTooLarge);
                return;
            }
            // The common lines are handled here, as processLine() and processField() would.
            if (len == 0) {
                dispatch();
            } else if (!m_haveData && len >= 5 && std::memcmp(p, "data:", 5) == 0) {
                // The first data line of an event: not copied (see processField).
                const char *value = p + 5;
                if (value < eol && *value == ' ')
                    ++value;
                m_haveData = true;
                m_dataOffset = 0;
                m_dataView = value;
                m_dataViewSize = eol - value;
                p = afterLineEnd(eol, end);
                continue; // no handler ran
            } else if (len >= 3 && p[0] == 'i' && p[1] == 'd' && p[2] == ':') {
                const char *value = p + 3;
                if (value < eol && *value == ' ')
                    ++value;
                if (!containsNul(value, eol - value)) {
                    setBytes(m_idBuffer, value, eol - value);
                    m_haveId = true;
                }
                p = afterLineEnd(eol, end);
                continue; // no handler ran
            } else {
                processLine(p, len, false);
            }
        } else {
            if (!appendPartialLine(p, eol - p))
                return;
            processLine(m_line.constData(), m_line.size(), true);
            // After a reset() from a handler m_line is already empty, or holds the start of
            // the new stream (fed from the handler).
            if (alive && !m_interrupted)
                m_line.resize(0);
        }
        if (!alive || m_interrupted || m_error != Error::NoError)
            return;
        p = afterLineEnd(eol, end);
    }
    if (m_dataView)
        materializeData();
}

void SseParser::processLine(const char *line, qsizetype len, bool fromLineBuffer)
{
    if (len == 0) {
        dispatch();
        return;
    }
    if (line[0] == ':') {
        if (m_onComment)
            m_onComment(QtSsePrivate::decodeUtf8(line + 1, len - 1));
        return;
    }
    // The common field names are recognized without a search: none of them has a colon.
    const char *colon;
    if (len > 4 && line[4] == ':' && std::memcmp(line, "data", 4) == 0)
        colon = line + 4;
    else if (len > 2 && line[2] == ':' && line[0] == 'i' && line[1] == 'd')
        colon = line + 2;
    else
        colon = static_cast<const char *>(std::memchr(line, ':', len));
    const char *value = line + len;
    qsizetype nameLen = len;
    if (colon) {
        nameLen = colon - line;
        value = colon + 1;
        if (value < line + len && *value == ' ')
            ++value;
    }
    processField(line, nameLen, value, line + len - value, fromLineBuffer, value - line);
}

void SseParser::processField(const char *name, qsizetype nameLen, const char *value,
                             qsizetype valueLen, bool fromLineBuffer, qsizetype valueOffset)
{
    switch (nameLen) {
    case 4:
        if (std::memcmp(name, "data", 4) != 0)
            return;
        if (!m_haveData) {
            m_haveData = true;
            m_dataOffset = 0;
            if (!fromLineBuffer) {
                // Most events have one data line: it is not copied while it lies in the chunk.
                m_dataView = value;
                m_dataViewSize = valueLen;
            } else if (valueLen >= AdoptLineSize) {
                m_data.swap(m_line); // m_line is emptied by the caller
                m_dataOffset = valueOffset;
            } else {
                m_data.append(value, valueLen);
            }
            return;
        }
        if (dataSize() + 1 + valueLen > m_maxEventSize) {
            fail(Error::EventTooLarge);
            return;
        }
        if (m_dataView)
            materializeData();
        m_data.append('\n');
        m_data.append(value, valueLen);
        return;
    case 5:
        if (std::memcmp(name, "event", 5) == 0) {
            setBytes(m_eventType, value, valueLen);
        } else if (std::memcmp(name, "retry", 5) == 0 && valueLen > 0) {
            qint64 ms = 0;
            for (qsizetype i = 0; i < valueLen; ++i) {
                const char c = value[i];
                if (c < '0' || c > '9')
                    return; // only ASCII digits, else the field is ignored
                ms = qMin<qint64>(ms * 10 + (c - '0'), std::numeric_limits<qint32>::max());
            }
            if (m_onRetry)
                m_onRetry(ms);
        }
        return;
    case 2:
        if (std::memcmp(name, "id", 2) == 0 && !containsNul(value, valueLen)) {
            setBytes(m_idBuffer, value, valueLen);
            m_haveId = true;
        }
        return;
    default:
        return; // unknown fields are ignored
    }
}

// The data and event type buffers are emptied; they keep their capacity (see KeepCapacity).
inline void SseParser::clearEvent()
{
    if (m_text && m_text->haveText) {
        m_text->text.clear();
        m_text->bytes = 0;
        m_text->haveText = false;
    }
    if (!m_data.isEmpty())
        m_data.resize(0);
    m_dataOffset = 0;
    m_dataView = nullptr;
    m_dataViewSize = 0;
    m_haveData = false;
    m_eventType.clear();
}

void SseParser::dispatch()
{
    m_dispatchHasId = m_haveId;
    if (m_haveId) {
        m_haveId = false;
        if (!sameBytes(m_lastEventIdBytes, m_idBuffer)) {
            setBytes(m_lastEventIdBytes, m_idBuffer.constData(), m_idBuffer.size());
            // Reuses the buffer of the previous ID when no event holds it any more.
            QtSsePrivate::assignUtf8(m_lastEventId, m_idBuffer.constData(), m_idBuffer.size());
        }
    }
    if (!m_haveData || !m_onEvent) {
        clearEvent();
        return;
    }
    const bool typed = !m_eventType.isEmpty();
    if (typed && !sameBytes(m_cachedTypeBytes, m_eventType)) {
        if (m_eventType.size() > KeepFieldCapacity) {
            dispatchLongType();
            return;
        }
        setBytes(m_cachedTypeBytes, m_eventType.constData(), m_eventType.size());
        m_cachedType = QtSsePrivate::decodeUtf8(m_eventType.constData(), m_eventType.size());
    }
    QString data = takeData();
    clearEvent();
    m_onEvent(SseEvent(typed ? m_cachedType : messageType(), std::move(data), m_lastEventId));
}

// As dispatch(), for an event type too long to cache (see KeepFieldCapacity): it does not
// outlive its event.
void SseParser::dispatchLongType()
{
    QString type = QtSsePrivate::decodeUtf8(m_eventType.constData(), m_eventType.size());
    QString data = takeData();
    clearEvent();
    m_onEvent(SseEvent(std::move(type), std::move(data), m_lastEventId));
}

/*!
    Parses the complete \a stream and returns its events; \a lastEventId, if not null,
    receives the last event ID at its end.
*/
QList<SseEvent> SseParser::parseAll(QByteArrayView stream, QString *lastEventId)
{
    QList<SseEvent> events;
    SseParser parser([&events](const SseEvent &event) { events.append(event); });
    parser.feed(stream);
    parser.finish();
    if (lastEventId)
        *lastEventId = parser.lastEventId();
    return events;
}
