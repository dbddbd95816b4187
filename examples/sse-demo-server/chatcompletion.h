// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_CHATCOMPLETION_H
#define DEMO_CHATCOMPLETION_H

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qtimer.h>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct HttpRequest;

// POST /v1/chat/completions, OpenAI-style, offline. Needs "Authorization: Bearer <anything>"
// (401 otherwise) and a JSON body with a non-empty "messages" array (400 otherwise). The reply
// (a greeting that quotes the last user message) is streamed as
//   data: {"id":"chatcmpl-demo","object":"chat.completion.chunk",...,"choices":[{"index":0,
//          "delta":{"content":"word "},"finish_reason":null}]}
// events, one word each, ChunkIntervalMs apart: first a {"role":"assistant"} delta, last an
// empty delta with "finish_reason":"stop", then "data: [DONE]" and the connection closes.
// With "stream": false in the body the whole completion comes back as one JSON object.
class ChatCompletion : public QObject
{
    Q_OBJECT
public:
    static constexpr int ChunkIntervalMs = 20;

    // Answers the request on this socket: an error at once, or a stream owned by the socket.
    static void handle(QTcpSocket *socket, const HttpRequest &request);

private:
    ChatCompletion(QTcpSocket *socket, QByteArray model, QStringList words);
    void start();
    void sendNext();
    QByteArray chunk(const QByteArray &delta, const QByteArray &finishReason) const;

    QTcpSocket *m_socket;
    QByteArray m_model;
    QStringList m_words;
    qsizetype m_next = -1; // -1: the role delta comes next
    qint64 m_created;
    QTimer m_timer;
};

#endif // DEMO_CHATCOMPLETION_H
