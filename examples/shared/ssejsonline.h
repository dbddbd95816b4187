// SPDX-License-Identifier: BSD-3-Clause
// The JSON line that ssecat and sseparse print per event: {"type":...,"data":...,"id":...}.
#ifndef SSEJSONLINE_H
#define SSEJSONLINE_H

#include <QtSse/SseEvent>

#include <QtCore/qbytearray.h>
#include <QtCore/qstring.h>

// A JSON string literal (RFC 8259): quote, backslash and control characters escaped (the short
// forms where JSON has them); the rest is UTF-8.
inline void appendJsonString(QByteArray &out, const QString &value)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    const QByteArray utf8 = value.toUtf8();
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (u) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

// Appends the event's line, newline included.
inline void appendSseJsonLine(QByteArray &out, const SseEvent &event)
{
    out.reserve(out.size() + event.data().size() + event.type().size() + event.lastEventId().size()
                + 32);
    out += "{\"type\":";
    appendJsonString(out, event.type());
    out += ",\"data\":";
    appendJsonString(out, event.data());
    out += ",\"id\":";
    appendJsonString(out, event.lastEventId());
    out += "}\n";
}

#endif // SSEJSONLINE_H
