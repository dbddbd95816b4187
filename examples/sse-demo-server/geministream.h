// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_GEMINISTREAM_H
#define DEMO_GEMINISTREAM_H

#include <QtCore/qbytearray.h>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;

// POST /v1beta/models/{model}:streamGenerateContent?alt=sse, Gemini-style, offline: a JSON body
// with a non-empty "contents" array (400 otherwise; without alt=sse too, since only the SSE form
// is served). Each frame a whole GenerateContentResponse with a few words of text in
// candidates[0].content.parts, with /tool a functionCall part, the last with finishReason
// "STOP" and the usageMetadata totals; lines end in CRLF, as Gemini's do. No terminal event:
// the body ends. With /error an {"error": {...}} frame ("UNAVAILABLE") follows a few words.
namespace GeminiStream {
// model: the {model} of the path.
void handle(QTcpSocket *socket, const HttpRequest &request, const QByteArray &model);
}

#endif // DEMO_GEMINISTREAM_H
