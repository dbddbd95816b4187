// SPDX-License-Identifier: BSD-3-Clause
// Runs the sse-demo-server binary (DEMO_SERVER_PATH) and checks what it promises through
// SseClient: typed events with ids, resumption after Last-Event-ID, retry:, drop=, fail=,
// rate=, limit=, many clients, and the OpenAI-style chat endpoint.
//
// The server is a separate process; every wait here drives this process's event loop
// (QTRY_*), so the clients make progress while we wait.
#include <QtSse/SseClient>

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qset.h>
#include <QtNetwork/qnetworkproxy.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

static constexpr int Timeout = 15000; // generous: the suite must pass on a loaded machine

// Everything a client reports, in order.
struct Recorder
{
    explicit Recorder(SseClient *client)
    {
        QObject::connect(client, &SseClient::eventReceived, client,
                         [this](const SseEvent &e) { events.append(e); });
        QObject::connect(client, &SseClient::commentReceived, client,
                         [this](const QString &c) { comments.append(c); });
        QObject::connect(client, &SseClient::opened, client,
                         [this] { eventsAtOpen.append(events.size()); });
        QObject::connect(client, &SseClient::disconnected, client, [this] { ++disconnects; });
        QObject::connect(client, &SseClient::closed, client, [this] { ++closes; });
        QObject::connect(client, &SseClient::reconnectScheduled, client,
                         [this](int, int delayMs) { retryDelays.append(delayMs); });
    }
    bool hasComment(const QString &text) const
    {
        for (const QString &c : comments) {
            if (c.contains(text))
                return true;
        }
        return false;
    }
    // Empty when the ids are first, first+1, first+2...; otherwise where they are not.
    QString idProblem(qint64 first) const
    {
        for (qsizetype i = 0; i < events.size(); ++i) {
            if (events.at(i).lastEventId() != QString::number(first + i))
                return u"event %1 has id \"%2\", expected %3"_s.arg(i)
                        .arg(events.at(i).lastEventId())
                        .arg(first + i);
        }
        return {};
    }

    QList<SseEvent> events;
    QStringList comments;
    QList<qsizetype> eventsAtOpen; // events.size() at each opened()
    QList<int> retryDelays;
    int disconnects = 0;
    int closes = 0;
};

class tst_DemoServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void eventsOfSeveralTypesWithIds();
    void sendsRetry();
    void resumesAfterLastEventId();
    void dropReconnectsWithoutGap();
    void failAnswers503WithRetryAfter();
    void commandLineDefaults();
    void floodRate();
    void manyClientsAndEarlyDisconnects();
    void chatStreamsDeltasThenDone();
    void chatWithoutTokenIs401();
    void chatWithBadBodyIs400();
    void unknownPathIs404();

private:
    static void startServer(QProcess *process, const QStringList &extraArguments, QUrl *url);
    QUrl url(const QString &pathAndQuery) const { return m_streamUrl.resolved(QUrl(pathAndQuery)); }
    static QByteArray chatBody(const QString &said)
    {
        const QJsonObject body {
                {u"model"_s, u"demo-model"_s},
                {u"messages"_s,
                 QJsonArray {QJsonObject {{u"role"_s, u"user"_s}, {u"content"_s, said}}}}};
        return QJsonDocument(body).toJson(QJsonDocument::Compact);
    }

    QProcess m_server;
    QUrl m_streamUrl;
};

void tst_DemoServer::startServer(QProcess *process, const QStringList &extraArguments, QUrl *url)
{
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(QStringLiteral(DEMO_SERVER_PATH),
                   QStringList {u"--port"_s, u"0"_s, u"--quiet"_s} + extraArguments);
    QVERIFY2(process->waitForStarted(Timeout), qPrintable(process->errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(process->canReadLine() || process->state() == QProcess::NotRunning,
                             Timeout);
    QVERIFY2(process->canReadLine(), "the server printed no URL");
    *url = QUrl(QString::fromUtf8(process->readLine().trimmed()));
    QVERIFY2(url->isValid(), qPrintable(url->toString()));
    QCOMPARE(url->scheme(), u"http"_s);
    QCOMPARE(url->host(), u"127.0.0.1"_s);
    QVERIFY(url->port() > 0);
    QCOMPARE(url->path(), u"/stream"_s);
}

void tst_DemoServer::initTestCase()
{
    // 127.0.0.1 must be reached directly, whatever the machine's proxy settings are.
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    startServer(&m_server, {}, &m_streamUrl);
}

void tst_DemoServer::cleanupTestCase()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    // Everything above, early disconnects included, must have left it running.
    const bool survived = m_server.state() == QProcess::Running;
    m_server.kill();
    m_server.waitForFinished(5000);
    QVERIFY2(survived, "the demo server died during the tests");
}

void tst_DemoServer::eventsOfSeveralTypesWithIds()
{
    SseClient client(m_streamUrl);
    Recorder rec(&client);
    client.open();
    // 17 events a second, a heartbeat every 2 s.
    QTRY_VERIFY_WITH_TIMEOUT(rec.events.size() >= 40 && rec.hasComment(u"heartbeat"_s), Timeout);
    client.close();

    QVERIFY2(rec.idProblem(1).isEmpty(), qPrintable(rec.idProblem(1)));
    QSet<QString> types;
    for (const SseEvent &e : std::as_const(rec.events)) {
        types.insert(e.type());
        if (e.type() == u"tick"_s) {
            bool ok = false;
            QVERIFY(e.data().toInt(&ok) > 0 && ok);
        } else if (e.type() == u"price"_s) {
            const QJsonObject o = e.json().toObject();
            QVERIFY2(!o.value(u"symbol"_s).toString().isEmpty(), qPrintable(e.data()));
            QVERIFY(o.value(u"price"_s).toDouble() > 0);
            QCOMPARE(QString::number(o.value(u"seq"_s).toInteger()), e.lastEventId());
        } else if (e.type() == u"metric"_s) {
            QVERIFY2(e.json().toObject().contains(u"cpu"_s), qPrintable(e.data()));
        } else if (e.type() == u"log"_s) {
            QVERIFY2(e.data().contains(u'\n'), qPrintable(e.data())); // multi-line
        } else {
            QFAIL(qPrintable(u"unexpected type "_s + e.type()));
        }
    }
    QCOMPARE(types, (QSet<QString> {u"tick"_s, u"price"_s, u"metric"_s, u"log"_s}));
    QCOMPARE(client.lastEventId(), rec.events.constLast().lastEventId());
}

void tst_DemoServer::sendsRetry()
{
    for (const auto &[query, expected] :
         {std::pair(u""_s, 2000), std::pair(u"?retry=750"_s, 750)}) {
        SseClient client(url(u"/stream"_s + query));
        QCOMPARE(client.reconnectionTime(), 3000); // the client's default, before the server's
        QSignalSpy spy(&client, &SseClient::reconnectionTimeChanged);
        client.open();
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), Timeout);
        QCOMPARE(spy.first().first().toInt(), expected);
        QCOMPARE(client.reconnectionTime(), expected);
    }
}

void tst_DemoServer::resumesAfterLastEventId()
{
    // The reference: the same sequence from the start, fast (flood mode carries it too).
    SseClient reference(url(u"/stream?rate=5000&limit=60"_s));
    Recorder all(&reference);
    reference.open();
    QTRY_VERIFY_WITH_TIMEOUT(all.events.size() >= 60, Timeout);
    reference.close();

    SseClient client(m_streamUrl);
    client.setLastEventId(u"42"_s);
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.events.size() >= 10, Timeout);
    client.close();
    QCOMPARE(rec.events.first().lastEventId(), u"43"_s);
    QVERIFY2(rec.idProblem(43).isEmpty(), qPrintable(rec.idProblem(43)));
    QVERIFY(rec.hasComment(u"resuming after id 42"_s));
    for (qsizetype i = 0; i < 10; ++i) // event n is always the same
        QCOMPARE(rec.events.at(i), all.events.at(42 + i));
}

void tst_DemoServer::dropReconnectsWithoutGap()
{
    SseClient client(url(u"/stream?drop=1&retry=300"_s));
    client.setJitterEnabled(false);
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.eventsAtOpen.size() >= 2
                                     && rec.events.size() >= rec.eventsAtOpen.at(1) + 5,
                             Timeout);
    client.close();

    QVERIFY(rec.disconnects >= 1);
    QVERIFY(rec.hasComment(u"dropping the connection"_s));
    QCOMPARE(rec.retryDelays.first(), 300); // the server's retry:
    const qsizetype before = rec.eventsAtOpen.at(1);
    QVERIFY(before > 5);
    // Resumed right after the last event seen (a fresh start would give id 1), and nothing
    // was lost or repeated across the reconnect.
    QCOMPARE(rec.events.at(before).lastEventId(), QString::number(before + 1));
    QVERIFY2(rec.idProblem(1).isEmpty(), qPrintable(rec.idProblem(1)));
}

void tst_DemoServer::failAnswers503WithRetryAfter()
{
    SseClient client(url(u"/stream?fail=100"_s));
    QSignalSpy scheduled(&client, &SseClient::reconnectScheduled);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(!scheduled.isEmpty(), Timeout);
    QCOMPARE(client.error(), SseClient::HttpStatusError);
    QCOMPARE(client.httpStatus(), 503);
    QVERIFY2(client.errorBody().contains("Simulated overload"), client.errorBody().constData());
    QCOMPARE(client.state(), SseClient::Reconnecting);
    QCOMPARE(scheduled.first().at(0).toInt(), 1); // attempt
    QCOMPARE(scheduled.first().at(1).toInt(), 1000); // Retry-After: 1, not the backoff
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 2, Timeout); // and again: fail=100 always fails
    client.close();
}

void tst_DemoServer::commandLineDefaults()
{
    QProcess other;
    QUrl otherUrl;
    startServer(&other, {u"--fail-percent"_s, u"100"_s, u"--drop-every"_s, u"1"_s}, &otherUrl);
    if (QTest::currentTestFailed())
        return;

    SseClient failing(otherUrl);
    QSignalSpy scheduled(&failing, &SseClient::reconnectScheduled);
    failing.open();
    QTRY_VERIFY_WITH_TIMEOUT(!scheduled.isEmpty(), Timeout);
    QCOMPARE(failing.httpStatus(), 503);
    failing.close();

    // A query option overrides the command line's default.
    SseClient dropped(otherUrl.resolved(QUrl(u"/stream?fail=0"_s)));
    Recorder rec(&dropped);
    dropped.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.disconnects >= 1, Timeout);
    dropped.close();
    QVERIFY(!rec.events.isEmpty());
    QVERIFY(rec.hasComment(u"drop=1"_s));

    other.kill();
    other.waitForFinished(5000);
}

void tst_DemoServer::floodRate()
{
    SseClient client(url(u"/stream?rate=20000&limit=5000"_s));
    Recorder rec(&client);
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(rec.events.size() >= 5000, Timeout);
    // limit= closes cleanly after exactly that many events; the client then reconnects.
    QTRY_VERIFY_WITH_TIMEOUT(rec.disconnects >= 1, Timeout);
    client.close();
    QCOMPARE(rec.events.size(), 5000);
    QVERIFY2(rec.idProblem(1).isEmpty(), qPrintable(rec.idProblem(1)));
    QVERIFY(rec.hasComment(u"limit reached"_s));
}

void tst_DemoServer::manyClientsAndEarlyDisconnects()
{
    // Clients that go away mid-stream, some of them flooded: the server must shrug it off.
    for (int i = 0; i < 10; ++i) {
        auto quitter = std::make_unique<SseClient>(url(u"/stream?rate=100000"_s));
        QSignalSpy received(quitter.get(), &SseClient::eventReceived);
        quitter->open();
        QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), Timeout);
    } // destroyed while open: the connection is aborted

    std::vector<std::unique_ptr<SseClient>> clients;
    std::vector<std::unique_ptr<Recorder>> recorders;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<SseClient>(url(u"/stream?limit=10"_s)));
        recorders.push_back(std::make_unique<Recorder>(clients.back().get()));
        clients.back()->open();
    }
    const auto allDone = [&] {
        for (const auto &rec : recorders) {
            if (rec->events.size() < 10)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(allDone(), Timeout);
    for (const auto &client : clients)
        client->close();
    for (const auto &rec : recorders)
        QVERIFY2(rec->idProblem(1).isEmpty(), qPrintable(rec->idProblem(1)));
    QCOMPARE(m_server.state(), QProcess::Running);
}

void tst_DemoServer::chatStreamsDeltasThenDone()
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

void tst_DemoServer::chatWithoutTokenIs401()
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

void tst_DemoServer::chatWithBadBodyIs400()
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

void tst_DemoServer::unknownPathIs404()
{
    SseClient client(url(u"/no/such/path"_s));
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Failed, Timeout);
    QCOMPARE(client.httpStatus(), 404);
}

QTEST_GUILESS_MAIN(tst_DemoServer)
#include "tst_demoserver.moc"
