// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_CHATCOMPLETION_H
#define DEMO_CHATCOMPLETION_H

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;

// POST /v1/chat/completions, OpenAI-style, offline. Needs "Authorization: Bearer <anything>"
// (checked by the server, 401 otherwise) and a JSON body with a non-empty "messages" array (400
// otherwise). The reply (a greeting that quotes the last user message) is streamed as
//   data: {"id":"chatcmpl-demo","object":"chat.completion.chunk",...,"choices":[{"index":0,
//          "delta":{"content":"word "},"finish_reason":null}]}
// events, one word each, 20 ms apart (see LlmScenario for the options): first a
// {"role":"assistant"} delta, last an empty delta with "finish_reason":"stop" (or
// "tool_calls"), with stream_options.include_usage a chunk with empty "choices" and the usage,
// then "data: [DONE]" and the body ends. With "stream": false the whole completion comes back as
// one JSON object.
namespace ChatCompletion {
void handle(QTcpSocket *socket, const HttpRequest &request);
}

#endif // DEMO_CHATCOMPLETION_H
