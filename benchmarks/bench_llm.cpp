// SPDX-License-Identifier: BSD-3-Clause
// What SseLlmStream costs per token over the plain SseClient (scripts/bench-llm.sh). For each
// dialect, a stream of N text tokens shaped as the provider sends them (one token per event;
// Gemini: one per response) is read
//   in memory: SseParser alone, SseParser + SseEvent::json() + appending the text by hand (what
//     applications write today), and SseParser + SseLlmStream::processEvent();
//   over loopback: the whole stream from a local server (one chunked HTTP/1.1 response, as fast
//     as the socket goes) through SseClient alone, and through SseLlmStream on an SseClient.
// Each row is the median of R runs, in ns per token; "overhead" is the row minus its baseline.
//
//   bench_llm [--tokens N] [--runs R]          (defaults: 200000 tokens, 5 runs)

#include <QtSse/SseClient>
#include <QtSse/SseLlmStream>
#include <QtSse/SseParser>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qstringlist.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

const char *const Words[] = {" the",  " stream", " of",   " tokens", " arrives",
                             " word", " by",     " word", ",",       " Qt"};

struct Dialect
{
    const char *name;
    SseLlmStream::Dialect dialect;
    std::string (*make)(int tokens);
};

std::string chat(int tokens)
{
    std::string s;
    for (int i = 0; i < tokens; ++i) {
        s += "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":"
             "1765090000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\","
             "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
        s += Words[i % 10];
        s += "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
    }
    s += "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"choices\":[{"
         "\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    return s;
}

std::string responses(int tokens)
{
    std::string s = "event: response.created\ndata: {\"type\":\"response.created\","
                    "\"sequence_number\":0,\"response\":{\"model\":\"gpt-4.1\"}}\n\n";
    for (int i = 0; i < tokens; ++i) {
        s += "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
             "\"sequence_number\":";
        s += std::to_string(i + 1);
        s += ",\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"delta\":\"";
        s += Words[i % 10];
        s += "\",\"logprobs\":[]}\n\n";
    }
    s += "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{"
         "\"status\":\"completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1,"
         "\"total_tokens\":2}}}\n\n";
    return s;
}

std::string anthropic(int tokens)
{
    std::string s = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
                    "\"model\":\"claude\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n";
    for (int i = 0; i < tokens; ++i) {
        s += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
             "\"delta\":{\"type\":\"text_delta\",\"text\":\"";
        s += Words[i % 10];
        s += "\"}}\n\n";
    }
    s += "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
         "\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n"
         "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    return s;
}

std::string gemini(int tokens)
{
    std::string s;
    for (int i = 0; i < tokens; ++i) {
        s += "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"";
        s += Words[i % 10];
        s += "\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": "
             "9,\"totalTokenCount\": 9},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n";
    }
    s += "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": "
         "\"model\"},\"finishReason\": \"STOP\",\"index\": 0}]}\r\n\r\n";
    return s;
}

const Dialect Dialects[] = {
        {"openai-chat", SseLlmStream::OpenAIChatCompletions, chat},
        {"openai-responses", SseLlmStream::OpenAIResponses, responses},
        {"anthropic", SseLlmStream::AnthropicMessages, anthropic},
        {"gemini", SseLlmStream::GeminiGenerateContent, gemini},
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Runs body() runs times; the median time in ns per token.
double timed(int runs, int tokens, const std::function<void()> &body)
{
    std::vector<double> perToken;
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer clock;
        clock.start();
        body();
        perToken.push_back(double(clock.nsecsElapsed()) / tokens);
    }
    return median(perToken);
}

void feedParser(const std::string &bytes, const SseParser::EventHandler &handler)
{
    SseParser parser(handler);
    constexpr std::size_t Chunk = 16 * 1024; // about what a socket read hands over
    for (std::size_t at = 0; at < bytes.size(); at += Chunk)
        parser.feed(
                QByteArrayView(bytes.data() + at, qsizetype(std::min(Chunk, bytes.size() - at))));
    parser.finish();
}

// The text by hand, as applications do it today: JSON per event, the provider's field.
QString textByHand(const SseEvent &e, SseLlmStream::Dialect d)
{
    if (e.data() == QLatin1String("[DONE]"))
        return {};
    const QJsonObject o = e.json().toObject();
    switch (d) {
    case SseLlmStream::OpenAIChatCompletions:
        return o.value(QLatin1String("choices"))
                .toArray()
                .first()
                .toObject()
                .value(QLatin1String("delta"))
                .toObject()
                .value(QLatin1String("content"))
                .toString();
    case SseLlmStream::OpenAIResponses:
        return o.value(QLatin1String("delta")).toString();
    case SseLlmStream::AnthropicMessages:
        return o.value(QLatin1String("delta")).toObject().value(QLatin1String("text")).toString();
    default:
        return o.value(QLatin1String("candidates"))
                .toArray()
                .first()
                .toObject()
                .value(QLatin1String("content"))
                .toObject()
                .value(QLatin1String("parts"))
                .toArray()
                .first()
                .toObject()
                .value(QLatin1String("text"))
                .toString();
    }
}

// One chunked HTTP/1.1 response per connection with the current stream, as fast as it goes.
class BlastServer
{
public:
    bool listen()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&a), len) != 0 || ::listen(m_fd, 16) != 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len) != 0)
            return false;
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { run(); });
        m_thread.detach();
        return true;
    }
    int port() const { return m_port; }
    void setBody(std::string body) { m_body = std::move(body); }

private:
    void run()
    {
        for (;;) {
            const int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0)
                continue;
            std::string request;
            char buffer[4096];
            while (request.find("\r\n\r\n") == std::string::npos) {
                const ssize_t n = ::read(c, buffer, sizeof buffer);
                if (n <= 0)
                    break;
                request.append(buffer, std::size_t(n));
            }
            std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                              "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            constexpr std::size_t Chunk = 64 * 1024;
            for (std::size_t at = 0; at < m_body.size(); at += Chunk) {
                const std::size_t n = std::min(Chunk, m_body.size() - at);
                char head[32];
                std::snprintf(head, sizeof head, "%zx\r\n", n);
                out += head;
                out.append(m_body, at, n);
                out += "\r\n";
            }
            out += "0\r\n\r\n";
            for (std::size_t at = 0; at < out.size();) {
                const ssize_t n = ::write(c, out.data() + at, out.size() - at);
                if (n <= 0)
                    break;
                at += std::size_t(n);
            }
            ::shutdown(c, SHUT_WR);
            while (::read(c, buffer, sizeof buffer) > 0) { }
            ::close(c);
        }
    }

    int m_fd = -1;
    int m_port = 0;
    std::string m_body;
    std::thread m_thread;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int tokens = 200000, runs = 5;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QLatin1String("--tokens"))
            tokens = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--runs"))
            runs = args.at(i + 1).toInt();
    }
    if (tokens <= 0 || runs <= 0) {
        std::fprintf(stderr, "usage: bench_llm [--tokens N] [--runs R]\n");
        return 2;
    }
    BlastServer server;
    if (!server.listen()) {
        std::perror("bench_llm: listen");
        return 1;
    }

    std::printf("%d tokens per stream, median of %d runs, ns per token\n\n", tokens, runs);
    std::printf("%-17s %8s | %9s %9s %9s %9s | %9s %9s %9s\n", "dialect", "B/token", "parser",
                "by hand", "LlmStream", "overhead", "client", "LlmStream", "overhead");
    bool ok = true;
    for (const Dialect &d : Dialects) {
        const std::string bytes = d.make(tokens);
        qint64 events = 0;
        const double parser = timed(
                runs, tokens, [&] { feedParser(bytes, [&](const SseEvent &) { ++events; }); });
        QString byHand;
        const double hand = timed(runs, tokens, [&] {
            byHand.clear();
            feedParser(bytes, [&](const SseEvent &e) { byHand += textByHand(e, d.dialect); });
        });
        QString text;
        const double stream = timed(runs, tokens, [&] {
            SseLlmStream s;
            s.setDialect(d.dialect);
            feedParser(bytes, [&](const SseEvent &e) { s.processEvent(e); });
            s.processEndOfStream();
            if (s.state() != SseLlmStream::Finished)
                ok = false;
            text = s.text();
        });
        if (text != byHand || text.isEmpty())
            ok = false;

        server.setBody(bytes);
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/bench").arg(server.port()));
        const double client = timed(runs, tokens, [&] {
            SseClient c(url);
            qint64 n = 0;
            QObject::connect(&c, &SseClient::eventReceived, [&](const SseEvent &) { ++n; });
            QObject::connect(&c, &SseClient::disconnected, &c, &SseClient::close);
            QObject::connect(&c, &SseClient::closed, &app, &QCoreApplication::quit);
            c.open();
            app.exec();
            if (n < tokens)
                ok = false;
        });
        const double overClient = timed(runs, tokens, [&] {
            SseLlmStream s;
            s.setDialect(d.dialect);
            s.client()->setUrl(url);
            QObject::connect(&s, &SseLlmStream::stateChanged, &app, [&](SseLlmStream::State st) {
                if (st != SseLlmStream::Streaming)
                    app.quit();
            });
            s.start();
            app.exec();
            if (s.state() != SseLlmStream::Finished || s.text() != text)
                ok = false;
        });
        std::printf("%-17s %8.0f | %9.0f %9.0f %9.0f %+9.0f | %9.0f %9.0f %+9.0f\n", d.name,
                    double(bytes.size()) / tokens, parser, hand, stream, stream - parser, client,
                    overClient, overClient - client);
        std::fflush(stdout);
    }
    std::printf("\nin memory: overhead = LlmStream - parser; loopback: overhead = LlmStream - "
                "client\n");
    if (!ok) {
        std::fprintf(stderr, "bench_llm: a stream did not give the expected text\n");
        return 1;
    }
    return 0;
}
