// SPDX-License-Identifier: BSD-3-Clause
// fuzz_parser: the Encoding standard's UTF-8 decoder, written out from its algorithm, and the
// library's decoders (QtSsePrivate) checked against it.
#include "fuzz_parser_p.h"

#include "sseutf8_p.h"

namespace FuzzParser {

namespace {

void appendCodePoint(QString &out, char32_t cp)
{
    if (QChar::requiresSurrogates(cp)) {
        out.append(QChar(QChar::highSurrogate(cp)));
        out.append(QChar(QChar::lowSurrogate(cp)));
    } else {
        out.append(QChar(char16_t(cp)));
    }
}

} // namespace

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

} // namespace FuzzParser
