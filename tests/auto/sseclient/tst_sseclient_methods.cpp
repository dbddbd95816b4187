// SPDX-License-Identifier: BSD-3-Clause
// SseClient with non-GET requests (an LLM chat completion): not re-sent after the stream ends or
// fails, unless retryAnyMethod is set.
#include "sseclienttest.h"

#include <QtCore/qjsonobject.h>
#include <QtCore/qregularexpression.h>

class tst_SseClientMethods : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 8. non-GET requests
    void postStreamEndNotResent();
    void postErrorNotResent();
    void retryAnyMethodResendsPost_data();
    void retryAnyMethodResendsPost();
    void getWithBodyWarns();
};

// ---- 8. non-GET requests --------------------------------------------------------------------

static const QByteArray chatBody =
        R"({"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]})";

// A body without a method: sent as a GET with that body, as asked, with a warning that says so.
void tst_SseClientMethods::getWithBodyWarns()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().send("data: a\n\n").holdOpen());
    f.client.setBody("q=1");
    QCOMPARE(f.client.method(), "GET");
    QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"a body with the GET method .* setMethod\\(\"POST\"\\)"_s));
    f.client.open();
    QVERIFY(f.eventSpy.wait(Timeout));
    QCOMPARE(f.server.requests().at(0).method, "GET");
    QCOMPARE(f.server.requests().at(0).body, "q=1");
    f.client.close();
    // With a method, or without a body: nothing to say.
    f.client.setMethod("POST");
    f.server.enqueue(Response::sse().send("data: b\n\n").holdOpen());
    QTest::failOnWarning(QRegularExpression(u"GET method"_s));
    f.client.open();
    QVERIFY(f.eventSpy.wait(Timeout));
    f.client.close();
}

static void configureChat(SseClient &client, const QUrl &url)
{
    configure(client, url);
    client.setMethod("post"); // any case
    client.setBody(chatBody);
    client.setRawHeaders(
            {{"Authorization", "Bearer sk-test"}, {"Content-Type", "application/json"}});
}

void tst_SseClientMethods::postStreamEndNotResent()
{
    SseClientFixture f;
    QVERIFY(f.server.listen());
    f.answerFirstThenHold(endingStream("data: {\"delta\":\"Hel\"}\n\n"
                                       "data: {\"delta\":\"lo\"}\n\n"
                                       "data: [DONE]\n\n"));

    configureChat(f.client, f.server.url(u"/v1/chat/completions"_s));
    QCOMPARE(f.client.method(), "POST");
    QSignalSpy disconnectedSpy(&f.client, &SseClient::disconnected);
    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));

    const Request r = f.server.requests().at(0);
    QCOMPARE(r.method, "POST");
    QCOMPARE(r.target, "/v1/chat/completions");
    QCOMPARE(r.body, chatBody);
    QCOMPARE(r.header("Content-Type"), "application/json");
    QCOMPARE(r.header("Authorization"), "Bearer sk-test");
    QCOMPARE(r.header("Accept"), "text/event-stream");

    const QList<SseEvent> events = eventsOf(f.eventSpy);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).json().toObject().value("delta"_L1).toString(), u"Hel"_s);
    QCOMPARE(events.at(1).json().toObject().value("delta"_L1).toString(), u"lo"_s);
    QCOMPARE(events.at(2).data(), u"[DONE]"_s);

    QCOMPARE(f.client.state(), SseClient::Closed);
    QCOMPARE(f.client.error(), SseClient::NoError);
    QCOMPARE(f.errorSpy.size(), 0);
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(f.scheduledSpy.size(), 0);
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), 1);
}

void tst_SseClientMethods::postErrorNotResent()
{
    SseClientFixture f;
    QVERIFY(f.server.listen());
    f.answerFirstThenHold(Response::status(503, "overloaded"));

    configureChat(f.client, f.server.url(u"/v1/chat/completions"_s));
    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));
    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.error(), SseClient::HttpStatusError);
    QCOMPARE(f.client.httpStatus(), 503);
    QCOMPARE(f.client.errorBody(), "overloaded");
    QCOMPARE(f.scheduledSpy.size(), 0);
    QVERIFY(!f.requestSpy.wait(Quiet));
    QCOMPARE(f.server.requestCount(), 1);
}

void tst_SseClientMethods::retryAnyMethodResendsPost_data()
{
    QTest::addColumn<bool>("streamEnds"); // else: a 503
    QTest::newRow("stream ends") << true;
    QTest::newRow("503") << false;
}

void tst_SseClientMethods::retryAnyMethodResendsPost()
{
    QFETCH(bool, streamEnds);

    SseClientFixture f;
    QVERIFY(f.server.listen());
    f.server.enqueue(streamEnds ? endingStream("id: 1\ndata: a\n\n")
                                : Response::status(503, "busy"));
    f.server.enqueue(Response::sse().holdOpen());

    configureChat(f.client, f.server.url(u"/v1/chat/completions"_s));
    f.client.setRetryAnyMethod(true);
    f.client.open();
    TRY_COMPARE(f.server.requestCount(), 2);
    TRY_COMPARE(f.client.state(), SseClient::Open);
    for (const Request &r : f.server.requests()) {
        QCOMPARE(r.method, "POST");
        QCOMPARE(r.body, chatBody);
        QCOMPARE(r.header("Content-Type"), "application/json");
        QCOMPARE(r.header("Authorization"), "Bearer sk-test");
    }
    if (streamEnds)
        QCOMPARE(f.server.requests().at(1).header("Last-Event-ID"), "1");
    f.client.close();
}

QTEST_MAIN(tst_SseClientMethods)
#include "tst_sseclient_methods.moc"
