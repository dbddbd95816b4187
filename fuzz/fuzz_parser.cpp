// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target for SseParser (build with -DQTSSE_FUZZ=ON and clang, see scripts/fuzz.sh).
//
// An input is a 6-byte header followed by the stream:
//   bytes 0-1  v = b0 | b1 << 8: maxEventSize() is the default (16 MiB) when v % 4 == 0; the
//              length of the stream minus v >> 2 (at least 1) when v % 4 == 3, which puts the
//              limit near the size of the events of long inputs; else (v >> 2) + 1, that is 1
//              to 16384 bytes
//   byte 2     bits 0-2: how the stream is split into chunks (see chunkSizes()); bit 3: the
//              chunked parser is reset() after finish() and fed the stream again; bit 4: both
//              parsers start with a last event ID set by setLastEventId()
//   bytes 3-5  the seed of the chunking (a fixed chunk size or a pseudo-random sequence)
//
// Properties checked, each an abort() on failure:
// - feeding the stream whole and feeding it in chunks report the same events (type, data, last
//   event ID), comments and retry values in the same order, the same error state, and the same
//   lastEventId() after finish();
// - both agree with a straightforward model of the standard's "event stream interpretation"
//   (the stream decoded first, then split into lines), with the parser's limits: a line longer
//   than maxEventSize() bytes, or data of one event longer than that, is EventTooLarge;
// - bufferedBytes() never exceeds 2 * maxEventSize() (a line and the data of its event), is 0
//   after finish() and after an error, and no event's data is longer than maxEventSize();
// - QtSsePrivate::decodeUtf8(), and decodeUtf8Line() fed the same chunks, agree with the
//   Encoding standard's UTF-8 decoder written out below from its algorithm;
// - and, as for any fuzz target, no crash, no sanitizer report, no leak.
#include <QtSse/SseParser>

#include "sseutf8_p.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

namespace {

constexpr size_t HeaderSize = 6;

struct Record
{
    char kind = 0; // 'E' event, 'C' comment, 'R' retry
    QString type; // event type, or the comment
    QString data;
    QString id;
    qint64 retry = 0;

    friend bool operator==(const Record &a, const Record &b)
    {
        return a.kind == b.kind && a.type == b.type && a.data == b.data && a.id == b.id
                && a.retry == b.retry;
    }
};

struct Outcome
{
    std::vector<Record> log;
    bool error = false;
    QString lastEventId;
};

void printRecord(const char *label, size_t index, const Record &r)
{
    std::fprintf(stderr, "  %s[%zu] %c type=\"%s\" data=\"%s\" id=\"%s\" retry=%lld\n", label,
                 index, r.kind, qUtf8Printable(r.type), qUtf8Printable(r.data),
                 qUtf8Printable(r.id), static_cast<long long>(r.retry));
}

[[noreturn]] void failure(const char *what)
{
    std::fprintf(stderr, "fuzz_parser: %s\n", what);
    std::abort();
}

// Aborts with both logs (from the first difference) when two outcomes differ.
void compare(const char *what, const Outcome &a, const Outcome &b)
{
    if (a.log == b.log && a.error == b.error && a.lastEventId == b.lastEventId)
        return;
    std::fprintf(stderr, "fuzz_parser: %s differ\n", what);
    std::fprintf(stderr, "  error %d vs %d, lastEventId \"%s\" vs \"%s\", %zu vs %zu records\n",
                 a.error, b.error, qUtf8Printable(a.lastEventId), qUtf8Printable(b.lastEventId),
                 a.log.size(), b.log.size());
    size_t first = 0;
    while (first < a.log.size() && first < b.log.size() && a.log[first] == b.log[first])
        ++first;
    for (size_t i = first; i < a.log.size() && i < first + 3; ++i)
        printRecord("a", i, a.log[i]);
    for (size_t i = first; i < b.log.size() && i < first + 3; ++i)
        printRecord("b", i, b.log[i]);
    std::abort();
}

// --- the reference decoder --------------------------------------------------------------------

void appendCodePoint(QString &out, char32_t cp)
{
    if (QChar::requiresSurrogates(cp)) {
        out.append(QChar(QChar::highSurrogate(cp)));
        out.append(QChar(QChar::lowSurrogate(cp)));
    } else {
        out.append(QChar(char16_t(cp)));
    }
}

// The Encoding standard's UTF-8 decoder (section 9.1.1), step by step, followed by the end of
// the queue: an unfinished sequence there is one more error. No BOM handling.
QString referenceDecode(const unsigned char *p, size_t n)
{
    QString out;
    char32_t codePoint = 0;
    int needed = 0;
    int seen = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    size_t i = 0;
    while (i < n) {
        const unsigned char byte = p[i];
        if (needed == 0) {
            ++i;
            if (byte <= 0x7F) {
                appendCodePoint(out, byte);
            } else if (byte >= 0xC2 && byte <= 0xDF) {
                needed = 1;
                codePoint = byte & 0x1F;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                if (byte == 0xE0)
                    lower = 0xA0;
                if (byte == 0xED)
                    upper = 0x9F;
                needed = 2;
                codePoint = byte & 0xF;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                if (byte == 0xF0)
                    lower = 0x90;
                if (byte == 0xF4)
                    upper = 0x8F;
                needed = 3;
                codePoint = byte & 0x7;
            } else {
                appendCodePoint(out, 0xFFFD);
            }
            continue;
        }
        if (byte < lower || byte > upper) {
            // The byte is not consumed: it is processed again from the initial state.
            codePoint = 0;
            needed = 0;
            seen = 0;
            lower = 0x80;
            upper = 0xBF;
            appendCodePoint(out, 0xFFFD);
            continue;
        }
        ++i;
        lower = 0x80;
        upper = 0xBF;
        codePoint = (codePoint << 6) | (byte & 0x3F);
        if (++seen == needed) {
            appendCodePoint(out, codePoint);
            codePoint = 0;
            needed = 0;
            seen = 0;
        }
    }
    if (needed != 0)
        appendCodePoint(out, 0xFFFD);
    return out;
}

// --- the reference parser ---------------------------------------------------------------------

bool isLineBreak(char16_t c)
{
    return c == u'\r' || c == u'\n';
}

// The stream as the standard reads it: decoded (one leading BOM dropped), then split into lines
// at CRLF, LF or CR. The limits are on bytes, so each line's length in bytes is found too: lines
// end at the same CRs and LFs in the bytes as in the text, since the decoder never consumes a
// byte below 0x80 as part of a sequence.
Outcome referenceParse(const unsigned char *p, size_t n, qsizetype max, const QString &initialId)
{
    Outcome result;
    result.lastEventId = initialId;
    // A stream that is only the start of a BOM is held as such and dropped by finish(): its
    // bytes are never looked at as a line (so never as one too long).
    static const unsigned char Bom[3] = {0xEF, 0xBB, 0xBF};
    if (n < 3 && std::memcmp(p, Bom, n) == 0)
        return result;
    if (n >= 3 && std::memcmp(p, Bom, 3) == 0) {
        p += 3;
        n -= 3;
    }
    const QString text = referenceDecode(p, n);

    struct Line
    {
        QStringView text;
        qsizetype bytes;
        bool terminated;
    };
    std::vector<Line> lines;
    std::vector<qsizetype> byteLengths;
    for (size_t i = 0, start = 0; i <= n; ++i) {
        if (i == n || p[i] == '\r' || p[i] == '\n') {
            byteLengths.push_back(qsizetype(i - start));
            if (i < n && p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
                ++i;
            start = i + 1;
        }
    }
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i < text.size() && !isLineBreak(text.at(i).unicode()))
            continue;
        const size_t index = lines.size();
        if (index >= byteLengths.size())
            failure("reference: the text has more lines than the bytes");
        lines.push_back(
                {QStringView(text).mid(start, i - start), byteLengths[index], i < text.size()});
        if (i < text.size() && text.at(i) == u'\r' && i + 1 < text.size()
            && text.at(i + 1) == u'\n')
            ++i;
        start = i + 1;
    }
    if (lines.size() != byteLengths.size())
        failure("reference: the text has fewer lines than the bytes");

    QString data;
    qsizetype dataBytes = 0;
    bool haveData = false;
    QString type;
    QString idBuffer = initialId;
    for (const Line &line : lines) {
        if (line.bytes > max) {
            result.error = true;
            break;
        }
        if (!line.terminated)
            break; // an unfinished line at the end of the stream is never processed
        const QStringView l = line.text;
        if (l.isEmpty()) {
            // Dispatch.
            result.lastEventId = idBuffer;
            if (haveData) {
                Record r;
                r.kind = 'E';
                r.type = type.isEmpty() ? QStringLiteral("message") : type;
                r.data = data;
                r.id = result.lastEventId;
                result.log.push_back(std::move(r));
            }
            data.clear();
            dataBytes = 0;
            haveData = false;
            type.clear();
            continue;
        }
        if (l.front() == u':') {
            Record r;
            r.kind = 'C';
            r.type = l.mid(1).toString();
            result.log.push_back(std::move(r));
            continue;
        }
        QStringView name = l;
        QStringView value;
        if (const qsizetype colon = l.indexOf(u':'); colon >= 0) {
            name = l.left(colon);
            value = l.mid(colon + 1);
            if (value.startsWith(u' '))
                value = value.mid(1);
        }
        if (name == u"data") {
            // The field name and what precedes the value are ASCII: one byte per unit.
            const qsizetype valueBytes = line.bytes - (l.size() - value.size());
            if (haveData) {
                if (dataBytes + 1 + valueBytes > max) {
                    result.error = true;
                    break;
                }
                data.append(u'\n');
                dataBytes += 1;
            }
            data.append(value);
            dataBytes += valueBytes;
            haveData = true;
        } else if (name == u"event") {
            type = value.toString();
        } else if (name == u"id") {
            if (!value.contains(QChar(u'\0')))
                idBuffer = value.toString();
        } else if (name == u"retry") {
            bool digits = !value.isEmpty();
            qint64 ms = 0;
            for (QChar c : value) {
                if (c < u'0' || c > u'9') {
                    digits = false;
                    break;
                }
                ms = qMin<qint64>(ms * 10 + (c.unicode() - u'0'),
                                  std::numeric_limits<qint32>::max());
            }
            if (digits) {
                Record r;
                r.kind = 'R';
                r.retry = ms;
                result.log.push_back(std::move(r));
            }
        }
    }
    return result;
}

// --- chunking ---------------------------------------------------------------------------------

struct Random
{
    quint32 state;
    quint32 next()
    {
        // xorshift32
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state;
    }
};

// The lengths of the chunks the stream is fed in (some may be 0: an empty feed()).
std::vector<size_t> chunkSizes(int mode, quint32 seed, const unsigned char *p, size_t n)
{
    std::vector<size_t> sizes;
    Random random {seed * 2654435761U | 1U};
    auto cutsAt = [&](auto cutBefore) {
        size_t start = 0;
        for (size_t i = 1; i < n; ++i) {
            if (cutBefore(i)) {
                sizes.push_back(i - start);
                start = i;
            }
        }
        sizes.push_back(n - start);
    };
    switch (mode) {
    case 0: // a fixed size, 1 to 256 bytes
    case 1: // one byte at a time
    {
        const size_t size = mode == 0 ? 1 + (seed & 0xFF) : 1;
        for (size_t at = 0; at < n; at += size)
            sizes.push_back(qMin(size, n - at));
        break;
    }
    case 2: // around every CR and LF: a CRLF split, a line end at a chunk end
        cutsAt([&](size_t i) { return isLineBreak(p[i]) || isLineBreak(p[i - 1]); });
        break;
    case 3: // after every byte of a multi-byte sequence, and in a BOM
        cutsAt([&](size_t i) { return p[i - 1] >= 0x80; });
        break;
    case 4: // in two
        if (n) {
            const size_t at = random.next() % (n + 1);
            sizes = {at, n - at};
        }
        break;
    case 5: {
        // In long lines: first where the line is about as long as StreamLineSize (4096), where a
        // data line starts to be decoded as it arrives, then every 1 to 4096 bytes.
        size_t nextCut = 4088 + random.next() % 17;
        cutsAt([&](size_t i) {
            if (isLineBreak(p[i - 1])) {
                nextCut = i + 4088 + random.next() % 17;
                return false;
            }
            if (i != nextCut)
                return false;
            nextCut = i + 1 + random.next() % 4096;
            return true;
        });
        break;
    }
    default: // random sizes, mostly small, some empty
        for (size_t at = 0; at < n;) {
            const quint32 bits = random.next() % 14;
            size_t size = bits ? random.next() % (1U << bits) : 0;
            size = qMin(size, n - at);
            sizes.push_back(size);
            at += size;
            if (sizes.size() > 4 * n + 64) { // very unlikely: feed what is left
                sizes.push_back(n - at);
                break;
            }
        }
        break;
    }
    return sizes;
}

// --- the parsers under test -------------------------------------------------------------------

class Harness
{
public:
    Harness(qsizetype max, const QString &initialId) : m_max(max)
    {
        m_parser.setMaxEventSize(max);
        if (m_parser.maxEventSize() != max)
            failure("maxEventSize() is not what was set");
        if (!initialId.isNull())
            m_parser.setLastEventId(initialId);
        m_parser.setEventHandler([this](const SseEvent &event) {
            checkBuffered();
            if (event.data().size() > m_max)
                failure("an event's data is longer than maxEventSize()");
            Record r;
            r.kind = 'E';
            r.type = event.type();
            r.data = event.data();
            r.id = event.lastEventId();
            if (r.id != m_parser.lastEventId())
                failure("the event's ID is not lastEventId()");
            m_outcome.log.push_back(std::move(r));
        });
        m_parser.setCommentHandler([this](const QString &comment) {
            checkBuffered();
            Record r;
            r.kind = 'C';
            r.type = comment;
            m_outcome.log.push_back(std::move(r));
        });
        m_parser.setRetryHandler([this](qint64 ms) {
            checkBuffered();
            Record r;
            r.kind = 'R';
            r.retry = ms;
            m_outcome.log.push_back(std::move(r));
        });
    }

    void feed(const unsigned char *p, size_t n)
    {
        const bool ok = m_parser.feed(
                QByteArrayView(reinterpret_cast<const char *>(p), static_cast<qsizetype>(n)));
        const bool error = m_parser.error() != SseParser::Error::NoError;
        if (ok == error)
            failure("feed() returned other than error() says");
        if (error != !m_parser.errorString().isEmpty())
            failure("errorString() does not match error()");
        if (error && m_parser.bufferedBytes() != 0)
            failure("bufferedBytes() is not 0 in the error state");
        checkBuffered();
    }

    void feedChunks(const unsigned char *p, const std::vector<size_t> &sizes)
    {
        for (size_t size : sizes) {
            feed(p, size);
            p += size;
        }
    }

    Outcome finish()
    {
        m_parser.finish();
        if (m_parser.bufferedBytes() != 0)
            failure("bufferedBytes() is not 0 after finish()");
        m_outcome.error = m_parser.error() != SseParser::Error::NoError;
        m_outcome.lastEventId = m_parser.lastEventId();
        return std::exchange(m_outcome, Outcome());
    }

    void reset()
    {
        m_parser.reset();
        if (m_parser.error() != SseParser::Error::NoError || m_parser.bufferedBytes() != 0)
            failure("reset() did not clear the error and the buffers");
    }

private:
    void checkBuffered() const
    {
        const qsizetype buffered = m_parser.bufferedBytes();
        if (buffered < 0 || buffered > 2 * m_max)
            failure("bufferedBytes() exceeds 2 * maxEventSize()");
    }

    SseParser m_parser;
    qsizetype m_max;
    Outcome m_outcome;
};

void checkDecoder(const unsigned char *p, size_t n, const std::vector<size_t> &sizes)
{
    const auto *bytes = reinterpret_cast<const char *>(p);
    const QString expected = referenceDecode(p, n);
    if (QtSsePrivate::decodeUtf8(bytes, qsizetype(n)) != expected)
        failure("decodeUtf8() differs from the reference decoder");
    QString assigned = QStringLiteral("previous text, longer than most inputs, to reuse");
    QtSsePrivate::assignUtf8(assigned, bytes, qsizetype(n));
    if (assigned != expected)
        failure("assignUtf8() differs from the reference decoder");
    bool ascii = true;
    for (size_t i = 0; i < n; ++i)
        ascii = ascii && p[i] < 0x80;
    if (QtSsePrivate::isAscii(bytes, qsizetype(n)) != ascii)
        failure("isAscii() is wrong");

    // decodeUtf8Line() fed the chunks, a line at a time: the lines of the reference decode
    // (each CR and each LF ends one line here).
    QString incremental;
    std::vector<char16_t> buffer;
    QtSsePrivate::Utf8DecoderState state;
    const char *at = bytes;
    for (size_t size : sizes) {
        const char *const end = at + size;
        while (true) {
            buffer.resize(size_t(end - at) + 1);
            char16_t *out = buffer.data();
            const char *const stop = QtSsePrivate::decodeUtf8Line(state, at, end, out);
            if (stop < at || stop > end || out > buffer.data() + buffer.size())
                failure("decodeUtf8Line() went out of bounds");
            incremental.append(reinterpret_cast<const QChar *>(buffer.data()), out - buffer.data());
            if (stop == end) {
                at = end;
                break;
            }
            if (*stop != '\r' && *stop != '\n')
                failure("decodeUtf8Line() stopped before a byte that is not CR or LF");
            out = buffer.data();
            QtSsePrivate::finishUtf8(state, out);
            incremental.append(reinterpret_cast<const QChar *>(buffer.data()), out - buffer.data());
            incremental.append(QLatin1Char(*stop));
            at = stop + 1;
        }
    }
    char16_t tail[1];
    char16_t *out = tail;
    QtSsePrivate::finishUtf8(state, out);
    incremental.append(reinterpret_cast<const QChar *>(tail), out - tail);
    if (incremental != expected)
        failure("decodeUtf8Line() differs from the reference decoder");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    if (size < HeaderSize)
        return 0;
    const unsigned v = input[0] | unsigned(input[1]) << 8;
    const size_t n = size - HeaderSize;
    qsizetype max = qsizetype(v >> 2) + 1;
    if (v % 4 == 0)
        max = SseParser::DefaultMaxEventSize;
    else if (v % 4 == 3)
        max = qMax<qsizetype>(1, qsizetype(n) - qsizetype(v >> 2));
    const int mode = input[2] & 0x7;
    const bool refeed = input[2] & 0x8;
    const QString initialId = (input[2] & 0x10) ? QStringLiteral("initial \u00e9") : QString();
    const quint32 seed = input[3] | quint32(input[4]) << 8 | quint32(input[5]) << 16;
    const unsigned char *const p = input + HeaderSize;
    const std::vector<size_t> sizes = chunkSizes(mode, seed, p, n);

    Harness whole(max, initialId);
    whole.feed(p, n);
    const Outcome wholeOutcome = whole.finish();

    Harness chunked(max, initialId);
    chunked.feedChunks(p, sizes);
    const Outcome chunkedOutcome = chunked.finish();
    compare("the whole and the chunked stream", wholeOutcome, chunkedOutcome);

    compare("the parser and the reference", referenceParse(p, n, max, initialId), wholeOutcome);

    if (refeed) {
        // A new response on the same parser: only the last event ID carries over.
        chunked.reset();
        chunked.feedChunks(p, sizes);
        compare("the stream again after reset() and the reference",
                referenceParse(p, n, max, wholeOutcome.lastEventId), chunked.finish());
    }

    checkDecoder(p, n, sizes);
    return 0;
}
