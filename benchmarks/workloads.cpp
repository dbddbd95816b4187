// SPDX-License-Identifier: BSD-3-Clause
#include "workloads.h"

#include <cstdio>

namespace SseBench {

namespace {

// {"seq":n,"price":p,"sym":"ABC","pad":"..."} padded to exactly 64 bytes.
void appendSmallJson(std::string &out, std::int64_t n)
{
    const std::int64_t cents = (n * 7919) % 1000000;
    char head[64];
    const int len = std::snprintf(head, sizeof head, "{\"seq\":%lld,\"price\":%lld.%02lld,",
                                  static_cast<long long>(n), static_cast<long long>(cents / 100),
                                  static_cast<long long>(cents % 100));
    std::string json(head, len);
    json += "\"sym\":\"ABC\",\"pad\":\"";
    if (json.size() < 62)
        json.append(62 - json.size(), 'x');
    json += "\"}";
    out += json;
}

constexpr std::size_t MegaDataSize = 1024 * 1024;

} // namespace

bool workloadKindFromName(const std::string &name, WorkloadKind *kind)
{
    static const struct
    {
        const char *name;
        WorkloadKind kind;
    } names[] = {
            {"small", WorkloadKind::Small},      {"small_crlf", WorkloadKind::SmallCrlf},
            {"1k", WorkloadKind::Kilo},          {"1M", WorkloadKind::Mega},
            {"8lines", WorkloadKind::Multiline},
    };
    for (const auto &n : names) {
        if (name == n.name) {
            *kind = n.kind;
            return true;
        }
    }
    return false;
}

// Deterministic filler: printable ASCII from a fixed linear congruential generator.
void WorkloadGenerator::appendFiller(std::string &out, std::size_t count)
{
    static constexpr char Alphabet[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.";
    for (std::size_t i = 0; i < count; ++i) {
        m_fillerState = m_fillerState * 6364136223846793005ULL + 1442695040888963407ULL;
        out += Alphabet[(m_fillerState >> 33) % (sizeof Alphabet - 1)];
    }
}

void WorkloadGenerator::append(std::string &out, std::int64_t count)
{
    out.reserve(out.size() + std::size_t(count) * approximateEventSize());
    const std::int64_t end = m_events + count;
    for (std::int64_t n = m_events; n < end; ++n) {
        switch (m_kind) {
        case WorkloadKind::Small:
        case WorkloadKind::SmallCrlf: {
            const char *const eol = m_kind == WorkloadKind::SmallCrlf ? "\r\n" : "\n";
            out += "id: ";
            out += std::to_string(n);
            out += eol;
            out += "data: ";
            appendSmallJson(out, n);
            out += eol;
            out += eol;
            break;
        }
        case WorkloadKind::Kilo:
            out += "event: update\nid: ";
            out += std::to_string(n);
            out += "\ndata: {\"seq\":";
            out += std::to_string(n);
            out += ",\"payload\":\"";
            appendFiller(out, 1000);
            out += "\"}\n\n";
            break;
        case WorkloadKind::Mega:
            // Filler varies the content so that no two events are byte-identical.
            out += "data: ";
            appendFiller(out, MegaDataSize);
            out += "\n\n";
            break;
        case WorkloadKind::Multiline:
            for (int i = 0; i < 8; ++i) {
                out += "data: ";
                out += std::to_string(n);
                out += ':';
                out += std::to_string(i);
                out += ' ';
                appendFiller(out, 40);
                out += '\n';
            }
            out += '\n';
            break;
        }
    }
    m_events = end;
}

std::string WorkloadGenerator::lastId() const
{
    if (m_events == 0 || m_kind == WorkloadKind::Mega || m_kind == WorkloadKind::Multiline)
        return {};
    return std::to_string(m_events - 1);
}

std::size_t WorkloadGenerator::approximateEventSize() const
{
    switch (m_kind) {
    case WorkloadKind::Small:
        return 86;
    case WorkloadKind::SmallCrlf:
        return 90;
    case WorkloadKind::Kilo:
        return 1080;
    case WorkloadKind::Mega:
        return MegaDataSize + 16;
    case WorkloadKind::Multiline:
        return 8 * 56;
    }
    return 64;
}

} // namespace SseBench
