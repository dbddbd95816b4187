// SPDX-License-Identifier: BSD-3-Clause
// README.md's "LLM streams" snippet is the code of readmesnippet.cpp, which compiles (it is
// part of this test) and works: run against SseTestServer with an Anthropic stream.
#include "readmesnippet.h"
#include "ssetestserver.h"

#include <QtCore/qfile.h>
#include <QtCore/qregularexpression.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

namespace {

QStringList lines(const QString &path, const QString &begin, const QString &end)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {u"cannot read "_s + path};
    const QStringList all = QString::fromUtf8(file.readAll()).split(u'\n');
    const qsizetype from = all.indexOf(begin);
    const qsizetype to = from < 0 ? -1 : all.indexOf(end, from + 1);
    if (from < 0 || to < 0)
        return {u"no block in "_s + path};
    return all.mid(from + 1, to - from - 1);
}

// Without the common indentation.
QStringList dedented(QStringList block)
{
    qsizetype indent = 1000;
    for (const QString &line : block) {
        qsizetype spaces = 0;
        while (spaces < line.size() && line.at(spaces) == u' ')
            ++spaces;
        if (spaces < line.size())
            indent = qMin(indent, spaces);
    }
    for (QString &line : block)
        line = line.mid(qMin(indent, line.size()));
    return block;
}

} // namespace

class tst_LlmStreamReadme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readmeShowsTheSnippet();
    void snippetWorks();
};

void tst_LlmStreamReadme::readmeShowsTheSnippet()
{
    QStringList code =
            lines(QStringLiteral(QTSSE_SOURCE_DIR "/tests/auto/llmstream/readmesnippet.cpp"),
                  u"    //! [llm]"_s, u"    //! [llm]"_s);
    QStringList readme =
            lines(QStringLiteral(QTSSE_SOURCE_DIR "/README.md"), u"```cpp llm-stream"_s, u"```"_s);
    QCOMPARE(readme.join(u'\n'), dedented(code).join(u'\n'));
}

void tst_LlmStreamReadme::snippetWorks()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(SseTestServer::Response::sse()
                           .chunked()
                           .send("event: message_start\ndata: {\"type\":\"message_start\","
                                 "\"message\":{\"model\":\"claude\",\"usage\":{\"input_tokens\":"
                                 "7,\"output_tokens\":1}}}\n\n"
                                 "event: content_block_delta\ndata: {\"type\":"
                                 "\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                                 "\"text_delta\",\"text\":\"Hello\"}}\n\n"
                                 "event: message_delta\ndata: {\"type\":\"message_delta\","
                                 "\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":"
                                 "{\"output_tokens\":2}}\n\n"
                                 "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
                           .close());
    qputenv("ANTHROPIC_API_KEY", "sk-readme");
    QObject parent;
    SseLlmStream *llm = askClaude(server.url(u"/v1/messages"_s), u"Hi"_s, &parent);
    QTRY_COMPARE_WITH_TIMEOUT(llm->state(), SseLlmStream::Finished, 15000);
    QCOMPARE(llm->text(), u"Hello"_s);
    QCOMPARE(llm->outputTokens(), 2);
    QCOMPARE(server.requests().first().header("x-api-key"), QByteArray("sk-readme"));
    QCOMPARE(server.requests().first().method, QByteArray("POST"));
}

QTEST_GUILESS_MAIN(tst_LlmStreamReadme)
#include "tst_llmstream_readme.moc"
