// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_ANTHROPICSTREAM_H
#define DEMO_ANTHROPICSTREAM_H

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;

// POST /v1/messages, Anthropic Messages-style, offline: a JSON body with a non-empty "messages"
// array, "max_tokens" and "stream": true (400 otherwise). message_start, a text block
// (content_block_start, a content_block_delta text_delta per word, content_block_stop), with
// /tool a tool_use block whose input arrives as input_json_delta pieces, message_delta
// (stop_reason, usage) and message_stop. A ping follows message_start (and every word with
// /ping); with /error an "overloaded_error" event follows a few words.
namespace AnthropicStream {
void handle(QTcpSocket *socket, const HttpRequest &request);
}

#endif // DEMO_ANTHROPICSTREAM_H
