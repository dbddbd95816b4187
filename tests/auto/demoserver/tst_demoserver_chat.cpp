// SPDX-License-Identifier: BSD-3-Clause
// sse-demo-server's OpenAI-style chat endpoint, through SseClient: deltas then [DONE], 401
// without a token, 400 for a bad body; and 404 for an unknown path. With --token, a missing or
// wrong token is a 401 with a JSON error body on /stream and the chat.
#include "demoservertest.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

class tst_DemoServerChat : public DemoServerTest
{
    Q_OBJECT

private Q_SLOTS:
    void chatStreamsDeltasThenDone();
    void chatWithoutTokenIs401();
    void chatWithBadBodyIs400();
    void unknownPathIs404();
    void tokenChecked_data();
    void tokenChecked();
};

void tst_DemoServerChat::chatStreamsDeltasThenDone()
{
    SseClient client(url(u"/v1/chat/completions"_s));
    client.setMethod("POST");
    client.setRawHeader("Authorization", "Bearer test-token");
    client.setRawHeader("Content-Type", "application/json");
    client.setBody(chatBody(u"Ping from the test"_s));
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.closes == 1, Timeout);

    // Ended cleanly, and a POST is not sent again.
    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(rec.eventsAtOpen.size(), 1);
    QVERIFY(rec.retryDelays.isEmpty());
    QVERIFY(!rec.events.isEmpty());
    QCOMPARE(rec.events.constLast().data(), u"[DONE]"_s);
    QString content;
    int deltas = 0;
    QString finishReason;
    for (qsizetype i = 0; i + 1 < rec.events.size(); ++i) {
        const SseEvent &e = rec.events.at(i);
        QCOMPARE(e.type(), u"message"_s);
        const QJsonObject chunk = e.json().toObject();
        QCOMPARE(chunk.value(u"object"_s).toString(), u"chat.completion.chunk"_s);
        QCOMPARE(chunk.value(u"id"_s).toString(), u"chatcmpl-demo"_s);
        QCOMPARE(chunk.value(u"model"_s).toString(), u"demo-model"_s);
        const QJsonObject choice = chunk.value(u"choices"_s).toArray().first().toObject();
        const QJsonObject delta = choice.value(u"delta"_s).toObject();
        if (delta.contains(u"content"_s) && !delta.value(u"content"_s).toString().isEmpty()) {
            content += delta.value(u"content"_s).toString();
            ++deltas;
        }
        if (choice.value(u"finish_reason"_s).isString())
            finishReason = choice.value(u"finish_reason"_s).toString();
    }
    QVERIFY2(deltas >= 10 && deltas <= 20, qPrintable(QString::number(deltas)));
    QVERIFY2(content.contains(u"\"Ping from the test\""_s), qPrintable(content));
    QCOMPARE(finishReason, u"stop"_s);
}

void tst_DemoServerChat::chatWithoutTokenIs401()
{
    SseClient client(url(u"/v1/chat/completions"_s));
    client.setMethod("POST");
    client.setBody(chatBody(u"Hello"_s));
    client.setRawHeader("Content-Type", "application/json");
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Failed, Timeout);
    QCOMPARE(client.error(), SseClient::HttpStatusError);
    QCOMPARE(client.httpStatus(), 401);
    const QJsonObject error =
            QJsonDocument::fromJson(client.errorBody()).object().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"message"_s).toString(), u"missing bearer token"_s);
    QCOMPARE(error.value(u"code"_s).toString(), u"invalid_api_key"_s);
}

void tst_DemoServerChat::tokenChecked_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("authorization"); // empty: none sent
    QTest::addColumn<QString>("rejection"); // the 401's message; empty: the stream opens
    for (const QString &path : {u"/stream"_s, u"/v1/chat/completions"_s}) {
        const QByteArray tag = path.toLatin1();
        QTest::addRow("%s, no token", tag.constData())
                << path << QByteArray() << u"missing bearer token"_s;
        QTest::addRow("%s, wrong token", tag.constData())
                << path << QByteArray("Bearer wrong") << u"incorrect bearer token"_s;
        QTest::addRow("%s, not a bearer", tag.constData())
                << path << QByteArray("Basic czNjcmV0") << u"missing bearer token"_s;
        QTest::addRow("%s, the token", tag.constData())
                << path << QByteArray("bearer  s3cret-T0ken ") << QString();
    }
}

void tst_DemoServerChat::tokenChecked()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, authorization);
    QFETCH(QString, rejection);
    QProcess server;
    QUrl streamUrl;
    startServer(&server, {u"--token"_s, u"s3cret-T0ken"_s}, &streamUrl);
    if (QTest::currentTestFailed())
        return;
    SseClient client(streamUrl.resolved(QUrl(path)));
    if (path != u"/stream") {
        client.setMethod("POST");
        client.setRawHeader("Content-Type", "application/json");
        client.setBody(chatBody(u"Hello"_s));
    }
    if (!authorization.isEmpty())
        client.setRawHeader("Authorization", authorization);
    client.open();
    if (rejection.isEmpty()) {
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Open, Timeout);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Failed, Timeout);
        QCOMPARE(client.httpStatus(), 401);
        const QJsonObject error =
                QJsonDocument::fromJson(client.errorBody()).object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"message"_s).toString(), rejection);
        QCOMPARE(error.value(u"code"_s).toString(), u"invalid_api_key"_s);
        QVERIFY2(!client.errorString().contains(u"wrong"_s), qPrintable(client.errorString()));
    }
    client.close();
    server.kill();
    server.waitForFinished(5000);
}

void tst_DemoServerChat::chatWithBadBodyIs400()
{
    SseClient client(url(u"/v1/chat/completions"_s));
    client.setMethod("POST");
    client.setRawHeader("Authorization", "Bearer test-token");
    client.setRawHeader("Content-Type", "application/json");
    client.setBody(R"({"messages": []})");
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Failed, Timeout);
    QCOMPARE(client.httpStatus(), 400);
    QVERIFY2(client.errorBody().contains("messages"), client.errorBody().constData());
}

void tst_DemoServerChat::unknownPathIs404()
{
    SseClient client(url(u"/no/such/path"_s));
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Failed, Timeout);
    QCOMPARE(client.httpStatus(), 404);
}

QTEST_GUILESS_MAIN(tst_DemoServerChat)
#include "tst_demoserver_chat.moc"
