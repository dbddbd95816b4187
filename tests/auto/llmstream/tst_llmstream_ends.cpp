// SPDX-License-Identifier: BSD-3-Clause
// How an SseLlmStream ends, through a real SseClient against SseTestServer on 127.0.0.1: the
// terminal event closes the client; a body that ends early is an IncompleteStreamError and is
// never requested again, also for a GET the client would re-send; a dropped connection is a
// NetworkError; an error status with the provider's JSON body says it in the provider's words;
// abort() keeps what arrived; the request convenience sets the method, body and key header;
// the transcripts of tests/data/llm over a socket end as they do in memory.
#include <QtSse/SseClient>
#include <QtSse/SseLlmStream>

#include "ssetestserver.h"

#include <QtSse/SseParser>

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qjsondocument.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int Timeout = 15000;

QByteArray chatChunk(const QByteArray &content)
{
    return "data: {\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
           "\"delta\":{\"content\":\""
            + content + "\"},\"finish_reason\":null}]}\n\n";
}

} // namespace

class tst_LlmStreamEnds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void terminalEventClosesClient();
    void earlyEndIsIncompleteAndNotResent_data();
    void earlyEndIsIncompleteAndNotResent();
    void droppedConnectionIsIncomplete();
    void refusedConnectionIsNetworkError();
    void errorStatusInProviderWords_data();
    void errorStatusInProviderWords();
    void abortKeepsWhatArrived();
    void requestConvenience_data();
    void requestConvenience();
    void restartClearsTheLastStream();
    void transcriptsOverSockets_data();
    void transcriptsOverSockets();
};

void tst_LlmStreamEnds::terminalEventClosesClient()
{
    SseTestServer server;
    QVERIFY(server.listen());
    // The server keeps the connection open after [DONE]: the stream must end by itself.
    server.enqueue(SseTestServer::Response::sse()
                           .chunked()
                           .send(chatChunk("Hello"))
                           .send(chatChunk(" world"))
                           .send("data: [DONE]\n\n")
                           .holdOpen());
    SseLlmStream stream;
    stream.client()->setUrl(server.url(u"/v1/chat/completions"_s));
    QSignalSpy finished(&stream, &SseLlmStream::finished);
    QSignalSpy states(&stream, &SseLlmStream::stateChanged);
    stream.start();
    QCOMPARE(stream.state(), SseLlmStream::Streaming);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(stream.state(), SseLlmStream::Finished);
    QCOMPARE(finished.first().at(0).toString(), u"Hello world"_s);
    QCOMPARE(stream.client()->state(), SseClient::Closed);
    QCOMPARE(stream.detectedDialect(), SseLlmStream::OpenAIChatCompletions);
    QCOMPARE(states.size(), 2); // Streaming, Finished
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, Timeout);
    QCOMPARE(server.requestCount(), 1);
}

void tst_LlmStreamEnds::earlyEndIsIncompleteAndNotResent_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<bool>("retryAnyMethod");
    QTest::newRow("POST") << QByteArray("POST") << false;
    QTest::newRow("POST, retryAnyMethod") << QByteArray("POST") << true;
    QTest::newRow("GET") << QByteArray("GET") << false;
}

void tst_LlmStreamEnds::earlyEndIsIncompleteAndNotResent()
{
    QFETCH(QByteArray, method);
    QFETCH(bool, retryAnyMethod);
    SseTestServer server;
    QVERIFY(server.listen());
    const QByteArray anthropicStart =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
            "\"claude\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";
    // A clean end of the body (final chunk), before message_stop. Any further request would
    // get the same, which the test would see as a second request.
    server.setHandler([&](const SseTestServer::Request &) {
        return SseTestServer::Response::sse().chunked().send(anthropicStart).close();
    });
    SseLlmStream stream;
    stream.client()->setUrl(server.url(u"/v1/messages"_s));
    stream.client()->setMethod(method);
    stream.client()->setRetryAnyMethod(retryAnyMethod);
    stream.client()->setReconnectionTime(0);
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    QSignalSpy reconnects(stream.client(), &SseClient::reconnectScheduled);
    stream.start();
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(stream.state(), SseLlmStream::Failed);
    QCOMPARE(stream.error(), SseLlmStream::IncompleteStreamError);
    QCOMPARE(stream.text(), u"Hi"_s);
    QCOMPARE(stream.inputTokens(), 5);
    QCOMPARE(stream.client()->state(), SseClient::Closed);
    QVERIFY(!stream.client()->nextRetryTime().isValid());
    // Whatever the client's policy would have done, nothing is sent again.
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(errors.size(), 1);
    QVERIFY(reconnects.size() <= 1);
}

// A connection dropped mid-body ends the SSE stream, for the client, as any stream ends; for an
// LLM stream it is one that ended before its terminal event.
void tst_LlmStreamEnds::droppedConnectionIsIncomplete()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(
            SseTestServer::Response::sse().chunked().send(chatChunk("Hel")).pause(50).abort());
    SseLlmStream stream;
    stream.setRequest(server.url(u"/v1/chat/completions"_s), QJsonObject {{u"stream"_s, true}},
                      "k");
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    stream.start();
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(stream.error(), SseLlmStream::IncompleteStreamError);
    // Qt reports the drop as the end of the body or as a closed connection, as the timing goes.
    QVERIFY2(stream.errorString().startsWith(u"The stream ended before its terminal event: "_s),
             qPrintable(stream.errorString()));
    QCOMPARE(stream.text(), u"Hel"_s);
    // The stream sends nothing again. Where Qt 6.4.2 took the drop for the end of the body, it
    // may have re-sent the POST itself (QHttpNetworkConnectionChannel::_q_error() in
    // WaitingState, see tst_sseclient_stream's partialEventDiscarded): the same request, whose
    // reply nobody reads.
    if (stream.errorString().endsWith(u"the server ended the body"_s)) {
        QVERIFY(server.requestCount() <= 2);
        const QList<SseTestServer::Request> requests = server.requests();
        for (const SseTestServer::Request &r : requests) {
            QCOMPARE(r.method, requests.first().method);
            QCOMPARE(r.body, requests.first().body);
        }
    } else {
        QCOMPARE(server.requestCount(), 1);
    }
}

void tst_LlmStreamEnds::refusedConnectionIsNetworkError()
{
    QUrl url;
    {
        SseTestServer server;
        QVERIFY(server.listen());
        url = server.url(u"/v1/messages"_s);
    } // closed: the port refuses
    SseLlmStream stream;
    stream.setDialect(SseLlmStream::AnthropicMessages);
    stream.setRequest(url, QJsonObject {{u"stream"_s, true}}, "k");
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    stream.start();
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(stream.error(), SseLlmStream::NetworkError);
    QCOMPARE(stream.errorString(), stream.client()->errorString());
    QVERIFY(!stream.errorString().isEmpty());
    QCOMPARE(stream.errorType(), QString());
    QCOMPARE(stream.client()->state(), SseClient::Failed);
}

void tst_LlmStreamEnds::errorStatusInProviderWords_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("errorString");
    QTest::newRow("anthropic 401")
            << 401
            << QByteArray("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                          "\"message\":\"invalid x-api-key\"}}")
            << u"authentication_error"_s << u"HTTP 401: invalid x-api-key"_s;
    QTest::newRow("openai 429")
            << 429
            << QByteArray("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                          "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")
            << u"requests"_s << u"HTTP 429: Rate limit reached"_s;
    QTest::newRow("gemini 400")
            << 400
            << QByteArray("{\"error\":{\"code\":400,\"message\":\"API key not valid.\","
                          "\"status\":\"INVALID_ARGUMENT\"}}")
            << u"INVALID_ARGUMENT"_s << u"HTTP 400: API key not valid."_s;
}

void tst_LlmStreamEnds::errorStatusInProviderWords()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, errorType);
    QFETCH(QString, errorString);
    SseTestServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const SseTestServer::Request &) {
        return SseTestServer::Response::status(status, body, "application/json");
    });
    SseLlmStream stream;
    stream.setRequest(server.url(u"/v1/x"_s), QJsonObject {{u"stream"_s, true}}, "k");
    stream.client()->setMaxRetries(0); // a 429 is retried by default
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    stream.start();
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(stream.state(), SseLlmStream::Failed);
    QCOMPARE(stream.error(), SseLlmStream::NetworkError);
    QCOMPARE(stream.errorType(), errorType);
    QCOMPARE(stream.errorString(), errorString);
}

void tst_LlmStreamEnds::abortKeepsWhatArrived()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::sse()
                           .chunked()
                           .send(chatChunk("One"))
                           .send(chatChunk(" two"))
                           .holdOpen());
    SseLlmStream stream;
    stream.setRequest(server.url(u"/v1/chat/completions"_s), QJsonObject {{u"stream"_s, true}},
                      "k");
    QSignalSpy aborted(&stream, &SseLlmStream::aborted);
    QSignalSpy finished(&stream, &SseLlmStream::finished);
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(stream.text(), u"One two"_s, Timeout);
    stream.abort();
    QCOMPARE(aborted.size(), 1);
    QCOMPARE(stream.state(), SseLlmStream::Aborted);
    QCOMPARE(stream.client()->state(), SseClient::Closed);
    QCOMPARE(stream.text(), u"One two"_s); // kept
    QCOMPARE(stream.error(), SseLlmStream::NoError);
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, Timeout);
    stream.abort(); // once only
    QCOMPARE(aborted.size(), 1);
    QCOMPARE(finished.size(), 0);
    QCOMPARE(errors.size(), 0);
}

void tst_LlmStreamEnds::requestConvenience_data()
{
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("versionHeader");
    QTest::newRow("chat") << SseLlmStream::OpenAIChatCompletions << QByteArray("Authorization")
                          << QByteArray("Bearer sk-test") << QByteArray();
    QTest::newRow("responses") << SseLlmStream::OpenAIResponses << QByteArray("Authorization")
                               << QByteArray("Bearer sk-test") << QByteArray();
    QTest::newRow("auto") << SseLlmStream::AutoDialect << QByteArray("Authorization")
                          << QByteArray("Bearer sk-test") << QByteArray();
    QTest::newRow("anthropic") << SseLlmStream::AnthropicMessages << QByteArray("x-api-key")
                               << QByteArray("sk-test") << QByteArray("2023-06-01");
    QTest::newRow("gemini") << SseLlmStream::GeminiGenerateContent << QByteArray("x-goog-api-key")
                            << QByteArray("sk-test") << QByteArray();
}

void tst_LlmStreamEnds::requestConvenience()
{
    QFETCH(SseLlmStream::Dialect, dialect);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, versionHeader);
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::status(500));
    SseLlmStream stream;
    stream.setDialect(dialect);
    const QJsonObject body {{u"model"_s, u"m"_s}, {u"stream"_s, true}};
    // Set twice: the second call replaces the key, never adds a second one.
    stream.setRequest(server.url(u"/v1/x"_s), body, "old");
    stream.setRequest(server.url(u"/v1/x"_s), body, "sk-test");
    stream.client()->setMaxRetries(0);
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    stream.start();
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(server.requestCount(), 1);
    const SseTestServer::Request request = server.requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(QJsonDocument::fromJson(request.body).object(), body);
    QCOMPARE(request.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(request.header(header), value);
    QCOMPARE(request.header("anthropic-version"), versionHeader);
    int keyHeaders = 0;
    for (const auto &h : request.headers) {
        const QByteArray name = h.first.toLower();
        keyHeaders += name == "authorization" || name == "x-api-key" || name == "x-goog-api-key";
    }
    QCOMPARE(keyHeaders, 1);
}

void tst_LlmStreamEnds::restartClearsTheLastStream()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::sse()
                           .chunked()
                           .send(chatChunk("First"))
                           .send("data: [DONE]\n\n")
                           .close());
    server.enqueue(SseTestServer::Response::sse()
                           .chunked()
                           .send(chatChunk("Second"))
                           .send("data: [DONE]\n\n")
                           .close());
    SseLlmStream stream;
    stream.client()->setUrl(server.url(u"/s"_s));
    QSignalSpy finished(&stream, &SseLlmStream::finished);
    QSignalSpy textChanges(&stream, &SseLlmStream::textChanged);
    stream.start();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(stream.text(), u"First"_s);
    stream.start();
    QCOMPARE(stream.text(), QString()); // cleared, and told
    QCOMPARE(textChanges.size(), 2);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(stream.text(), u"Second"_s);
    QCOMPARE(finished.size(), 2);
    stream.reset();
    QCOMPARE(stream.state(), SseLlmStream::Idle);
    QCOMPARE(stream.text(), QString());
}

// Every transcript of tests/data/llm served over a socket in small chunked writes ends as it
// does read from memory (tst_llmstream_transcripts checks what that is): the same text, tool
// calls, usage and error, with the client closed and one request.
void tst_LlmStreamEnds::transcriptsOverSockets_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(QTSSE_LLM_DATA_DIR));
    const QStringList files = dir.entryList({u"*.sse"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 8);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << dir.filePath(file);
}

void tst_LlmStreamEnds::transcriptsOverSockets()
{
    QFETCH(QString, file);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();

    SseLlmStream memory;
    SseParser parser([&](const SseEvent &e) { memory.processEvent(e); });
    parser.feed(bytes);
    parser.finish();
    memory.processEndOfStream();

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::sse().chunked().sendSlowly(bytes, 61, 0).close());
    SseLlmStream stream;
    stream.setRequest(server.url(u"/v1/stream"_s), QJsonObject {{u"stream"_s, true}}, "k");
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(stream.state() != SseLlmStream::Streaming, Timeout);
    QCOMPARE(stream.state(), memory.state());
    QCOMPARE(stream.detectedDialect(), memory.detectedDialect());
    QCOMPARE(stream.text(), memory.text());
    QCOMPARE(stream.reasoning(), memory.reasoning());
    QCOMPARE(stream.toolCalls(), memory.toolCalls());
    QCOMPARE(stream.finishReason(), memory.finishReason());
    QCOMPARE(stream.usage(), memory.usage());
    QCOMPARE(stream.error(), memory.error());
    QCOMPARE(stream.errorType(), memory.errorType());
    QCOMPARE(stream.errorString(), memory.errorString());
    QVERIFY(stream.client()->state() == SseClient::Closed);
    QCOMPARE(server.requestCount(), 1);
}

QTEST_GUILESS_MAIN(tst_LlmStreamEnds)
#include "tst_llmstream_ends.moc"
