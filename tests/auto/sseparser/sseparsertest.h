// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEPARSERTEST_H
#define SSEPARSERTEST_H

// What the SseParser tests share. The rules come from the WHATWG HTML standard, "9.2.6
// Interpreting an event stream", and the WHATWG Encoding standard's "UTF-8 decode" (one U+FFFD
// per maximal invalid subpart).
//
// A parser's output is normalised text, one entry per handler call in order:
//   "type|data|lastEventId" for an event, "comment|text" for a comment, "retry|ms" for a retry.

#include <QtSse/SseEvent>
#include <QtSse/SseParser>

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qrandom.h>
#include <QtCore/qstringlist.h>

#include <initializer_list>

#define FFFD "\xEF\xBF\xBD" // U+FFFD REPLACEMENT CHARACTER in UTF-8
#define BOM "\xEF\xBB\xBF" // U+FEFF in UTF-8

namespace ParserTest {

// A byte array from a string literal, embedded NULs included.
template<qsizetype N> QByteArray B(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QStringList texts(std::initializer_list<const char *> items);

QString eventText(const SseEvent &event);

// Records every handler call of a parser as normalised text.
struct Recorder
{
    QStringList output;

    void attach(SseParser &parser);
};

struct Result
{
    QStringList output;
    QString lastEventId;
    bool ok = true; // every feed() returned true
    SseParser::Error error = SseParser::Error::NoError;

    bool operator==(const Result &other) const
    {
        return output == other.output && lastEventId == other.lastEventId && ok == other.ok
                && error == other.error;
    }
    bool operator!=(const Result &other) const { return !(*this == other); }
};

// Feeds the chunks to a fresh parser, then finish(). If maxBuffered >= 0, checks after every feed
// that bufferedBytes() stays within it (*boundViolated is set otherwise).
Result run(const QList<QByteArrayView> &chunks,
           qsizetype maxEventSize = SseParser::DefaultMaxEventSize, qsizetype maxBuffered = -1,
           bool *boundViolated = nullptr);

// Chunkings of one input.
QList<QByteArrayView> whole(QByteArrayView input);
QList<QByteArrayView> splitAt(QByteArrayView input, qsizetype at);
QList<QByteArrayView> bytewise(QByteArrayView input);
QList<QByteArrayView> randomChunks(QByteArrayView input, QRandomGenerator &random);

// size bytes of "0123456789abcdefghijklmnopqrstuvwxyz" repeated.
QByteArray pattern(qsizetype size);

// The rows of tst_sseparser_conformance's parse_data() (parserows.cpp): the columns input
// (QByteArray), expected (QStringList) and lastEventId (QString, after finish()).
void addParseRows();

} // namespace ParserTest

#endif // SSEPARSERTEST_H
