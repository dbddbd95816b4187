// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECATTEST_H
#define SSECATTEST_H

// What the ssecat tests share. They run the real ssecat binary (SSECAT_PATH) with QProcess
// against the in-process SseTestServer and check the contract of its usage text
// (examples/ssecat/options.cpp) from the outside.
//
// The server lives in this thread: every wait drives the event loop (QTRY_*, SseCat::finish()),
// never QProcess::waitForFinished(), which would starve the server.
#include "directenvironment.h"
#include "ssetestserver.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qprocess.h>
#include <QtCore/qregularexpression.h>
#include <QtTest/qtest.h>

#include <functional>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using Header = QPair<QByteArray, QByteArray>;
using Env = QHash<QString, QString>;

constexpr int Timeout = 15000; // generous: the suite must pass on a loaded machine

// An SSE response with chunked framing, as HTTP/1.1 servers send it. Close-delimited bodies have
// a test of their own (closeDelimitedStreamEnd): Qt 6.4's QNetworkAccessManager may re-send the
// request by itself when such a body ends, which would disturb the request counts elsewhere.
Response stream();

// SseTestServer, answering only this process's requests: while the suite runs, a test process
// elsewhere on the machine may still be retrying against a port that the kernel has since given
// to one of our servers. Every URL of ours starts with a prefix unique to this server; other
// requests get a 404 and are neither recorded nor served from the queue.
class Server
{
public:
    using Request = SseTestServer::Request;

    Server()
        : m_prefix("/ssecat-" + QByteArray::number(QCoreApplication::applicationPid()) + '-'
                   + QByteArray::number(++s_count))
    {
        m_clock.start();
        m_server.setHandler([this](const Request &request) {
            if (!request.target.startsWith(QByteArray(m_prefix + '/'))) {
                qWarning("ignoring a request from another process: %s %s",
                         request.method.constData(), request.target.constData());
                return Response::status(404, "Not Found");
            }
            m_requests.append(request);
            m_times.append(m_clock.elapsed());
            if (!m_queue.isEmpty())
                return m_queue.takeFirst();
            if (m_handler)
                return m_handler(request);
            return Response::status(404, "Not Found");
        });
    }
    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void stopListening() { m_server.stopListening(); }
    QByteArray path(const QByteArray &path = "/") const { return m_prefix + path; }
    QUrl url(const QString &path = u"/"_s) const
    {
        return m_server.url(QString::fromLatin1(m_prefix) + path);
    }
    void enqueue(const Response &response) { m_queue.append(response); }
    void setHandler(std::function<Response(const Request &)> handler)
    {
        m_handler = std::move(handler);
    }
    QList<Request> requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }
    QList<qint64> times() const { return m_times; } // ms since construction, per request
    QByteArray describe() const // the requests, for failure messages
    {
        QByteArray text;
        for (qsizetype i = 0; i < m_requests.size(); ++i) {
            const Request &r = m_requests.at(i);
            text += "request " + QByteArray::number(i) + " at " + QByteArray::number(m_times.at(i))
                    + " ms on connection " + QByteArray::number(r.connection) + ": " + r.method
                    + ' ' + r.target + '\n';
            for (const auto &h : r.headers)
                text += "  " + h.first + ": " + h.second + '\n';
            if (!r.body.isEmpty())
                text += "  body: " + r.body + '\n';
        }
        return text;
    }
    QList<QByteArray> writes(int connection) const { return m_server.writes(connection); }

private:
    static inline int s_count = 0;
    SseTestServer m_server;
    const QByteArray m_prefix;
    QList<Response> m_queue;
    std::function<Response(const Request &)> m_handler;
    QList<Request> m_requests;
    QList<qint64> m_times;
    QElapsedTimer m_clock;
};

// One run of ssecat. stdout and stderr are collected as they arrive.
class SseCat
{
public:
    explicit SseCat(const QStringList &arguments, const Env &extraEnv = {})
    {
        QProcessEnvironment env = directEnvironment(); // 127.0.0.1 directly
        for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
            env.insert(it.key(), it.value());
        proc.setProcessEnvironment(env);
        QObject::connect(&proc, &QProcess::readyReadStandardOutput, &proc,
                         [this] { out += proc.readAllStandardOutput(); });
        QObject::connect(&proc, &QProcess::readyReadStandardError, &proc,
                         [this] { err += proc.readAllStandardError(); });
        proc.start(QStringLiteral(SSECAT_PATH), arguments);
    }
    ~SseCat()
    {
        if (proc.state() != QProcess::NotRunning) {
            proc.kill();
            proc.waitForFinished(5000); // killed: nothing to serve any more
        }
    }
    // Waits for the process to end, running the event loop meanwhile. False on a timeout (the
    // process is then killed).
    bool finish(int timeout = Timeout)
    {
        QDeadlineTimer deadline(timeout);
        while (proc.state() != QProcess::NotRunning && !deadline.hasExpired())
            QTest::qWait(5);
        if (proc.state() != QProcess::NotRunning) {
            proc.kill();
            proc.waitForFinished(5000);
            collect();
            return false;
        }
        collect();
        return true;
    }
    bool exitedWith(int code) const
    {
        return proc.exitStatus() == QProcess::NormalExit && proc.exitCode() == code;
    }
    QByteArray describe() const
    {
        return "exit status " + QByteArray::number(int(proc.exitStatus())) + ", code "
                + QByteArray::number(proc.exitCode()) + "\n--- stdout:\n" + out + "\n--- stderr:\n"
                + err;
    }
    QList<QByteArray> errLines() const
    {
        QList<QByteArray> lines = err.split('\n');
        if (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast();
        return lines;
    }

    QProcess proc;
    QByteArray out;
    QByteArray err;

private:
    void collect()
    {
        out += proc.readAllStandardOutput();
        err += proc.readAllStandardError();
    }
};

// Runs it to the end and checks the exit code; on failure shows stdout and stderr.
#define VERIFY_EXIT(cat, code) \
  do { \
    QVERIFY2((cat).finish(), \
             QByteArray("ssecat did not finish in time\n" + (cat).describe()).constData()); \
    QVERIFY2((cat).exitedWith(code), \
             QByteArray("expected exit code " #code "\n" + (cat).describe()).constData()); \
  } while (false)

struct Event
{
    QString type, data, id;
};

// Checks stdout against the line format (complete lines, each one JSON object with exactly the
// keys type, data, id in that order, all strings) and returns the events.
bool parseEvents(const QByteArray &out, QList<Event> *events, QByteArray *why);

#define PARSE_EVENTS(cat, events) \
  do { \
    QByteArray why_; \
    QVERIFY2(parseEvents((cat).out, &(events), &why_), \
             QByteArray(why_ + "\n" + (cat).describe()).constData()); \
  } while (false)

QStringList datas(const QList<Event> &events);
QStringList ids(const QList<Event> &events);
// The -q statistics line: "events=N bytes=M seconds=S".
const QRegularExpression &statsLine();

// The base of each test class: initTestCase() checks that the binary is there.
class SseCatTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
};

#endif // SSECATTEST_H
