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
//   Encoding standard's UTF-8 decoder written out from its algorithm (fuzz_parser_utf8.cpp);
// - and, as for any fuzz target, no crash, no sanitizer report, no leak.
//
// The parts: the reference model of the standard (fuzz_parser_model.cpp), the reference UTF-8
// decoder (fuzz_parser_utf8.cpp), the chunking (fuzz_parser_chunks.cpp) and the harness around
// the parser under test (fuzz_parser_harness.cpp), declared in fuzz_parser_p.h.
#include "fuzz_parser_p.h"

#include <cstdint>

using namespace FuzzParser;

namespace {

constexpr size_t HeaderSize = 6;

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
