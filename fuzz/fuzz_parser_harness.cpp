// SPDX-License-Identifier: BSD-3-Clause
// fuzz_parser: the failure reports, and the harness around the parser under test.
#include "fuzz_parser_p.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace FuzzParser {

namespace {

void printRecord(const char *label, size_t index, const Record &r)
{
    std::fprintf(stderr, "  %s[%zu] %c type=\"%s\" data=\"%s\" id=\"%s\" retry=%lld\n", label,
                 index, r.kind, qUtf8Printable(r.type), qUtf8Printable(r.data),
                 qUtf8Printable(r.id), static_cast<long long>(r.retry));
}

} // namespace

[[noreturn]] void failure(const char *what)
{
    std::fprintf(stderr, "fuzz_parser: %s\n", what);
    std::abort();
}

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

Harness::Harness(qsizetype max, const QString &initialId) : m_max(max)
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

void Harness::feed(const unsigned char *p, size_t n)
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

void Harness::feedChunks(const unsigned char *p, const std::vector<size_t> &sizes)
{
    for (size_t size : sizes) {
        feed(p, size);
        p += size;
    }
}

Outcome Harness::finish()
{
    m_parser.finish();
    if (m_parser.bufferedBytes() != 0)
        failure("bufferedBytes() is not 0 after finish()");
    m_outcome.error = m_parser.error() != SseParser::Error::NoError;
    m_outcome.lastEventId = m_parser.lastEventId();
    return std::exchange(m_outcome, Outcome());
}

void Harness::reset()
{
    m_parser.reset();
    if (m_parser.error() != SseParser::Error::NoError || m_parser.bufferedBytes() != 0)
        failure("reset() did not clear the error and the buffers");
}

void Harness::checkBuffered() const
{
    const qsizetype buffered = m_parser.bufferedBytes();
    if (buffered < 0 || buffered > 2 * m_max)
        failure("bufferedBytes() exceeds 2 * maxEventSize()");
}

} // namespace FuzzParser
