// SPDX-License-Identifier: BSD-3-Clause
#include "demoserver.h"

#include "anthropicstream.h"
#include "chatcompletion.h"
#include "demostream.h"
#include "geministream.h"
#include "httprequest.h"
#include "llmdemo.h"
#include "replaystream.h"
#include "responsesstream.h"

#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <cstdio>
#include <memory>
#include <optional>

namespace {

constexpr int RequestTimeoutMs = 10000;
const HttpHeaders CorsHeaders = {{"Access-Control-Allow-Origin", "*"}};

// A query option as an integer in [min, max]; the fallback when absent, nullopt when invalid.
std::optional<qint64> intOption(const HttpRequest &request, const QString &name, qint64 fallback,
                                qint64 min, qint64 max)
{
    if (!request.query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 value = request.query.queryItemValue(name).toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

// The {model} of /v1beta/models/{model}:streamGenerateContent, or empty.
QByteArray geminiModel(const QByteArray &path)
{
    static const QByteArray prefix = "/v1beta/models/";
    static const QByteArray suffix = ":streamGenerateContent";
    if (!path.startsWith(prefix) || !path.endsWith(suffix))
        return {};
    const QByteArray model = path.mid(prefix.size(), path.size() - prefix.size() - suffix.size());
    return model.contains('/') ? QByteArray() : model;
}

} // namespace

DemoServer::DemoServer(const DemoServerOptions &options, QObject *parent)
    : QObject(parent), m_server(new QTcpServer(this)), m_options(options), m_random(options.seed)
{
    connect(m_server, &QTcpServer::newConnection, this, &DemoServer::acceptConnections);
}

bool DemoServer::listen(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

QString DemoServer::errorString() const
{
    return m_server->errorString();
}

QUrl DemoServer::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_server->serverPort());
    return url;
}

QUrl DemoServer::streamUrl() const
{
    QUrl url = baseUrl();
    url.setPath(QStringLiteral("/stream"));
    return url;
}

void DemoServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection())
        serve(socket);
}

void DemoServer::serve(QTcpSocket *socket)
{
    // Whatever ends the connection (the peer, an error, our own close) deletes the socket and,
    // with it, the stream objects and timers it owns.
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QTcpSocket::errorOccurred, socket, &QObject::deleteLater);

    auto timeout = new QTimer(socket);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, socket, [socket] {
        sendHttpResponse(socket, 408, "text/plain", "No complete request in time\n");
    });
    timeout->start(RequestTimeoutMs);

    auto reader = std::make_shared<HttpRequestReader>();
    auto onReadyRead = [this, socket, timeout, reader] {
        const QByteArray bytes = socket->readAll();
        if (!timeout->isActive())
            return; // answered already; whatever else the client sends is ignored
        switch (reader->feed(bytes)) {
        case HttpRequestReader::NeedMore:
            return;
        case HttpRequestReader::Bad:
            timeout->stop();
            sendHttpResponse(socket, reader->errorStatus(), "text/plain",
                             reader->errorMessage() + '\n');
            return;
        case HttpRequestReader::Complete:
            timeout->stop();
            route(socket, reader->request());
            return;
        }
    };
    connect(socket, &QTcpSocket::readyRead, socket, onReadyRead);
    if (socket->bytesAvailable() > 0)
        onReadyRead();
}

void DemoServer::route(QTcpSocket *socket, const HttpRequest &request)
{
    const QByteArray &path = request.path;
    const QByteArray &method = request.method;
    if (method == "OPTIONS") { // CORS preflight, for a browser's EventSource or fetch()
        log(request, "204");
        sendHttpResponse(socket, 204, {}, {},
                         CorsHeaders
                                 + HttpHeaders {{"Access-Control-Allow-Methods", "GET, POST"},
                                                {"Access-Control-Allow-Headers",
                                                 "Authorization, Content-Type, Last-Event-ID, "
                                                 "x-api-key, anthropic-version, "
                                                 "x-goog-api-key"}});
        return;
    }
    QByteArray allowed;
    if (path == "/" || path == "/stream")
        allowed = "GET";
    else if (path == "/v1/chat/completions" || path == "/v1/responses" || path == "/v1/messages"
             || !geminiModel(path).isEmpty())
        allowed = "POST";
    if (allowed.isEmpty()) {
        log(request, "404");
        sendHttpResponse(socket, 404, "text/plain", "Not found; GET / lists the endpoints\n");
    } else if (method != allowed) {
        log(request, "405");
        sendHttpResponse(socket, 405, "text/plain", "Use " + allowed + '\n', {{"Allow", allowed}});
    } else if (path == "/") {
        log(request, "200 help");
        sendHttpResponse(socket, 200, "text/plain; charset=utf-8",
                         (m_options.replay ? Replay::helpNote() : QByteArray()) + helpText(),
                         CorsHeaders);
    } else if (path == "/stream") {
        if (!authorize(socket, request, false))
            return;
        if (m_options.replay)
            log(request, m_options.replay->serve(socket, request));
        else
            serveStream(socket, request);
    } else if (path == "/v1/chat/completions") {
        if (authorize(socket, request, true)) {
            log(request, "chat");
            ChatCompletion::handle(socket, request);
        }
    } else if (path == "/v1/responses") {
        if (checkLlmKey(socket, request, LlmProvider::OpenAI, m_options.token)) {
            log(request, "responses");
            ResponsesStream::handle(socket, request);
        } else {
            log(request, "401");
        }
    } else if (path == "/v1/messages") {
        if (checkLlmKey(socket, request, LlmProvider::Anthropic, m_options.token)) {
            log(request, "messages");
            AnthropicStream::handle(socket, request);
        } else {
            log(request, "401");
        }
    } else if (checkLlmKey(socket, request, LlmProvider::Gemini, m_options.token)) {
        log(request, "streamGenerateContent");
        GeminiStream::handle(socket, request, geminiModel(path));
    } else {
        log(request, "401");
    }
}

bool DemoServer::authorize(QTcpSocket *socket, const HttpRequest &request, bool bearerRequired)
{
    if (m_options.token.isEmpty() && !bearerRequired)
        return true;
    const QByteArray authorization = request.header("Authorization");
    const bool bearer = authorization.size() > 7
            && QByteArrayView(authorization).first(7).compare("Bearer ", Qt::CaseInsensitive) == 0;
    const QByteArray token = bearer ? authorization.mid(7).trimmed() : QByteArray();
    QByteArray message;
    if (token.isEmpty())
        message = "missing bearer token";
    else if (!m_options.token.isEmpty() && token != m_options.token)
        message = "incorrect bearer token"; // never echoed: it may be a real secret
    if (message.isEmpty())
        return true;
    log(request, "401 " + message);
    // As real APIs answer: a JSON error body, and the scheme in WWW-Authenticate (RFC 9110).
    sendJsonError(socket, 401, message, "invalid_request_error", "invalid_api_key",
                  CorsHeaders + HttpHeaders {{"WWW-Authenticate", "Bearer"}});
    return false;
}

void DemoServer::serveStream(QTcpSocket *socket, const HttpRequest &request)
{
    const auto drop = intOption(request, QStringLiteral("drop"), m_options.dropEverySec, 0, 86400);
    const auto fail = intOption(request, QStringLiteral("fail"), m_options.failPercent, 0, 100);
    const auto limit = intOption(request, QStringLiteral("limit"), 0, 0, qint64(1) << 53);
    const auto rate = intOption(request, QStringLiteral("rate"), 0, 0, 10'000'000);
    const auto retry = intOption(request, QStringLiteral("retry"), 2000, 0, 3'600'000);
    if (!drop || !fail || !limit || !rate || !retry) {
        log(request, "400");
        sendHttpResponse(socket, 400, "text/plain",
                         "Invalid option: drop=SEC (0-86400), fail=PERCENT (0-100), limit=N, "
                         "rate=N (0-10000000), retry=MS (0-3600000)\n");
        return;
    }
    if (*fail > 0 && m_random.bounded(100) < *fail) {
        log(request, "503 (fail=" + QByteArray::number(*fail) + ')');
        sendHttpResponse(socket, 503, "text/plain",
                         "Simulated overload (fail=" + QByteArray::number(*fail)
                                 + "); try again in a second\n",
                         CorsHeaders + HttpHeaders {{"Retry-After", "1"}});
        return;
    }
    StreamOptions options;
    // Last-Event-ID (what EventSource sends on reconnection), or ?lastEventId= for a first
    // connection that cannot set headers. Not a number: start from the beginning.
    QByteArray lastId = request.header("Last-Event-ID");
    if (lastId.isEmpty())
        lastId = request.query.queryItemValue(QStringLiteral("lastEventId")).toUtf8();
    options.lastEventId = qMax<qint64>(0, lastId.toLongLong());
    options.dropAfterSec = int(*drop);
    options.limit = *limit;
    options.rate = int(*rate);
    options.retryMs = int(*retry);
    log(request,
        "200 stream from id " + QByteArray::number(options.lastEventId + 1)
                + (lastId.isEmpty() ? QByteArray() : " (Last-Event-ID: " + lastId + ')'));
    (new DemoStream(socket, options))->start();
}

QByteArray DemoServer::helpText() const
{
    const QByteArray base = baseUrl().toEncoded();
    return "sse-demo-server: a Server-Sent Events demo server (QtSse)\n\n"
           "GET  /stream\n"
           "    The main stream. Ids 1, 2, 3... on every event; event n is always the same, and\n"
           "    Last-Event-ID: k resumes at k+1. Starts with \"retry: 2000\". Per second: 10\n"
           "    \"tick\" events, 4 \"price\" and 2 \"metric\" JSON updates, 1 multi-line \"log\"\n"
           "    record; a \": heartbeat\" comment every 2 s. With --token: needs\n"
           "    \"Authorization: Bearer <token>\" (401 and a JSON error body otherwise).\n"
           "    Query options:\n"
           "      drop=SEC      close the connection after SEC seconds (default --drop-every)\n"
           "      fail=PERCENT  answer 503 + Retry-After: 1 to PERCENT % of the requests\n"
           "                    (default --fail-percent; the generator is seeded by --seed)\n"
           "      limit=N       close cleanly after N events\n"
           "      rate=N        flood: N events per second instead of the paced timeline\n"
           "      retry=MS      the retry: value sent (default 2000)\n"
           "      lastEventId=K resume after K (the Last-Event-ID header wins)\n\n"
           "POST /v1/chat/completions\n"
           "    OpenAI-style streaming chat, offline. Needs \"Authorization: Bearer <token>\"\n"
           "    (any token unless --token is given)\n"
           "    and a JSON body {\"messages\":[{\"role\":\"user\",\"content\":\"...\"}]}; answers\n"
           "    data: {chat.completion.chunk} events, then data: [DONE] (\"stream\": false: one\n"
           "    JSON object; \"stream_options\": {\"include_usage\": true}: a usage chunk).\n\n"
           "POST /v1/responses                    (OpenAI Responses; Authorization: Bearer)\n"
           "POST /v1/messages                     (Anthropic Messages; x-api-key)\n"
           "POST /v1beta/models/M:streamGenerateContent?alt=sse   (Gemini; x-goog-api-key)\n"
           "    The same reply in each provider's stream format (\"stream\": true where the\n"
           "    provider asks for it). On request, by query option or a word in the prompt:\n"
           "      tool=1  or /tool   a get_weather tool call, its arguments in pieces\n"
           "      error=1 or /error  the provider's error event after three words\n"
           "      ping=1  or /ping   pings (keep-alive comments) between the words\n"
           "      interval=MS or /slow   MS (0-5000; /slow: 300) between frames (default 20)\n"
           "    The key (any, or --token's) goes where each provider expects it.\n\n"
           "Examples:\n"
           "    ssecat "
            + base + "/stream?drop=5\n    curl -N " + base
            + "/v1/chat/completions -H 'Authorization: Bearer demo' \\\n"
              "        -d '{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'\n";
}

void DemoServer::log(const HttpRequest &request, const QByteArray &outcome) const
{
    if (m_options.quiet)
        return;
    const QByteArray line =
            "sse-demo-server: " + request.method + ' ' + request.target + " -> " + outcome + '\n';
    std::fputs(line.constData(), stderr);
    std::fflush(stderr);
}
