// SPDX-License-Identifier: BSD-3-Clause
// What the parts of fuzz_parser share: the records both parsers report, the reference model
// and decoder, the chunking, and the harness around the parser under test. See fuzz_parser.cpp
// for the input format and the properties checked.
#ifndef FUZZ_PARSER_P_H
#define FUZZ_PARSER_P_H

#include <QtSse/SseParser>

#include <QtCore/qstring.h>

#include <cstddef>
#include <vector>

namespace FuzzParser {

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

[[noreturn]] void failure(const char *what);

// Aborts with both logs (from the first difference) when two outcomes differ.
void compare(const char *what, const Outcome &a, const Outcome &b);

inline bool isLineBreak(char16_t c)
{
    return c == u'\r' || c == u'\n';
}

// fuzz_parser_utf8.cpp: the Encoding standard's UTF-8 decoder, and the library's decoders
// checked against it.
QString referenceDecode(const unsigned char *p, size_t n);
void checkDecoder(const unsigned char *p, size_t n, const std::vector<size_t> &sizes);

// fuzz_parser_model.cpp: the standard's "event stream interpretation", with the parser's limits.
Outcome referenceParse(const unsigned char *p, size_t n, qsizetype max, const QString &initialId);

// fuzz_parser_chunks.cpp: the lengths of the chunks the stream is fed in (some may be 0: an
// empty feed()).
std::vector<size_t> chunkSizes(int mode, quint32 seed, const unsigned char *p, size_t n);

// fuzz_parser_harness.cpp: an SseParser that records what it reports and checks its invariants
// on every callback and feed().
class Harness
{
public:
    Harness(qsizetype max, const QString &initialId);
    void feed(const unsigned char *p, size_t n);
    void feedChunks(const unsigned char *p, const std::vector<size_t> &sizes);
    Outcome finish();
    void reset();

private:
    void checkBuffered() const;

    SseParser m_parser;
    qsizetype m_max;
    Outcome m_outcome;
};

} // namespace FuzzParser

#endif // FUZZ_PARSER_P_H
