// SPDX-License-Identifier: BSD-3-Clause
// SseLlmStream on the providers' documented stream shapes (tests/data/llm, one transcript per
// dialect with text, reasoning, a tool call whose arguments arrive in many pieces, pings or
// keep-alive comments, an event type the dialect does not know and the usage at the end; and
// one per dialect that fails after the 200). Each is read through SseParser whole, one byte at
// a time and split in two at every byte, with the dialect set and detected: the outcome must be
// the same every time.
#include <QtSse/SseLlmStream>
#include <QtSse/SseParser>

#include <QtCore/qfile.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

namespace {

QByteArray transcript(const QString &name)
{
    QFile file(QStringLiteral(QTSSE_LLM_DATA_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

// Everything a stream says, as one comparable text, plus the checks that hold for any stream.
struct Outcome
{
    QString description;
    QString problem; // empty when the signals agree with the properties
};

Outcome run(const QByteArray &bytes, const QList<qsizetype> &cuts, SseLlmStream::Dialect dialect)
{
    SseLlmStream stream;
    stream.setDialect(dialect);
    QString deltas, reasoningDeltas;
    QMap<int, QString> argumentDeltas;
    int finishedCount = 0, errorCount = 0, textChanges = 0;
    int deltaCount = 0;
    QObject::connect(&stream, &SseLlmStream::textReceived, [&](const QString &d) {
        deltas += d;
        ++deltaCount;
    });
    QObject::connect(&stream, &SseLlmStream::textChanged, [&] { ++textChanges; });
    QObject::connect(&stream, &SseLlmStream::reasoningReceived,
                     [&](const QString &d) { reasoningDeltas += d; });
    QObject::connect(&stream, &SseLlmStream::toolCallArgumentsReceived,
                     [&](int i, const QString &d) { argumentDeltas[i] += d; });
    QObject::connect(&stream, &SseLlmStream::finished, [&] { ++finishedCount; });
    QObject::connect(&stream, &SseLlmStream::errorOccurred, [&] { ++errorCount; });

    SseParser parser([&](const SseEvent &e) { stream.processEvent(e); });
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        parser.feed(QByteArrayView(bytes).sliced(from, cut - from));
        from = cut;
    }
    parser.feed(QByteArrayView(bytes).sliced(from));
    parser.finish();
    stream.processEndOfStream();

    Outcome o;
    const QJsonDocument tools(stream.toolCalls());
    o.description =
            QStringLiteral("state=%1 dialect=%2 text=[%3] reasoning=[%4] tools=%5 "
                           "finish=%6 usage=%7/%8/%9 model=%10 error=%11 type=%12 "
                           "message=[%13]")
                    .arg(QString::number(stream.state()), QString::number(stream.detectedDialect()),
                         stream.text(), stream.reasoning(),
                         QString::fromUtf8(tools.toJson(QJsonDocument::Compact)),
                         stream.finishReason(), QString::number(stream.inputTokens()),
                         QString::number(stream.outputTokens()),
                         QString::number(stream.totalTokens()))
                    .arg(stream.model(), QString::number(stream.error()), stream.errorType(),
                         stream.errorString());
    if (deltas != stream.text())
        o.problem += u"text deltas differ from text; "_s;
    if (textChanges != deltaCount)
        o.problem += u"textChanged without a change; "_s;
    if (reasoningDeltas != stream.reasoning())
        o.problem += u"reasoning deltas differ; "_s;
    for (auto it = argumentDeltas.cbegin(); it != argumentDeltas.cend(); ++it) {
        const QJsonObject call = stream.toolCalls().at(it.key()).toObject();
        const QJsonObject parsed = QJsonDocument::fromJson(it.value().toUtf8()).object();
        if (call.value(u"arguments"_s).toObject() != parsed)
            o.problem += u"argument deltas do not make the arguments; "_s;
    }
    const bool finished = stream.state() == SseLlmStream::Finished;
    if (finishedCount != (finished ? 1 : 0))
        o.problem += u"finished() not once; "_s;
    if (errorCount != (stream.state() == SseLlmStream::Failed ? 1 : 0))
        o.problem += u"errorOccurred() not once; "_s;
    return o;
}

const QString Text = u"Let me check the weather in Paris — one moment."_s;
const QJsonObject Arguments {{u"location"_s, u"Paris, France"_s}, {u"unit"_s, u"celsius"_s}};

} // namespace

class tst_LlmStreamTranscripts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transcript_data();
    void transcript();
    void malformed_data();
    void malformed();

private:
    void verify(const QString &file, SseLlmStream::Dialect dialect);
};

void tst_LlmStreamTranscripts::transcript_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    QTest::addColumn<SseLlmStream::Dialect>("expectedDialect");
    QTest::addColumn<SseLlmStream::State>("state");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QString>("toolId");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QList<int>>("usage"); // input, output, total
    QTest::addColumn<QString>("model");
    QTest::addColumn<SseLlmStream::Error>("error");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("errorString");

    const QString reasoned = u"The user wants the weather."_s;
    const QString partial = u"Let me check the"_s;
    struct Row
    {
        const char *name;
        QString file;
        SseLlmStream::Dialect dialect;
        SseLlmStream::State state;
        QString text, reasoning, toolId, finishReason;
        QList<int> usage;
        QString model;
        SseLlmStream::Error error;
        QString errorType, errorString;
    };
    const QList<Row> rows = {
            {"openai-chat",
             u"openai-chat.sse"_s,
             SseLlmStream::OpenAIChatCompletions,
             SseLlmStream::Finished,
             Text,
             QString(),
             u"call_Qt7pW2"_s,
             u"tool_calls"_s,
             {82, 27, 109},
             u"gpt-4o-mini-2024-07-18"_s,
             SseLlmStream::NoError,
             {},
             {}},
            {"openai-chat-error",
             u"openai-chat-error.sse"_s,
             SseLlmStream::OpenAIChatCompletions,
             SseLlmStream::Failed,
             partial,
             QString(),
             QString(),
             QString(),
             {-1, -1, -1},
             u"gpt-4o-mini-2024-07-18"_s,
             SseLlmStream::ProviderError,
             u"server_error"_s,
             u"The server had an error while processing your request. Sorry about that!"_s},
            {"openai-responses",
             u"openai-responses.sse"_s,
             SseLlmStream::OpenAIResponses,
             SseLlmStream::Finished,
             Text,
             reasoned,
             u"call_Qt7pW2"_s,
             u"completed"_s,
             {75, 23, 98},
             u"gpt-4.1-2025-04-14"_s,
             SseLlmStream::NoError,
             {},
             {}},
            {"openai-responses-error",
             u"openai-responses-error.sse"_s,
             SseLlmStream::OpenAIResponses,
             SseLlmStream::Failed,
             partial,
             QString(),
             QString(),
             QString(),
             {-1, -1, -1},
             u"gpt-4.1-2025-04-14"_s,
             SseLlmStream::ProviderError,
             u"server_error"_s,
             u"The server had an error while processing your request."_s},
            {"anthropic",
             u"anthropic.sse"_s,
             SseLlmStream::AnthropicMessages,
             SseLlmStream::Finished,
             Text,
             reasoned,
             u"toolu_01QtSse"_s,
             u"tool_use"_s,
             {472, 89, 561},
             u"claude-sonnet-4-5-20250929"_s,
             SseLlmStream::NoError,
             {},
             {}},
            {"anthropic-error",
             u"anthropic-error.sse"_s,
             SseLlmStream::AnthropicMessages,
             SseLlmStream::Failed,
             partial,
             QString(),
             QString(),
             QString(),
             {472, 1, 473},
             u"claude-sonnet-4-5-20250929"_s,
             SseLlmStream::ProviderError,
             u"overloaded_error"_s,
             u"Overloaded"_s},
            {"gemini",
             u"gemini.sse"_s,
             SseLlmStream::GeminiGenerateContent,
             SseLlmStream::Finished,
             Text,
             u"**Weather lookup** The user wants the weather."_s,
             QString(),
             u"STOP"_s,
             {31, 26, 69},
             u"gemini-2.5-flash"_s,
             SseLlmStream::NoError,
             {},
             {}},
            {"gemini-error",
             u"gemini-error.sse"_s,
             SseLlmStream::GeminiGenerateContent,
             SseLlmStream::Failed,
             u"Let me check"_s,
             QString(),
             QString(),
             QString(),
             {31, -1, 31},
             u"gemini-2.5-flash"_s,
             SseLlmStream::ProviderError,
             u"UNAVAILABLE"_s,
             u"The model is overloaded. Please try again later."_s},
    };
    for (const Row &r : rows) {
        for (const SseLlmStream::Dialect d : {SseLlmStream::AutoDialect, r.dialect}) {
            QTest::addRow("%s/%s", r.name, d == SseLlmStream::AutoDialect ? "auto" : "set")
                    << r.file << d << r.dialect << r.state << r.text << r.reasoning << r.toolId
                    << r.finishReason << r.usage << r.model << r.error << r.errorType
                    << r.errorString;
        }
    }
}

void tst_LlmStreamTranscripts::transcript()
{
    QFETCH(QString, file);
    QFETCH(SseLlmStream::Dialect, dialect);
    QFETCH(SseLlmStream::Dialect, expectedDialect);
    QFETCH(SseLlmStream::State, state);
    QFETCH(QString, text);
    QFETCH(QString, reasoning);
    QFETCH(QString, toolId);
    QFETCH(QString, finishReason);
    QFETCH(QList<int>, usage);
    QFETCH(QString, model);
    QFETCH(SseLlmStream::Error, error);
    QFETCH(QString, errorType);
    QFETCH(QString, errorString);

    const QByteArray bytes = ::transcript(file);

    // Whole, checked against what the transcript says.
    SseLlmStream stream;
    stream.setDialect(dialect);
    QSignalSpy started(&stream, &SseLlmStream::toolCallStarted);
    QSignalSpy completed(&stream, &SseLlmStream::toolCallCompleted);
    QSignalSpy arguments(&stream, &SseLlmStream::toolCallArgumentsReceived);
    QSignalSpy detected(&stream, &SseLlmStream::detectedDialectChanged);
    SseParser parser([&](const SseEvent &e) { stream.processEvent(e); });
    QVERIFY(parser.feed(bytes));
    parser.finish();
    stream.processEndOfStream();

    QCOMPARE(stream.state(), state);
    QCOMPARE(stream.detectedDialect(), expectedDialect);
    QCOMPARE(detected.size(), 1);
    QCOMPARE(stream.text(), text);
    QCOMPARE(stream.reasoning(), reasoning);
    QCOMPARE(stream.finishReason(), finishReason);
    QCOMPARE(stream.inputTokens(), usage.at(0));
    QCOMPARE(stream.outputTokens(), usage.at(1));
    QCOMPARE(stream.totalTokens(), usage.at(2));
    QCOMPARE(stream.model(), model);
    QCOMPARE(stream.error(), error);
    QCOMPARE(stream.errorType(), errorType);
    QCOMPARE(stream.errorString(), errorString);
    if (state == SseLlmStream::Finished) {
        QCOMPARE(stream.toolCalls().size(), 1);
        const QJsonObject call = stream.toolCalls().first().toObject();
        QCOMPARE(call.value(u"name"_s).toString(), u"get_weather"_s);
        QCOMPARE(call.value(u"id"_s).toString(), toolId);
        QCOMPARE(call.value(u"index"_s).toInt(), 0);
        QCOMPARE(call.value(u"complete"_s).toBool(), true);
        QCOMPARE(call.value(u"arguments"_s).toObject(), Arguments);
        QCOMPARE(started.size(), 1);
        QCOMPARE(completed.size(), 1);
        QCOMPARE(completed.first().at(1).toJsonObject(), call);
        // In many pieces where the provider splits them (Gemini sends a call whole).
        QVERIFY2(arguments.size()
                         >= (expectedDialect == SseLlmStream::GeminiGenerateContent ? 1 : 12),
                 qPrintable(QString::number(arguments.size())));
        QVERIFY(!stream.usage().isEmpty());
    } else {
        QVERIFY(stream.toolCalls().isEmpty());
    }

    // The same at every split.
    const Outcome whole = run(bytes, {}, dialect);
    QVERIFY2(whole.problem.isEmpty(), qPrintable(whole.problem));
    QList<qsizetype> everyByte;
    for (qsizetype i = 1; i < bytes.size(); ++i)
        everyByte.append(i);
    const Outcome bytewise = run(bytes, everyByte, dialect);
    QCOMPARE(bytewise.description, whole.description);
    QVERIFY2(bytewise.problem.isEmpty(), qPrintable(bytewise.problem));
    for (qsizetype i = 1; i < bytes.size(); ++i) {
        const Outcome split = run(bytes, {i}, dialect);
        if (split.description != whole.description || !split.problem.isEmpty()) {
            QFAIL(qPrintable(u"split at byte %1: %2 %3 instead of %4"_s.arg(i).arg(
                    split.description, split.problem, whole.description)));
        }
    }
}

// Bad input: a clear error, never a silent success.
void tst_LlmStreamTranscripts::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<SseLlmStream::Dialect>("dialect");
    QTest::addColumn<SseLlmStream::State>("state");
    QTest::addColumn<SseLlmStream::Error>("error");
    QTest::addColumn<QString>("errorContains");

    const QByteArray chatText =
            "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
            "{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
    QTest::newRow("chat without [DONE]")
            << chatText << SseLlmStream::AutoDialect << SseLlmStream::Failed
            << SseLlmStream::IncompleteStreamError << u"before its terminal event"_s;
    QTest::newRow("chat data not JSON") << chatText + "data: {not json\n\n"
                                        << SseLlmStream::AutoDialect << SseLlmStream::Failed
                                        << SseLlmStream::ProtocolError << u"neither JSON"_s;
    QTest::newRow("first data not JSON")
            << QByteArray("data: hello\n\n") << SseLlmStream::AutoDialect << SseLlmStream::Failed
            << SseLlmStream::ProtocolError << u"not a JSON"_s;
    QTest::newRow("nothing known") << QByteArray("event: ping\ndata: {}\n\n")
                                   << SseLlmStream::AutoDialect << SseLlmStream::Failed
                                   << SseLlmStream::IncompleteStreamError << u"known LLM dialect"_s;
    QTest::newRow("anthropic known event not JSON")
            << QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}"
                          "\n\nevent: content_block_delta\ndata: oops\n\n")
            << SseLlmStream::AnthropicMessages << SseLlmStream::Failed
            << SseLlmStream::ProtocolError << u"content_block_delta"_s;
    QTest::newRow("anthropic without message_stop")
            << QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}"
                          "\n\n")
            << SseLlmStream::AutoDialect << SseLlmStream::Failed
            << SseLlmStream::IncompleteStreamError << u"terminal"_s;
    QTest::newRow("gemini without finishReason")
            << QByteArray("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}"
                          "\n\n")
            << SseLlmStream::AutoDialect << SseLlmStream::Failed
            << SseLlmStream::IncompleteStreamError << u"terminal"_s;
    QTest::newRow("error before any dialect")
            << QByteArray("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                          "\"rate_limit_error\",\"message\":\"Slow down\"}}\n\n")
            << SseLlmStream::AutoDialect << SseLlmStream::Failed << SseLlmStream::ProviderError
            << u"Slow down"_s;
    QTest::newRow("responses incomplete")
            << QByteArray("event: response.incomplete\ndata: {\"type\":\"response.incomplete\","
                          "\"response\":{\"status\":\"incomplete\",\"incomplete_details\":"
                          "{\"reason\":\"max_output_tokens\"}}}\n\n")
            << SseLlmStream::AutoDialect << SseLlmStream::Finished << SseLlmStream::NoError
            << QString();
    QTest::newRow("responses failed")
            << QByteArray("event: response.failed\ndata: {\"type\":\"response.failed\","
                          "\"response\":{\"status\":\"failed\",\"error\":{\"code\":"
                          "\"rate_limit_exceeded\",\"message\":\"Too many\"}}}\n\n")
            << SseLlmStream::AutoDialect << SseLlmStream::Failed << SseLlmStream::ProviderError
            << u"Too many"_s;
}

void tst_LlmStreamTranscripts::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(SseLlmStream::Dialect, dialect);
    QFETCH(SseLlmStream::State, state);
    QFETCH(SseLlmStream::Error, error);
    QFETCH(QString, errorContains);

    SseLlmStream stream;
    stream.setDialect(dialect);
    QSignalSpy errors(&stream, &SseLlmStream::errorOccurred);
    SseParser parser([&](const SseEvent &e) { stream.processEvent(e); });
    parser.feed(bytes);
    parser.finish();
    stream.processEndOfStream();
    QCOMPARE(stream.state(), state);
    QCOMPARE(stream.error(), error);
    QCOMPARE(errors.size(), error == SseLlmStream::NoError ? 0 : 1);
    QVERIFY2(stream.errorString().contains(errorContains), qPrintable(stream.errorString()));
    // Nothing after the end changes it.
    stream.processEvent(SseEvent(u"message"_s, u"[DONE]"_s));
    stream.processEndOfStream();
    QCOMPARE(stream.state(), state);
    QCOMPARE(errors.size(), error == SseLlmStream::NoError ? 0 : 1);
}

QTEST_GUILESS_MAIN(tst_LlmStreamTranscripts)
#include "tst_llmstream_transcripts.moc"
