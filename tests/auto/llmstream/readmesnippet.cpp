// SPDX-License-Identifier: BSD-3-Clause
// The README's "LLM streams" snippet, compiled and run (tst_llmstream_readme checks that the
// README shows exactly the lines between the markers).
#include "readmesnippet.h"

#include <QtCore/qdebug.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>

using namespace Qt::StringLiterals;

SseLlmStream *askClaude(const QUrl &url, const QString &prompt, QObject *parent)
{
    //! [llm]
    auto *llm = new SseLlmStream(parent);
    llm->setDialect(SseLlmStream::AnthropicMessages); // or AutoDialect: told by the stream
    const QJsonObject body {
            {u"model"_s, u"claude-sonnet-4-5"_s},
            {u"max_tokens"_s, 1024},
            {u"stream"_s, true},
            {u"messages"_s,
             QJsonArray {QJsonObject {{u"role"_s, u"user"_s}, {u"content"_s, prompt}}}}};
    llm->setRequest(url, body, qgetenv("ANTHROPIC_API_KEY")); // POST, JSON, x-api-key

    QObject::connect(llm, &SseLlmStream::textReceived, llm, [](const QString &delta) {
        qDebug().noquote() << delta; // text() holds the whole reply so far
    });
    QObject::connect(llm, &SseLlmStream::toolCallCompleted, llm, [](int, const QJsonObject &call) {
        qDebug() << call[u"name"_s] << call[u"arguments"_s]; // parsed JSON
    });
    QObject::connect(llm, &SseLlmStream::finished, llm,
                     [llm](const QString &text, const QString &reason, const QJsonObject &) {
                         qDebug() << text.size() << reason << llm->inputTokens()
                                  << llm->outputTokens();
                     });
    QObject::connect(llm, &SseLlmStream::errorOccurred, llm, [llm] {
        qWarning() << llm->errorType() << llm->errorString(); // "overloaded_error" "Overloaded"
    });
    llm->start(); // llm->abort() stops it and keeps what arrived
    //! [llm]
    return llm;
}
