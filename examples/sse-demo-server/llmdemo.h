// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_LLMDEMO_H
#define DEMO_LLMDEMO_H

// What the four offline LLM endpoints share (chatcompletion.cpp, responsesstream.cpp,
// anthropicstream.cpp, geministream.cpp): the key check where each provider expects it, the
// scenario a request asks for, and the writer that sends a dialect's frames one by one.

#include "httprequest.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qtimer.h>

#include <optional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

// Where a provider takes its key, and how it words a refusal.
enum class LlmProvider { OpenAI, Anthropic, Gemini };

// An error in the provider's own JSON shape, with Content-Length, then a graceful close.
void sendLlmError(QTcpSocket *socket, LlmProvider provider, int status, const QByteArray &type,
                  const QByteArray &message);

// "Authorization: Bearer K" (OpenAI), "x-api-key: K" (Anthropic), "x-goog-api-key: K" or
// ?key=K (Gemini). With a token (--token) K must be it; without, any non-empty K will do.
// False after a 401 in the provider's shape.
bool checkLlmKey(QTcpSocket *socket, const HttpRequest &request, LlmProvider provider,
                 const QByteArray &token);

// What the reply is made of. Deterministic: the same request gives the same reply.
struct LlmScenario
{
    QString model;
    QStringList words; // the reply's text, a word each (with its trailing space)
    bool toolCall = false; // ?tool=1 or "/tool" in the prompt: a get_weather call
    bool error = false; // ?error=1 or "/error": a provider error after a few words
    bool pings = false; // ?ping=1 or "/ping": pings (or keep-alive comments) between frames
    bool usage = true;
    int intervalMs = 20; // ?interval=MS (0-5000), or "/slow": 300 ms between frames
};

// The text of the last user message in messages (an array of {role, content}), where content
// is a string or an array of parts with "text".
QString lastUserText(const QJsonArray &messages, const char *contentField = "content");

// The scenario from the query and the prompt; nullopt after a 400 for an invalid option.
std::optional<LlmScenario> llmScenario(QTcpSocket *socket, const HttpRequest &request,
                                       LlmProvider provider, const QString &prompt,
                                       const QString &model);

// The tool call's arguments, in the pieces the dialects stream them in.
QStringList llmToolArgumentPieces();
QString llmToolArguments();

// A JSON string literal, quotes included.
QByteArray jsonString(const QString &s);
QByteArray compactJson(const QJsonObject &object);

// Sends a 200 text/event-stream head, then the frames one by one intervalMs apart, chunked,
// then the last chunk and a graceful close. Owned by the socket.
class LlmFrameWriter : public QObject
{
    Q_OBJECT
public:
    static void start(QTcpSocket *socket, QList<QByteArray> frames, int intervalMs);

private:
    LlmFrameWriter(QTcpSocket *socket, QList<QByteArray> frames);
    void sendNext();

    QTcpSocket *m_socket;
    QList<QByteArray> m_frames;
    qsizetype m_next = 0;
    QTimer m_timer;
};

#endif // DEMO_LLMDEMO_H
