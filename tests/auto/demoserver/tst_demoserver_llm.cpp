// SPDX-License-Identifier: BSD-3-Clause
// sse-demo-server's four LLM dialects end to end, through SseLlmStream: the reply, a tool call
// whose arguments arrive in pieces, a mid-stream error after the 200, pings, the usage at the
// end; each dialect detected from its stream; the key where each provider takes it (--token),
// a refusal in the provider's words; a slow stream stopped by abort().
#include "demoservertest.h"

#include <QtSse/SseLlmStream>

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

namespace {

struct Endpoint
{
    SseLlmStream::Dialect dialect;
    QString path;
    QString stopReason, toolReason;
    QString errorType;
};

Endpoint endpoint(SseLlmStream::Dialect dialect)
{
    switch (dialect) {
    case SseLlmStream::OpenAIChatCompletions:
        return {dialect, u"/v1/chat/completions"_s, u"stop"_s, u"tool_calls"_s, u"server_error"_s};
    case SseLlmStream::OpenAIResponses:
        return {dialect, u"/v1/responses"_s, u"completed"_s, u"completed"_s, u"server_error"_s};
    case SseLlmStream::AnthropicMessages:
        return {dialect, u"/v1/messages"_s, u"end_turn"_s, u"tool_use"_s, u"overloaded_error"_s};
    case SseLlmStream::GeminiGenerateContent:
    case SseLlmStream::AutoDialect:
        break;
    }
    return {SseLlmStream::GeminiGenerateContent,
            u"/v1beta/models/demo-gemini:streamGenerateContent"_s, u"STOP"_s, u"STOP"_s,
            u"UNAVAILABLE"_s};
}

// The body each provider documents for a streamed request.
QJsonObject body(SseLlmStream::Dialect dialect, const QString &prompt)
{
    const QJsonArray messages {QJsonObject {{u"role"_s, u"user"_s}, {u"content"_s, prompt}}};
    switch (dialect) {
    case SseLlmStream::OpenAIChatCompletions:
        return {{u"model"_s, u"demo-chat"_s},
                {u"messages"_s, messages},
                {u"stream"_s, true},
                {u"stream_options"_s, QJsonObject {{u"include_usage"_s, true}}}};
    case SseLlmStream::OpenAIResponses:
        return {{u"model"_s, u"demo-responses"_s}, {u"input"_s, prompt}, {u"stream"_s, true}};
    case SseLlmStream::AnthropicMessages:
        return {{u"model"_s, u"demo-claude"_s},
                {u"max_tokens"_s, 1024},
                {u"messages"_s, messages},
                {u"stream"_s, true}};
    case SseLlmStream::GeminiGenerateContent:
    case SseLlmStream::AutoDialect:
        break;
    }
    return {{u"contents"_s,
             QJsonArray {
                     QJsonObject {{u"role"_s, u"user"_s},
                                  {u"parts"_s, QJsonArray {QJsonObject {{u"text"_s, prompt}}}}}}}};
}

const QList<SseLlmStream::Dialect> AllDialects = {
        SseLlmStream::OpenAIChatCompletions, SseLlmStream::OpenAIResponses,
        SseLlmStream::AnthropicMessages, SseLlmStream::GeminiGenerateContent};

const char *dialectName(SseLlmStream::Dialect d)
{
    return QMetaEnum::fromType<SseLlmStream::Dialect>().valueToKey(d);
}

} // namespace

class tst_DemoServerLlm : public DemoServerTest
{
    Q_OBJECT

private Q_SLOTS:
    void stream_data();
    void stream();
    void keyWhereTheProviderTakesIt_data();
    void keyWhereTheProviderTakesIt();
    void slowStreamAborted_data();
    void slowStreamAborted();
    void badRequestInProviderWords_data();
    void badRequestInProviderWords();

private:
    QUrl llmUrl(const Endpoint &e, const QString &query) const
    {
        QString q = query;
        if (e.dialect == SseLlmStream::GeminiGenerateContent)
            q = q.isEmpty() ? u"alt=sse"_s : u"alt=sse&"_s + q;
        return url(e.path + (q.isEmpty() ? QString() : u'?' + q));
    }
};

void tst_DemoServerLlm::stream_data()
{
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("tool");
    QTest::addColumn<bool>("error");
    for (const SseLlmStream::Dialect d : AllDialects) {
        QTest::addRow("%s/plain", dialectName(d))
                << d << u"Hello demo"_s << QString() << false << false;
        QTest::addRow("%s/tool", dialectName(d))
                << d << u"Hello demo /tool"_s << QString() << true << false;
        QTest::addRow("%s/tool by query, pings", dialectName(d))
                << d << u"Hello demo"_s << u"tool=1&ping=1"_s << true << false;
        QTest::addRow("%s/error", dialectName(d))
                << d << u"Hello demo /error"_s << QString() << false << true;
        QTest::addRow("%s/error by query", dialectName(d))
                << d << u"Hello demo"_s << u"error=1&interval=0"_s << false << true;
    }
}

void tst_DemoServerLlm::stream()
{
    QFETCH(SseLlmStream::Dialect, dialect);
    QFETCH(QString, prompt);
    QFETCH(QString, query);
    QFETCH(bool, tool);
    QFETCH(bool, error);
    const Endpoint e = endpoint(dialect);

    SseLlmStream stream; // AutoDialect: every stream tells its dialect
    stream.setRequest(llmUrl(e, query), body(dialect, prompt), "demo-key");
    // The key header of the right provider: setRequest() with AutoDialect sends a bearer token,
    // which only the OpenAI endpoints take.
    if (dialect == SseLlmStream::AnthropicMessages)
        stream.client()->setRawHeader("x-api-key", "demo-key");
    if (dialect == SseLlmStream::GeminiGenerateContent)
        stream.client()->setRawHeader("x-goog-api-key", "demo-key");
    QSignalSpy finished(&stream, &SseLlmStream::finished);
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    QSignalSpy argumentPieces(&stream, &SseLlmStream::toolCallArgumentsReceived);
    QSignalSpy deltas(&stream, &SseLlmStream::textReceived);
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(stream.state() != SseLlmStream::Streaming, Timeout);
    QCOMPARE(stream.detectedDialect(), dialect);
    QCOMPARE(stream.client()->state() == SseClient::Closed
                     || stream.client()->state() == SseClient::Failed,
             true);

    if (error) {
        QCOMPARE(stream.state(), SseLlmStream::Failed);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(stream.error(), SseLlmStream::ProviderError);
        QCOMPARE(stream.errorType(), e.errorType);
        QVERIFY(!stream.errorString().isEmpty());
        QVERIFY2(stream.text().startsWith(u"Hi! This is"_s), qPrintable(stream.text()));
        QCOMPARE(finished.size(), 0);
        return;
    }
    QVERIFY2(stream.state() == SseLlmStream::Finished,
             qPrintable(stream.errorString() + u" / "_s + stream.client()->errorString()));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(stream.text(),
             u"Hi! This is sse-demo-server, streaming offline. You said: \"Hello demo\""_s);
    QCOMPARE(finished.first().at(0).toString(), stream.text());
    QVERIFY2(deltas.size() >= 5, qPrintable(QString::number(deltas.size())));
    QCOMPARE(stream.finishReason(), tool ? e.toolReason : e.stopReason);
    QVERIFY2(stream.inputTokens() > 0 && stream.outputTokens() > 0,
             qPrintable(QString::fromUtf8(QJsonDocument(stream.usage()).toJson())));
    QCOMPARE(stream.totalTokens() >= stream.inputTokens() + stream.outputTokens(), true);
    QVERIFY(!stream.model().isEmpty());
    if (!tool) {
        QVERIFY(stream.toolCalls().isEmpty());
        return;
    }
    QCOMPARE(stream.toolCalls().size(), 1);
    const QJsonObject call = stream.toolCalls().first().toObject();
    QCOMPARE(call.value(u"name"_s).toString(), u"get_weather"_s);
    QCOMPARE(call.value(u"arguments"_s).toObject(),
             (QJsonObject {{u"location"_s, u"Paris, France"_s}, {u"unit"_s, u"celsius"_s}}));
    // In pieces, except Gemini's, which sends a call whole.
    QVERIFY(argumentPieces.size() >= (dialect == SseLlmStream::GeminiGenerateContent ? 1 : 10));
}

void tst_DemoServerLlm::keyWhereTheProviderTakesIt_data()
{
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    QTest::addColumn<QString>("refusalType");
    const QStringList refusals = {u"invalid_request_error"_s, u"invalid_request_error"_s,
                                  u"authentication_error"_s, u"UNAUTHENTICATED"_s};
    for (qsizetype i = 0; i < AllDialects.size(); ++i)
        QTest::addRow("%s", dialectName(AllDialects.at(i))) << AllDialects.at(i) << refusals.at(i);
}

void tst_DemoServerLlm::keyWhereTheProviderTakesIt()
{
    QFETCH(SseLlmStream::Dialect, dialect);
    QFETCH(QString, refusalType);
    QProcess server;
    QUrl serverUrl;
    startServer(&server, {u"--token"_s, u"s3cret"_s}, &serverUrl);
    if (QTest::currentTestFailed())
        return;
    const Endpoint e = endpoint(dialect);
    QString path = e.path;
    if (dialect == SseLlmStream::GeminiGenerateContent)
        path += u"?alt=sse"_s;
    const QUrl streamUrl = serverUrl.resolved(QUrl(path));

    for (const QByteArray &key : {QByteArray("wrong"), QByteArray(), QByteArray("s3cret")}) {
        SseLlmStream stream;
        stream.setDialect(dialect);
        stream.setRequest(streamUrl, body(dialect, u"Hi"_s), key);
        stream.start();
        QTRY_VERIFY_WITH_TIMEOUT(stream.state() != SseLlmStream::Streaming, Timeout);
        if (key == "s3cret") {
            QVERIFY2(stream.state() == SseLlmStream::Finished, qPrintable(stream.errorString()));
            continue;
        }
        QCOMPARE(stream.state(), SseLlmStream::Failed);
        QCOMPARE(stream.error(), SseLlmStream::NetworkError);
        QCOMPARE(stream.client()->httpStatus(), 401);
        QCOMPARE(stream.errorType(), refusalType);
        QVERIFY2(stream.errorString().startsWith(u"HTTP 401: "_s),
                 qPrintable(stream.errorString()));
        QVERIFY2(!stream.errorString().contains(QLatin1String(key.isEmpty() ? "?" : key)),
                 "the key is never echoed");
    }
    server.kill();
    server.waitForFinished(5000);
}

void tst_DemoServerLlm::slowStreamAborted_data()
{
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    for (const SseLlmStream::Dialect d : AllDialects)
        QTest::addRow("%s", dialectName(d)) << d;
}

void tst_DemoServerLlm::slowStreamAborted()
{
    QFETCH(SseLlmStream::Dialect, dialect);
    const Endpoint e = endpoint(dialect);
    SseLlmStream stream;
    stream.setDialect(dialect);
    stream.setRequest(llmUrl(e, QString()), body(dialect, u"Take your time /slow"_s), "k");
    QSignalSpy deltas(&stream, &SseLlmStream::textReceived);
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(deltas.size() >= 2, Timeout);
    const QString before = stream.text();
    stream.abort();
    QCOMPARE(stream.state(), SseLlmStream::Aborted);
    QCOMPARE(stream.text(), before);
    QVERIFY2(stream.text().startsWith(u"Hi! This "_s), qPrintable(stream.text()));
    QVERIFY2(!stream.text().contains(u"You said"_s), "stopped mid-stream"); // 300 ms a word
    QCOMPARE(stream.client()->state(), SseClient::Closed);
    QCOMPARE(stream.error(), SseLlmStream::NoError);
}

void tst_DemoServerLlm::badRequestInProviderWords_data()
{
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("message");
    QTest::newRow("anthropic without max_tokens")
            << SseLlmStream::AnthropicMessages << QString() << u"invalid_request_error"_s
            << u"max_tokens: Field required"_s;
    QTest::newRow("gemini without alt=sse") << SseLlmStream::GeminiGenerateContent << u"-"_s
                                            << u"INVALID_ARGUMENT"_s << u"alt=sse"_s;
    QTest::newRow("responses bad interval") << SseLlmStream::OpenAIResponses << u"interval=x"_s
                                            << u"invalid_request_error"_s << u"interval"_s;
}

void tst_DemoServerLlm::badRequestInProviderWords()
{
    QFETCH(SseLlmStream::Dialect, dialect);
    QFETCH(QString, query);
    QFETCH(QString, errorType);
    QFETCH(QString, message);
    const Endpoint e = endpoint(dialect);
    QJsonObject b = body(dialect, u"Hi"_s);
    b.remove(u"max_tokens"_s);
    SseLlmStream stream;
    stream.setDialect(dialect);
    stream.setRequest(query == u"-"_s ? url(e.path) : llmUrl(e, query), b, "k");
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(stream.state() != SseLlmStream::Streaming, Timeout);
    QCOMPARE(stream.state(), SseLlmStream::Failed);
    QCOMPARE(stream.error(), SseLlmStream::NetworkError);
    QCOMPARE(stream.client()->httpStatus(), 400);
    QCOMPARE(stream.errorType(), errorType);
    QVERIFY2(stream.errorString().contains(message), qPrintable(stream.errorString()));
}

QTEST_GUILESS_MAIN(tst_DemoServerLlm)
#include "tst_demoserver_llm.moc"
