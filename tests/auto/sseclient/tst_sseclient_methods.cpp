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
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("data: a\n\n").holdOpen());
    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setBody("q=1");
    QCOMPARE(client.method(), "GET");
    QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(u"a body with the GET method .* setMethod\\(\"POST\"\\)"_s));
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    client.open();
    QVERIFY(eventSpy.wait(Timeout));
    QCOMPARE(server.requests().at(0).method, "GET");
    QCOMPARE(server.requests().at(0).body, "q=1");
    client.close();
    // With a method, or without a body: nothing to say.
    client.setMethod("POST");
    server.enqueue(Response::sse().send("data: b\n\n").holdOpen());
    QTest::failOnWarning(QRegularExpression(u"GET method"_s));
    client.open();
    QVERIFY(eventSpy.wait(Timeout));
    client.close();
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
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(endingStream("data: {\"delta\":\"Hel\"}\n\n"
                                "data: {\"delta\":\"lo\"}\n\n"
                                "data: [DONE]\n\n"));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configureChat(client, server.url(u"/v1/chat/completions"_s));
    QCOMPARE(client.method(), "POST");
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    QSignalSpy disconnectedSpy(&client, &SseClient::disconnected);
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));

    const Request r = server.requests().at(0);
    QCOMPARE(r.method, "POST");
    QCOMPARE(r.target, "/v1/chat/completions");
    QCOMPARE(r.body, chatBody);
    QCOMPARE(r.header("Content-Type"), "application/json");
    QCOMPARE(r.header("Authorization"), "Bearer sk-test");
    QCOMPARE(r.header("Accept"), "text/event-stream");

    const QList<SseEvent> events = eventsOf(eventSpy);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).json().toObject().value("delta"_L1).toString(), u"Hel"_s);
    QCOMPARE(events.at(1).json().toObject().value("delta"_L1).toString(), u"lo"_s);
    QCOMPARE(events.at(2).data(), u"[DONE]"_s);

    QCOMPARE(client.state(), SseClient::Closed);
    QCOMPARE(client.error(), SseClient::NoError);
    QCOMPARE(errorSpy.size(), 0);
    QCOMPARE(disconnectedSpy.size(), 1);
    QCOMPARE(scheduledSpy.size(), 0);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
}

void tst_SseClientMethods::postErrorNotResent()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::status(503, "overloaded"));
    server.setHandler([](const Request &) { return Response::sse().holdOpen(); });

    SseClient client;
    configureChat(client, server.url(u"/v1/chat/completions"_s));
    QSignalSpy closedSpy(&client, &SseClient::closed);
    QSignalSpy scheduledSpy(&client, &SseClient::reconnectScheduled);
    QSignalSpy requestSpy(&server, &SseTestServer::requestReceived);
    client.open();
    QVERIFY(closedSpy.wait(Timeout));
    QCOMPARE(client.state(), SseClient::Failed);
    QCOMPARE(client.error(), SseClient::HttpStatusError);
    QCOMPARE(client.httpStatus(), 503);
    QCOMPARE(client.errorBody(), "overloaded");
    QCOMPARE(scheduledSpy.size(), 0);
    QVERIFY(!requestSpy.wait(Quiet));
    QCOMPARE(server.requestCount(), 1);
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

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(streamEnds ? endingStream("id: 1\ndata: a\n\n") : Response::status(503, "busy"));
    server.enqueue(Response::sse().holdOpen());

    SseClient client;
    configureChat(client, server.url(u"/v1/chat/completions"_s));
    client.setRetryAnyMethod(true);
    client.open();
    TRY_COMPARE(server.requestCount(), 2);
    TRY_COMPARE(client.state(), SseClient::Open);
    for (const Request &r : server.requests()) {
        QCOMPARE(r.method, "POST");
        QCOMPARE(r.body, chatBody);
        QCOMPARE(r.header("Content-Type"), "application/json");
        QCOMPARE(r.header("Authorization"), "Bearer sk-test");
    }
    if (streamEnds)
        QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "1");
    client.close();
}

QTEST_MAIN(tst_SseClientMethods)
#include "tst_sseclient_methods.moc"
