// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_RESPONSESSTREAM_H
#define DEMO_RESPONSESSTREAM_H

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;

// POST /v1/responses, OpenAI Responses-style, offline: a JSON body with "input" (a string or
// an array of {role, content} messages) and "stream": true (400 otherwise). Typed events, each
// with its type and a sequence_number in the data: response.created, response.in_progress,
// response.output_item.added, response.content_part.added, response.output_text.delta (one per
// word), ..., response.function_call_arguments.delta (with /tool), response.completed with the
// usage. With /error an "error" event follows a few words. No [DONE].
namespace ResponsesStream {
void handle(QTcpSocket *socket, const HttpRequest &request);
}

#endif // DEMO_RESPONSESSTREAM_H
