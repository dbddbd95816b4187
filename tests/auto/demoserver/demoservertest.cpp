// SPDX-License-Identifier: BSD-3-Clause
#include "demoservertest.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtNetwork/qnetworkproxy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

Recorder::Recorder(SseClient *client)
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

bool Recorder::hasComment(const QString &text) const
{
    for (const QString &c : comments) {
        if (c.contains(text))
            return true;
    }
    return false;
}

QString Recorder::idProblem(qint64 first) const
{
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events.at(i).lastEventId() != QString::number(first + i))
            return u"event %1 has id \"%2\", expected %3"_s.arg(i)
                    .arg(events.at(i).lastEventId())
                    .arg(first + i);
    }
    return {};
}

QByteArray DemoServerTest::chatBody(const QString &said)
{
    const QJsonObject body {
            {u"model"_s, u"demo-model"_s},
            {u"messages"_s,
             QJsonArray {QJsonObject {{u"role"_s, u"user"_s}, {u"content"_s, said}}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void DemoServerTest::startServer(QProcess *process, const QStringList &extraArguments, QUrl *url)
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

void DemoServerTest::initTestCase()
{
    // 127.0.0.1 must be reached directly, whatever the machine's proxy settings are.
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    startServer(&m_server, {}, &m_streamUrl);
}

void DemoServerTest::cleanupTestCase()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    // Everything above, early disconnects included, must have left it running.
    const bool survived = m_server.state() == QProcess::Running;
    m_server.kill();
    m_server.waitForFinished(5000);
    QVERIFY2(survived, "the demo server died during the tests");
}
