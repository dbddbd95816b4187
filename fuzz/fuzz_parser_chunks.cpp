// SPDX-License-Identifier: BSD-3-Clause
// fuzz_parser: how the stream is cut into the chunks it is fed in.
#include "fuzz_parser_p.h"

namespace FuzzParser {

namespace {

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

} // namespace

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

} // namespace FuzzParser
