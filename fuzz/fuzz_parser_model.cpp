// SPDX-License-Identifier: BSD-3-Clause
// fuzz_parser: a straightforward model of the standard's "event stream interpretation", with
// the parser's limits.
#include "fuzz_parser_p.h"

#include <cstring>
#include <limits>
#include <utility>

namespace FuzzParser {

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

} // namespace FuzzParser
