// SPDX-License-Identifier: BSD-3-Clause
// SseParser's data buffer: long data lines decoded as they arrive, and the decoded data of an
// event handed out without a copy where possible.
#include "sseparser_p.h"

// A long data line, m_line + [p, end), continues past the chunk: from now on it is decoded as
// it arrives (see TextData), which spares collecting its bytes and reading them again.
bool SseParser::startStreaming(const char *p, const char *end)
{
    if (!m_text)
        m_text = std::make_unique<TextData>();
    TextData &t = *m_text;
    const qsizetype lineSize = m_line.size();
    // The value follows "data:" and an optional space; the line has at least StreamLineSize bytes.
    const char afterColon = lineSize > 5 ? m_line.at(5) : p[5 - lineSize];
    const qsizetype skip = afterColon == ' ' ? 6 : 5;
    t.lineBytes = lineSize + (end - p);
    t.valueBytes = t.lineBytes - skip;
    t.streaming = true;
    t.utf8 = QtSsePrivate::Utf8DecoderState();

    if (m_haveData) {
        // The data lines so far are decoded, then the LF that joins this one.
        const qsizetype bytes = dataSize();
        const char *data = m_dataView ? m_dataView : m_data.constData() + m_dataOffset;
        const qsizetype size = m_dataView ? m_dataViewSize : m_data.size() - m_dataOffset;
        if (t.haveText)
            t.text.append(QtSsePrivate::decodeUtf8(data, size));
        else
            t.text = QtSsePrivate::decodeUtf8(data, size);
        t.text.append(u'\n');
        t.bytes = bytes;
        if (!m_data.isEmpty())
            m_data.resize(0);
        m_dataOffset = 0;
        m_dataView = nullptr;
        m_dataViewSize = 0;
    } else {
        t.text.clear();
        t.bytes = 0;
    }
    t.haveText = true;

    const qsizetype base = t.text.size();
    const qsizetype room = t.valueBytes + 2; // see decodeUtf8Line()
    t.text.reserve(qMax(t.sizeHint + 2, base + room));
    t.text.resize(base + room);
    char16_t *const begin = reinterpret_cast<char16_t *>(t.text.data());
    char16_t *out = begin + base;
    if (lineSize > skip)
        QtSsePrivate::decodeUtf8Line(t.utf8, m_line.constData() + skip,
                                     m_line.constData() + lineSize, out);
    QtSsePrivate::decodeUtf8Line(t.utf8, p + qMax<qsizetype>(0, skip - lineSize), end, out);
    t.text.resize(out - begin);
    m_line.resize(0);
    return true;
}

// The next bytes of a streamed data line. Returns where the line ends (end if it does not), or
// nullptr on error.
const char *SseParser::continueStreaming(const char *p, const char *end)
{
    TextData &t = *m_text;
    // A line over the cap fails before it is decoded: decoding first would grow the text by up
    // to 2 bytes per byte of the chunk, whatever the cap (a 32 MiB chunk: 64 MiB).
    if (t.lineBytes + (end - p) > m_maxEventSize
        && t.lineBytes + (findLineEnd(p, end) - p) > m_maxEventSize) {
        fail(Error::EventTooLarge);
        return nullptr;
    }
    const qsizetype base = t.text.size();
    qsizetype room = (end - p) + 2; // see decodeUtf8Line() and finishUtf8()
    if (base + room > t.text.capacity()) {
        // Before growing the text, see whether the line needs it: it may end in this chunk.
        room = (findLineEnd(p, end) - p) + 2;
    }
    t.text.resize(base + room);
    char16_t *const begin = reinterpret_cast<char16_t *>(t.text.data());
    char16_t *out = begin + base;
    const char *const eol = QtSsePrivate::decodeUtf8Line(t.utf8, p, end, out);
    if (t.lineBytes + (eol - p) > m_maxEventSize) {
        fail(Error::EventTooLarge);
        return nullptr;
    }
    t.lineBytes += eol - p;
    t.valueBytes += eol - p;
    if (eol != end) {
        // The line is complete: as processField() does with a data line.
        QtSsePrivate::finishUtf8(t.utf8, out);
        t.streaming = false;
        if (m_haveData) {
            if (t.bytes + 1 + t.valueBytes > m_maxEventSize) {
                fail(Error::EventTooLarge);
                return nullptr;
            }
            t.bytes += 1 + t.valueBytes;
        } else {
            t.bytes = t.valueBytes;
            m_haveData = true;
        }
    }
    t.text.resize(out - begin);
    return eol;
}

// The data buffer decoded, for dispatch.
QString SseParser::takeData()
{
    const char *bytes = m_dataView ? m_dataView : m_data.constData() + m_dataOffset;
    const qsizetype size = m_dataView ? m_dataViewSize : m_data.size() - m_dataOffset;
    if (!m_text || !m_text->haveText) {
        if (size > RecycleDataSize)
            return QtSsePrivate::decodeUtf8(bytes, size);
        // Most handlers let go of an event when they return: then the data QString of the last
        // one is no longer shared and its buffer is reused, which saves an allocation and a
        // free per event. A handler that kept the event keeps its data: assignUtf8() sees that
        // the buffer is shared and allocates another.
        QtSsePrivate::assignUtf8(m_spareData, bytes, size);
        return m_spareData;
    }
    QString data = std::exchange(m_text->text, QString());
    if (size)
        data.append(QtSsePrivate::decodeUtf8(bytes, size));
    m_text->sizeHint = data.size();
    if (data.capacity() - data.size() > KeepCapacity)
        data.squeeze(); // the event does not keep what was reserved for a longer one
    return data;
}
