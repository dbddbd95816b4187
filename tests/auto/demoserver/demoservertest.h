// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMOSERVERTEST_H
#define DEMOSERVERTEST_H

// What the sse-demo-server tests share: a Recorder of everything a client reports, and
// DemoServerTest, the base of each test class, which starts the server (DEMO_SERVER_PATH) in
// initTestCase() and checks in cleanupTestCase() that it survived the tests.
//
// The server is a separate process; every wait here drives this process's event loop
// (QTRY_*), so the clients make progress while we wait.

#include <QtSse/SseClient>

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>

constexpr int Timeout = 15000; // generous: the suite must pass on a loaded machine

// Everything a client reports, in order.
struct Recorder
{
    explicit Recorder(SseClient *client);
    bool hasComment(const QString &text) const;
    // Empty when the ids are first, first+1, first+2...; otherwise where they are not.
    QString idProblem(qint64 first) const;

    QList<SseEvent> events;
    QStringList comments;
    QList<qsizetype> eventsAtOpen; // events.size() at each opened()
    QList<int> retryDelays;
    int disconnects = 0;
    int closes = 0;
};

class DemoServerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

protected:
    static void startServer(QProcess *process, const QStringList &extraArguments, QUrl *url);
    QUrl url(const QString &pathAndQuery) const { return m_streamUrl.resolved(QUrl(pathAndQuery)); }
    static QByteArray chatBody(const QString &said);

    QProcess m_server;
    QUrl m_streamUrl;
};

#endif // DEMOSERVERTEST_H
