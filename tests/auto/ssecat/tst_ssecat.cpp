// SPDX-License-Identifier: BSD-3-Clause
// Runs the real ssecat binary (SSECAT_PATH) with QProcess against the in-process SseTestServer
// and checks the contract of its usage text (examples/ssecat/options.cpp) from the outside.
//
// The server lives in this thread: every wait drives the event loop (QTRY_*, SseCat::finish()),
// never QProcess::waitForFinished(), which would starve the server.
#include "ssetestserver.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qtemporaryfile.h>
#include <QtTest/qtest.h>

#include <signal.h>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using Header = QPair<QByteArray, QByteArray>;
using Env = QHash<QString, QString>;

Q_DECLARE_METATYPE(SseTestServer::Response)

static constexpr int Timeout = 15000; // generous: the suite must pass on a loaded machine

// An SSE response with chunked framing, as HTTP/1.1 servers send it. Close-delimited bodies have
// a test of their own (closeDelimitedStreamEnd): Qt 6.4's QNetworkAccessManager may re-send the
// request by itself when such a body ends, which would disturb the request counts elsewhere.
static Response stream()
{
    return Response::sse().chunked();
}

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
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // 127.0.0.1 must be reached directly, whatever the machine's proxy settings are.
        for (const QString &name : {u"http_proxy"_s, u"https_proxy"_s, u"all_proxy"_s,
                                    u"HTTP_PROXY"_s, u"HTTPS_PROXY"_s, u"ALL_PROXY"_s})
            env.remove(name);
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

// The keys of a flat JSON object line, in order of appearance.
static QList<QByteArray> keysInOrder(const QByteArray &line)
{
    QList<QByteArray> keys;
    bool inString = false;
    bool escaped = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line.at(i);
        if (!inString) {
            if (c == '"') {
                inString = true;
                start = i + 1;
            }
        } else if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            inString = false;
            if (i + 1 < line.size() && line.at(i + 1) == ':')
                keys.append(line.mid(start, i - start));
        }
    }
    return keys;
}

// Checks stdout against the line format (complete lines, each one JSON object with exactly the
// keys type, data, id in that order, all strings) and returns the events.
static bool parseEvents(const QByteArray &out, QList<Event> *events, QByteArray *why)
{
    events->clear();
    if (out.isEmpty())
        return true;
    if (!out.endsWith('\n')) {
        *why = "stdout does not end with a complete line: " + out.right(200);
        return false;
    }
    const QList<QByteArray> lines = out.first(out.size() - 1).split('\n');
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            *why = "not a JSON object (" + error.errorString().toUtf8() + "): " + line;
            return false;
        }
        const QJsonObject o = doc.object();
        const QList<QByteArray> keys = keysInOrder(line);
        if (o.size() != 3 || keys != QList<QByteArray> {"type", "data", "id"}) {
            *why = "expected exactly the keys type, data, id in that order: " + line;
            return false;
        }
        for (const QJsonValue &v : o) {
            if (!v.isString()) {
                *why = "a value is not a string: " + line;
                return false;
            }
        }
        events->append({o.value("type"_L1).toString(), o.value("data"_L1).toString(),
                        o.value("id"_L1).toString()});
    }
    return true;
}

#define PARSE_EVENTS(cat, events) \
  do { \
    QByteArray why_; \
    QVERIFY2(parseEvents((cat).out, &(events), &why_), \
             QByteArray(why_ + "\n" + (cat).describe()).constData()); \
  } while (false)

static QStringList datas(const QList<Event> &events)
{
    QStringList list;
    for (const Event &e : events)
        list.append(e.data);
    return list;
}

static QStringList ids(const QList<Event> &events)
{
    QStringList list;
    for (const Event &e : events)
        list.append(e.id);
    return list;
}

static const QRegularExpression &statsLine()
{
    static const QRegularExpression re(
            u"^events=(\\d+) bytes=(\\d+) seconds=(\\d+(?:\\.\\d+)?)$"_s);
    return re;
}

class tst_SseCat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void outputFormat_data();
    void outputFormat();
    void lastEventId_data();
    void lastEventId();
    void maxEvents_data();
    void maxEvents();
    void maxTime();
    void httpStatus_data();
    void httpStatus();
    void usageErrors_data();
    void usageErrors();
    void help_data();
    void help();
    void request_data();
    void request();
    void reconnect_data();
    void reconnect();
    void noReconnect_data();
    void noReconnect();
    void retryAnyMethod();
    void retriesExhausted_data();
    void retriesExhausted();
    void retryAfterFailure_data();
    void retryAfterFailure();
    void backoff();
    void networkErrorThenSuccess();
    void postFailureNotResent();
    void quiet_data();
    void quiet();
    void verbose_data();
    void verbose();
    void idleTimeout_data();
    void idleTimeout();
    void interrupt_data();
    void interrupt();
    void redirect_data();
    void redirect();
    void redirectReconnectsToOriginalUrl();
    void redirectCredentials_data();
    void redirectCredentials();
    void closeDelimitedStreamEnd();
};

void tst_SseCat::initTestCase()
{
    const QFileInfo binary(QStringLiteral(SSECAT_PATH));
    QVERIFY2(binary.isExecutable(), SSECAT_PATH);
}

// ---------------------------------------------------------------------------------------------
// stdout: one JSON object per event per line, exact bytes

void tst_SseCat::outputFormat_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("bytesPerWrite"); // 0: one write
    QTest::addColumn<QByteArray>("expected");

    const auto add = [](const char *name, const QByteArray &wire, const QByteArray &expected) {
        QTest::addRow("%s", name) << wire << 0 << expected;
        QTest::addRow("%s/bytewise", name) << wire << 1 << expected;
    };
    add("simple", "data: hello\n\n",
        R"({"type":"message","data":"hello","id":""})"
        "\n");
    add("event type", "event: ping\ndata: x\n\n",
        R"({"type":"ping","data":"x","id":""})"
        "\n");
    add("id", "id: 42\ndata: x\n\n",
        R"({"type":"message","data":"x","id":"42"})"
        "\n");
    add("two events", "data: 1\n\nevent: e\ndata: 2\n\n",
        R"({"type":"message","data":"1","id":""})"
        "\n"
        R"({"type":"e","data":"2","id":""})"
        "\n");
    add("empty data", "data\n\n",
        R"({"type":"message","data":"","id":""})"
        "\n");
    add("two data lines", "data: a\ndata: b\n\n",
        R"({"type":"message","data":"a\nb","id":""})"
        "\n");
    add("crlf and cr", "data: a\r\ndata: b\r\r",
        R"({"type":"message","data":"a\nb","id":""})"
        "\n");
    add("quote", "data: say \"hi\"\n\n",
        R"({"type":"message","data":"say \"hi\"","id":""})"
        "\n");
    add("backslash", "data: C:\\dir\\\n\n",
        R"({"type":"message","data":"C:\\dir\\","id":""})"
        "\n");
    add("tab", "data: a\tb\n\n",
        R"({"type":"message","data":"a\tb","id":""})"
        "\n");
    add("nul", "data: a\0b\n\n"_ba,
        R"({"type":"message","data":"a\u0000b","id":""})"
        "\n");
    add("control characters", "data: \x01-\x1f-\x7f\n\n",
        R"({"type":"message","data":"\u0001-\u001f-)"
        "\x7f"
        R"(","id":""})"
        "\n");
    add("backspace formfeed", "data: \b\f\n\n",
        R"({"type":"message","data":"\b\f","id":""})"
        "\n");
    add("special characters in type and id", "event: a\"b\nid: c\\d\tx\ndata: y\n\n",
        R"({"type":"a\"b","data":"y","id":"c\\d\tx"})"
        "\n");
    add("utf-8 passes through", "data: h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n\n",
        "{\"type\":\"message\",\"data\":\"h\xc3\xa9 \xe2\x82\xac "
        "\xf0\x9f\x98\x80\",\"id\":\"\"}\n");
    add("utf-8 in type and id", "event: \xc3\xa9\nid: \xe2\x82\xac\ndata: x\n\n",
        "{\"type\":\"\xc3\xa9\",\"data\":\"x\",\"id\":\"\xe2\x82\xac\"}\n");
    add("invalid byte",
        "data: a\xff"
        "b\n\n",
        "{\"type\":\"message\",\"data\":\"a\xef\xbf\xbd"
        "b\",\"id\":\"\"}\n");
    add("truncated sequence", "data: \xe2\x82x\n\n",
        "{\"type\":\"message\",\"data\":\"\xef\xbf\xbdx\",\"id\":\"\"}\n");
    add("encoded surrogate", "data: \xed\xa0\x80\n\n",
        "{\"type\":\"message\",\"data\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"id\":\"\"}\n");
    add("overlong", "data: \xc0\xaf\n\n",
        "{\"type\":\"message\",\"data\":\"\xef\xbf\xbd\xef\xbf\xbd\",\"id\":\"\"}\n");
    add("bom stripped",
        "\xef\xbb\xbf"
        "data: x\n\n",
        R"({"type":"message","data":"x","id":""})"
        "\n");
    // Only one BOM is stripped: the second one makes the field name "\uFEFFdata", ignored.
    add("second bom kept",
        "\xef\xbb\xbf\xef\xbb\xbf"
        "data: x\n\ndata: y\n\n",
        R"({"type":"message","data":"y","id":""})"
        "\n");
    // Not a BOM but a truncated sequence: one U+FFFD, which spoils the first line's field name.
    add("partial bom",
        "\xef\xbb"
        "data: a\n\ndata: b\n\n",
        R"({"type":"message","data":"b","id":""})"
        "\n");
    add("incomplete event at the end", "data: 1\n\ndata: 2",
        R"({"type":"message","data":"1","id":""})"
        "\n");
    add("empty event type is message", "event:\ndata: x\n\n",
        R"({"type":"message","data":"x","id":""})"
        "\n");
    add("event type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n",
        R"({"type":"a","data":"1","id":""})"
        "\n"
        R"({"type":"message","data":"2","id":""})"
        "\n");
    add("comments and unknown fields", ": c\nfoo: bar\ndata: x\n\n",
        R"({"type":"message","data":"x","id":""})"
        "\n");
}

void tst_SseCat::outputFormat()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, bytesPerWrite);
    QFETCH(QByteArray, expected);

    Server server;
    QVERIFY(server.listen());
    Response response = stream();
    if (bytesPerWrite > 0)
        response.sendSlowly(wire, bytesPerWrite, 2);
    else
        response.send(wire);
    server.enqueue(response.close());

    SseCat cat({u"--max-retries"_s, u"0"_s, server.url(u"/stream"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QCOMPARE(cat.out, expected);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(events.size(), expected.count('\n'));
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// id: persists across events; --last-event-id; an empty id: resets it

void tst_SseCat::lastEventId_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QStringList>("expectedIds");
    QTest::addColumn<QByteArray>("header"); // Last-Event-ID of the request; null: absent

    QTest::newRow("persists") << QStringList()
                              << "id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n"_ba
                              << QStringList {u"1"_s, u"1"_s, u"2"_s} << QByteArray();
    QTest::newRow("empty id: resets")
            << QStringList() << "id: 1\ndata: a\n\nid:\ndata: b\n\ndata: c\n\n"_ba
            << QStringList {u"1"_s, QString(), QString()} << QByteArray();
    QTest::newRow("bare id resets") << QStringList() << "id: 1\ndata: a\n\nid\ndata: b\n\n"_ba
                                    << QStringList {u"1"_s, QString()} << QByteArray();
    QTest::newRow("id without an event")
            << QStringList() << "id: 7\n\ndata: a\n\n"_ba << QStringList {u"7"_s} << QByteArray();
    QTest::newRow("id with NUL ignored")
            << QStringList() << "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n"_ba
            << QStringList {u"1"_s, u"1"_s} << QByteArray();
    QTest::newRow("--last-event-id") << QStringList {u"--last-event-id"_s, u"X"_s}
                                     << "data: a\n\nid: 5\ndata: b\n\ndata: c\n\n"_ba
                                     << QStringList {u"X"_s, u"5"_s, u"5"_s} << "X"_ba;
    QTest::newRow("--last-event-id=") << QStringList {u"--last-event-id=abc"_s} << "data: a\n\n"_ba
                                      << QStringList {u"abc"_s} << "abc"_ba;
    QTest::newRow("--last-event-id then empty id:")
            << QStringList {u"--last-event-id"_s, u"X"_s} << "data: a\n\nid:\ndata: b\n\n"_ba
            << QStringList {u"X"_s, QString()} << "X"_ba;
    QTest::newRow("--last-event-id empty")
            << QStringList {u"--last-event-id"_s, QString()} << "data: a\n\n"_ba
            << QStringList {QString()} << QByteArray();
}

void tst_SseCat::lastEventId()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, wire);
    QFETCH(QStringList, expectedIds);
    QFETCH(QByteArray, header);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send(wire).close());
    SseCat cat(args + QStringList {u"--max-retries"_s, u"0"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(ids(events), expectedIds);
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
    const Server::Request request = server.requests().at(0);
    QCOMPARE(request.hasHeader("Last-Event-ID"), !header.isNull());
    QCOMPARE(request.header("Last-Event-ID"), header);
}

// ---------------------------------------------------------------------------------------------
// --max-events N: exit 0 after exactly N lines

void tst_SseCat::maxEvents_data()
{
    QTest::addColumn<int>("maxEvents");
    QTest::addColumn<bool>("oneWrite");

    QTest::newRow("1 of 5, one write") << 1 << true;
    QTest::newRow("3 of 5, one write") << 3 << true;
    QTest::newRow("5 of 5, one write") << 5 << true;
    QTest::newRow("3 of 5, one write per event") << 3 << false;
}

void tst_SseCat::maxEvents()
{
    QFETCH(int, maxEvents);
    QFETCH(bool, oneWrite);

    Server server;
    QVERIFY(server.listen());
    Response response = stream();
    QByteArray all;
    QStringList expected;
    for (int i = 1; i <= 5; ++i) {
        const QByteArray event =
                "id: " + QByteArray::number(i) + "\ndata: " + QByteArray::number(i) + "\n\n";
        if (!oneWrite)
            response.send(event).pause(10);
        all += event;
        if (i <= maxEvents)
            expected.append(QString::number(i));
    }
    if (oneWrite)
        response.send(all);
    server.enqueue(response.holdOpen()); // only --max-events can end the run

    SseCat cat({u"--max-events"_s, QString::number(maxEvents), server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), expected);
    QCOMPARE(ids(events), expected);
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// --max-time SEC: exit 0 after SEC seconds, while the stream is still open

void tst_SseCat::maxTime()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("data: a\n\n").holdOpen());

    QElapsedTimer elapsed;
    elapsed.start();
    SseCat cat({u"--max-time"_s, u"0.5"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QVERIFY2(elapsed.elapsed() >= 450, QByteArray::number(elapsed.elapsed()).constData());
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"a"_s});
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// HTTP statuses and Content-Type

void tst_SseCat::httpStatus_data()
{
    QTest::addColumn<Response>("response");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("stderrMentions");
    QTest::addColumn<QByteArray>("expectedOut");

    QTest::newRow("204") << Response::status(204, {}, {}) << 0 << QByteArray() << QByteArray();
    QTest::newRow("404") << Response::status(404, "Not Found") << 1 << "404"_ba << QByteArray();
    QTest::newRow("401") << Response::status(401, "token expired") << 1 << "401"_ba << QByteArray();
    QTest::newRow("403") << Response::status(403, "no") << 1 << "403"_ba << QByteArray();
    QTest::newRow("400") << Response::status(400, "bad") << 1 << "400"_ba << QByteArray();
    QTest::newRow("410") << Response::status(410, "gone") << 1 << "410"_ba << QByteArray();
    QTest::newRow("501") << Response::status(501, "no") << 1 << "501"_ba << QByteArray();
    QTest::newRow("304") << Response::status(304, {}, {}) << 1 << "304"_ba << QByteArray();
    QTest::newRow("200 text/plain") << Response::status(200, "data: x\n\n", "text/plain") << 1
                                    << "text/plain"_ba << QByteArray();
    QTest::newRow("200 application/json") << Response::status(200, "{}", "application/json") << 1
                                          << "application/json"_ba << QByteArray();
    QTest::newRow("200 without Content-Type")
            << Response::status(200, "data: x\n\n", {}) << 1 << "Content-Type"_ba << QByteArray();
    QTest::newRow("200 any case, parameters")
            << stream().header("Content-Type", "Text/Event-Stream; charset=utf-8")
                       .send("data: x\n\n")
                       .holdOpen()
            << 0 << QByteArray()
            << R"({"type":"message","data":"x","id":""})"
               "\n"_ba;
}

void tst_SseCat::httpStatus()
{
    QFETCH(Response, response);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, stderrMentions);
    QFETCH(QByteArray, expectedOut);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(response);
    // No --max-retries: a 204 and a fatal answer must end the run by themselves.
    SseCat cat({u"--retry-delay"_s, u"50"_s, u"--max-events"_s, u"1"_s, server.url().toString()});
    QVERIFY2(cat.finish(), cat.describe().constData());
    QVERIFY2(cat.exitedWith(exitCode), cat.describe().constData());
    QCOMPARE(cat.out, expectedOut);
    if (!stderrMentions.isEmpty())
        QVERIFY2(cat.err.contains(stderrMentions), cat.describe().constData());
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// Usage errors: exit 2, nothing on stdout, no request

void tst_SseCat::usageErrors_data()
{
    QTest::addColumn<QStringList>("args"); // "URL" is replaced by the server's URL

    const QString url = u"URL"_s;
    QTest::newRow("no URL") << QStringList();
    QTest::newRow("options without URL") << QStringList {u"--max-events"_s, u"1"_s};
    QTest::newRow("two URLs") << QStringList {url, url};
    QTest::newRow("unknown option") << QStringList {u"--bogus"_s, url};
    QTest::newRow("unknown short option") << QStringList {u"-z"_s, url};
    QTest::newRow("--max-events abc") << QStringList {u"--max-events"_s, u"abc"_s, url};
    QTest::newRow("--max-events without value") << QStringList {url, u"--max-events"_s};
    QTest::newRow("--max-time abc") << QStringList {u"--max-time"_s, u"abc"_s, url};
    QTest::newRow("--max-time negative") << QStringList {u"--max-time"_s, u"-1"_s, url};
    QTest::newRow("--idle-timeout abc") << QStringList {u"--idle-timeout"_s, u"abc"_s, url};
    QTest::newRow("--retry-delay abc") << QStringList {u"--retry-delay"_s, u"abc"_s, url};
    QTest::newRow("--retry-max-delay abc") << QStringList {u"--retry-max-delay"_s, u"x"_s, url};
    QTest::newRow("--max-retries abc") << QStringList {u"--max-retries"_s, u"abc"_s, url};
    QTest::newRow("-H without colon") << QStringList {u"-H"_s, u"nocolon"_s, url};
    QTest::newRow("-H without name") << QStringList {u"-H"_s, u": value"_s, url};
    QTest::newRow("ftp URL") << QStringList {u"ftp://127.0.0.1/x"_s};
    QTest::newRow("file URL") << QStringList {u"file:///etc/hostname"_s};
    QTest::newRow("--cacert without certificates")
            << QStringList {u"--cacert"_s, u"/nonexistent/ca.pem"_s, url};
}

void tst_SseCat::usageErrors()
{
    QFETCH(QStringList, args);

    Server server;
    QVERIFY(server.listen());
    args.replaceInStrings(QRegularExpression(u"^URL$"_s), server.url().toString());
    SseCat cat(args);
    VERIFY_EXIT(cat, 2);
    QVERIFY2(cat.out.isEmpty(), cat.describe().constData());
    QVERIFY2(!cat.err.trimmed().isEmpty(), cat.describe().constData());
    QVERIFY2(server.requestCount() == 0, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// -h / --help: the usage on stdout, exit 0

void tst_SseCat::help_data()
{
    QTest::addColumn<QStringList>("args");

    QTest::newRow("-h") << QStringList {u"-h"_s};
    QTest::newRow("--help") << QStringList {u"--help"_s};
    QTest::newRow("--help with a URL") << QStringList {u"--help"_s, u"URL"_s};
    QTest::newRow("-h after a URL and options")
            << QStringList {u"URL"_s, u"--max-events"_s, u"1"_s, u"-h"_s};
}

void tst_SseCat::help()
{
    QFETCH(QStringList, args);

    Server server;
    QVERIFY(server.listen());
    args.replaceInStrings(QRegularExpression(u"^URL$"_s), server.url().toString());
    SseCat cat(args);
    VERIFY_EXIT(cat, 0);
    QVERIFY2(cat.out.startsWith("Usage: ssecat"), cat.describe().constData());
    QVERIFY2(cat.err.isEmpty(), cat.describe().constData());
    const QString usage = QString::fromUtf8(cat.out);
    const char *const options[] = {
            "-H",
            "--header",
            "-X",
            "--request",
            "-d",
            "--data",
            "--last-event-id",
            "--retry-delay",
            "--retry-max-delay",
            "--max-retries",
            "--retry-any-method",
            "--max-events",
            "--max-time",
            "--idle-timeout",
            "-q",
            "--quiet",
            "-v",
            "--verbose",
            "-k",
            "--insecure",
            "--cacert",
            "-h",
            "--help",
    };
    for (const char *option : options) {
        // As a word of its own: "-d" must not be found inside "--data".
        const QRegularExpression word(u"(?<![\\w-])"_s
                                      + QRegularExpression::escape(QLatin1StringView(option))
                                      + u"(?![\\w-])"_s);
        QVERIFY2(usage.contains(word), option);
    }
    QVERIFY2(server.requestCount() == 0, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// The request: method, body, headers

void tst_SseCat::request_data()
{
    QTest::addColumn<QStringList>("args"); // "@FILE" is replaced by a temporary file
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QList<Header>>("present");
    QTest::addColumn<QByteArrayList>("absent");

    const QByteArray fileBody = "line 1\nline 2\0\xff end\n"_ba;
    QTest::newRow("GET") << QStringList() << "GET"_ba << QByteArray()
                         << QList<Header> {{"Accept", "text/event-stream"},
                                           {"Cache-Control", "no-cache"}}
                         << QByteArrayList {"Last-Event-ID", "Content-Length"};
    QTest::newRow("-d") << QStringList {u"-d"_s, u"hello world"_s} << "POST"_ba
                        << "hello world"_ba
                        << QList<Header> {{"Accept", "text/event-stream"},
                                          {"Cache-Control", "no-cache"}}
                        << QByteArrayList {"Last-Event-ID"};
    QTest::newRow("--data with Content-Type")
            << QStringList {u"--data"_s, u"{\"q\":1}"_s, u"-H"_s,
                            u"Content-Type: application/json"_s}
            << "POST"_ba
            << "{\"q\":1}"_ba << QList<Header> {{"Content-Type", "application/json"}}
            << QByteArrayList();
    QTest::newRow("-d @FILE") << QStringList {u"-d"_s, u"@FILE"_s} << "POST"_ba << fileBody
                              << QList<Header>() << QByteArrayList();
    QTest::newRow("-X PUT -d x") << QStringList {u"-X"_s, u"PUT"_s, u"-d"_s, u"x"_s} << "PUT"_ba
                                 << "x"_ba << QList<Header>() << QByteArrayList();
    QTest::newRow("-d x -X PUT") << QStringList {u"-d"_s, u"x"_s, u"-X"_s, u"PUT"_s} << "PUT"_ba
                                 << "x"_ba << QList<Header>() << QByteArrayList();
    QTest::newRow("--request PATCH")
            << QStringList {u"--request"_s, u"PATCH"_s, u"--data"_s, u"p"_s} << "PATCH"_ba
            << "p"_ba << QList<Header>() << QByteArrayList();
    QTest::newRow("-H Authorization")
            << QStringList {u"-H"_s, u"Authorization: Bearer t"_s} << "GET"_ba << QByteArray()
            << QList<Header> {{"Authorization", "Bearer t"},
                              {"Accept", "text/event-stream"},
                              {"Cache-Control", "no-cache"}}
            << QByteArrayList {"Last-Event-ID"};
    QTest::newRow("-H repeated") << QStringList {u"-H"_s, u"X-A: 1"_s, u"--header"_s,
                                                 u"X-B: two words"_s}
                                 << "GET"_ba << QByteArray()
                                 << QList<Header> {{"X-A", "1"}, {"X-B", "two words"}}
                                 << QByteArrayList();
    QTest::newRow("--last-event-id")
            << QStringList {u"--last-event-id"_s, u"abc"_s} << "GET"_ba << QByteArray()
            << QList<Header> {{"Last-Event-ID", "abc"}} << QByteArrayList();
    QTest::newRow("--last-event-id non-ASCII: UTF-8")
            << QStringList {u"--last-event-id"_s, u"\u00e9\u20ac"_s} << "GET"_ba << QByteArray()
            << QList<Header> {{"Last-Event-ID", "\xc3\xa9\xe2\x82\xac"}} << QByteArrayList();
    QTest::newRow("--last-event-id empty")
            << QStringList {u"--last-event-id"_s, QString()} << "GET"_ba << QByteArray()
            << QList<Header>() << QByteArrayList {"Last-Event-ID"};
}

void tst_SseCat::request()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);
    QFETCH(QList<Header>, present);
    QFETCH(QByteArrayList, absent);

    QTemporaryFile file;
    if (args.contains(u"@FILE"_s)) {
        QVERIFY(file.open());
        file.write(body);
        file.close();
        args.replaceInStrings(u"@FILE"_s, u'@' + file.fileName());
    }
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("data: x\n\n").holdOpen());
    SseCat cat(args + QStringList {u"--max-events"_s, u"1"_s, server.url(u"/s?q=1"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
    const Server::Request request = server.requests().at(0);
    QCOMPARE(request.method, method);
    QCOMPARE(request.target, server.path("/s?q=1"));
    QCOMPARE(request.body, body);
    for (const Header &h : std::as_const(present)) {
        QVERIFY2(request.hasHeader(h.first), h.first.constData());
        QCOMPARE(request.header(h.first), h.second);
    }
    for (const QByteArray &name : std::as_const(absent))
        QVERIFY2(!request.hasHeader(name), name.constData());
}

// ---------------------------------------------------------------------------------------------
// Reconnect after an opened GET stream ended

void tst_SseCat::reconnect_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QByteArray>("second");
    QTest::addColumn<QStringList>("expected"); // "data/id" per event
    QTest::addColumn<QByteArray>("header"); // Last-Event-ID of the 2nd request; null: absent

    QTest::newRow("id carried") << QStringList() << "id: 1\ndata: a\n\n"_ba
                                << "data: b\n\n"_ba << QStringList {u"a/1"_s, u"b/1"_s} << "1"_ba;
    QTest::newRow("non-ASCII id sent as UTF-8")
            << QStringList() << "id: \xc3\xa9\xe2\x82\xac\ndata: a\n\n"_ba
            << "data: b\n\n"_ba << QStringList {u"a/\u00e9\u20ac"_s, u"b/\u00e9\u20ac"_s}
            << "\xc3\xa9\xe2\x82\xac"_ba;
    QTest::newRow("no id") << QStringList() << "data: a\n\n"_ba
                           << "data: b\n\n"_ba << QStringList {u"a/"_s, u"b/"_s} << QByteArray();
    QTest::newRow("id reset before the end")
            << QStringList() << "id: 1\ndata: a\n\nid\ndata: b\n\n"_ba
            << "data: c\n\n"_ba << QStringList {u"a/1"_s, u"b/"_s, u"c/"_s} << QByteArray();
    QTest::newRow("--last-event-id kept")
            << QStringList {u"--last-event-id"_s, u"X"_s} << "data: a\n\n"_ba
            << "data: b\n\n"_ba << QStringList {u"a/X"_s, u"b/X"_s} << "X"_ba;
    QTest::newRow("id without event at the end")
            << QStringList() << "data: a\n\nid: 9\n\n"_ba
            << "data: b\n\n"_ba << QStringList {u"a/"_s, u"b/9"_s} << "9"_ba;
    QTest::newRow("one BOM stripped per response")
            << QStringList()
            << "\xef\xbb\xbf"
               "data: a\n\n"_ba
            << "\xef\xbb\xbf"
               "data: b\n\n"_ba
            << QStringList {u"a/"_s, u"b/"_s} << QByteArray();
    QTest::newRow("incomplete event discarded")
            << QStringList() << "id: 1\ndata: a\n\nid: 2\ndata: partial"_ba
            << "data: b\n\n"_ba << QStringList {u"a/1"_s, u"b/1"_s} << "1"_ba;
    QTest::newRow("incomplete UTF-8 sequence discarded")
            << QStringList() << "data: a\n\ndata: \xe2\x82"_ba
            << "data: b\n\n"_ba << QStringList {u"a/"_s, u"b/"_s} << QByteArray();
}

void tst_SseCat::reconnect()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, second);
    QFETCH(QStringList, expected);
    QFETCH(QByteArray, header);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send(first).close());
    server.enqueue(stream().send(second).holdOpen());
    SseCat cat(args
               + QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s,
                              QString::number(expected.size()), server.url(u"/s"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QStringList got;
    for (const Event &e : std::as_const(events))
        got.append(e.data + u'/' + e.id);
    QCOMPARE(got, expected);
    QVERIFY2(server.requestCount() == 2, server.describe().constData());
    const Server::Request request = server.requests().at(1);
    QCOMPARE(request.method, "GET");
    QCOMPARE(request.target, server.path("/s"));
    QCOMPARE(request.hasHeader("Last-Event-ID"), !header.isNull());
    QCOMPARE(request.header("Last-Event-ID"), header);
    QCOMPARE(request.header("Accept"), "text/event-stream");
}

// ---------------------------------------------------------------------------------------------
// An opened stream ended and no further attempt is allowed: exit 0, one request

void tst_SseCat::noReconnect_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("method");

    QTest::newRow("--max-retries 0") << QStringList {u"--max-retries"_s, u"0"_s} << "GET"_ba;
    QTest::newRow("POST") << QStringList {u"-d"_s, u"x"_s} << "POST"_ba;
    QTest::newRow("POST with --max-retries 5")
            << QStringList {u"-d"_s, u"x"_s, u"--max-retries"_s, u"5"_s} << "POST"_ba;
    QTest::newRow("-X PUT") << QStringList {u"-X"_s, u"PUT"_s} << "PUT"_ba;
}

void tst_SseCat::noReconnect()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, method);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("id: 1\ndata: a\n\n").close());
    server.enqueue(stream().send("data: again\n\n").holdOpen());
    SseCat cat(args + QStringList {u"--retry-delay"_s, u"20"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"a"_s});
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
    QCOMPARE(server.requests().at(0).method, method);
}

void tst_SseCat::retryAnyMethod()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("id: 1\ndata: a\n\n").close());
    server.enqueue(stream().send("data: b\n\n").holdOpen());
    SseCat cat({u"-d"_s, u"body"_s, u"--retry-any-method"_s, u"--retry-delay"_s, u"50"_s,
                u"--max-events"_s, u"2"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"a"_s, u"b"_s}));
    QVERIFY2(server.requestCount() == 2, server.describe().constData());
    for (const Server::Request &request : server.requests()) {
        QCOMPARE(request.method, "POST");
        QCOMPARE(request.body, "body");
    }
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "1");
}

// ---------------------------------------------------------------------------------------------
// Retries exhausted: exit 1

void tst_SseCat::retriesExhausted_data()
{
    QTest::addColumn<bool>("refused"); // else the server answers `status` every time
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("maxRetries");

    QTest::newRow("connection refused, --max-retries 2") << true << 0 << 2;
    QTest::newRow("503, --max-retries 2") << false << 503 << 2;
    QTest::newRow("500, --max-retries 0") << false << 500 << 0;
    QTest::newRow("429, --max-retries 1") << false << 429 << 1;
}

void tst_SseCat::retriesExhausted()
{
    QFETCH(bool, refused);
    QFETCH(int, status);
    QFETCH(int, maxRetries);

    Server server;
    QVERIFY(server.listen());
    const QUrl url = server.url();
    if (refused)
        server.stopListening(); // the port is free now: connecting is refused
    else
        server.setHandler(
                [status](const Server::Request &) { return Response::status(status, "busy"); });
    SseCat cat({u"-v"_s, u"--max-retries"_s, QString::number(maxRetries), u"--retry-delay"_s,
                u"20"_s, url.toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.out.isEmpty(), cat.describe().constData());
    static const QRegularExpression givingUp(u"gave up|giving up"_s,
                                             QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(QString::fromUtf8(cat.err).contains(givingUp), cat.describe().constData());
    // -v announces each reconnect: maxRetries of them, i.e. maxRetries + 1 attempts.
    QCOMPARE(cat.err.count("reconnect attempt"), maxRetries);
    if (!refused) {
        QVERIFY2(server.requestCount() == maxRetries + 1, server.describe().constData());
        QVERIFY2(cat.err.contains(QByteArray::number(status)), cat.describe().constData());
    }
}

// ---------------------------------------------------------------------------------------------
// Failures followed by success

void tst_SseCat::retryAfterFailure_data()
{
    QTest::addColumn<QList<Response>>("responses");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("minGapMs"); // at least this long between the 1st and 2nd request

    const Response ok = stream().send("data: ok\n\n").holdOpen();
    for (const int status : {408, 429, 500, 502, 503, 504}) {
        QTest::addRow("%d then 200", status)
                << QList<Response> {Response::status(status, "busy"), ok} << QStringList()
                << QStringList {u"ok"_s} << 0;
    }
    QTest::newRow("429 Retry-After: 1")
            << QList<Response> {Response::status(429, "slow down").header("Retry-After", "1"), ok}
            << QStringList() << QStringList {u"ok"_s} << 950;
    // --max-retries 1: 503, then a stream (resets the count), then one reconnect is allowed.
    QTest::newRow("an opened stream resets the count")
            << QList<Response> {Response::status(503, "busy"), stream().send("data: a\n\n").close(),
                                stream().send("data: b\n\n").holdOpen()}
            << QStringList {u"--max-retries"_s, u"1"_s} << QStringList {u"a"_s, u"b"_s} << 0;
}

void tst_SseCat::retryAfterFailure()
{
    QFETCH(QList<Response>, responses);
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    QFETCH(int, minGapMs);

    Server server;
    QVERIFY(server.listen());
    for (const Response &r : std::as_const(responses))
        server.enqueue(r);
    SseCat cat(args
               + QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s,
                              QString::number(expected.size()), server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), expected);
    QVERIFY2(server.requestCount() == responses.size(), server.describe().constData());
    const QList<qint64> times = server.times();
    QVERIFY2(times.at(1) - times.at(0) >= minGapMs,
             QByteArray::number(times.at(1) - times.at(0)).constData());
}

// Consecutive failures back off exponentially up to --retry-max-delay, jitter up to 1.5x on top;
// an opened stream resets the delay. Read from -v's reconnect lines.
void tst_SseCat::backoff()
{
    Server server;
    QVERIFY(server.listen());
    for (int i = 0; i < 3; ++i)
        server.enqueue(Response::status(503, "busy"));
    server.enqueue(stream().send("data: a\n\n").close());
    server.enqueue(stream().send("data: b\n\n").holdOpen());
    SseCat cat({u"-v"_s, u"--retry-delay"_s, u"50"_s, u"--retry-max-delay"_s, u"120"_s,
                u"--max-events"_s, u"2"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"a"_s, u"b"_s}));
    QVERIFY2(server.requestCount() == 5, server.describe().constData());
    static const QRegularExpression delayRe(u"^.*reconnect.*attempt.*\\b(\\d+) ?ms$"_s,
                                            QRegularExpression::MultilineOption
                                                    | QRegularExpression::CaseInsensitiveOption);
    QList<int> delays;
    for (const QRegularExpressionMatch &m : delayRe.globalMatch(QString::fromUtf8(cat.err)))
        delays.append(m.captured(1).toInt());
    QCOMPARE(delays.size(), 4);
    const int bounds[4][2] = {{50, 75}, {100, 150}, {120, 180}, {50, 75}};
    for (int i = 0; i < 4; ++i) {
        QVERIFY2(delays.at(i) >= bounds[i][0] && delays.at(i) <= bounds[i][1],
                 qPrintable(u"delay %1: %2\n"_s.arg(i).arg(delays.at(i))
                            + QString::fromUtf8(cat.err)));
    }
}

// Connection refused (the server is down), then the server comes back on the same port.
void tst_SseCat::networkErrorThenSuccess()
{
    Server server;
    QVERIFY(server.listen());
    const QUrl url = server.url();
    const quint16 port = quint16(url.port());
    server.stopListening();
    server.enqueue(stream().send("data: back\n\n").holdOpen());
    SseCat cat({u"-v"_s, u"--retry-delay"_s, u"200"_s, u"--max-events"_s, u"1"_s, url.toString()});
    QTRY_VERIFY_WITH_TIMEOUT(cat.err.contains("reconnect attempt 1"), Timeout);
    QVERIFY2(server.listen(port), "could not listen on the same port again");
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"back"_s});
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// A non-GET request that failed with a retryable status is not re-sent: failed for good.
void tst_SseCat::postFailureNotResent()
{
    Server server;
    QVERIFY(server.listen());
    server.setHandler([](const Server::Request &) { return Response::status(503, "busy"); });
    SseCat cat({u"-d"_s, u"x"_s, u"--retry-delay"_s, u"20"_s, server.url().toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.out.isEmpty(), cat.describe().constData());
    QVERIFY2(cat.err.contains("503"), cat.describe().constData());
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

// ---------------------------------------------------------------------------------------------
// -q: no stdout; "events=N bytes=M seconds=S" as the last line of stderr

void tst_SseCat::quiet_data()
{
    QTest::addColumn<QList<Response>>("responses");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<Env>("env");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("bytes");

    const QStringList once {u"--max-retries"_s, u"0"_s};
    QTest::newRow("one event") << QList<Response> {stream().send("data: a\n\n")} << once << Env()
                               << 0 << 1 << 9;
    const QByteArray mixed = ": comment\ndata: a\n\nid: 1\ndata: b\n\ndata: partial";
    QTest::newRow("comment, events, partial") << QList<Response> {stream().send(mixed)} << once
                                              << Env() << 0 << 2 << int(mixed.size());
    const QByteArray three = "data: 1\n\ndata: 22\n\ndata: 333\n\n";
    QTest::newRow("slow chunks") << QList<Response> {stream().sendSlowly(three, 7, 5)} << once
                                 << Env() << 0 << 3 << int(three.size());
    QTest::newRow("across a reconnect")
            << QList<Response> {stream().send("data: a\n\n").close(),
                                stream().send("data: bb\n\n").holdOpen()}
            << QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s, u"2"_s} << Env() << 0
            << 2 << 19;
    QTest::newRow("no stream") << QList<Response> {Response::status(404, "Not Found")} << once
                               << Env() << 1 << 0 << 0;
    // The format must not depend on the locale (a decimal comma would break it). This row bites
    // where that locale exists (installed, or found through an inherited LOCPATH).
    QTest::newRow("decimal-comma locale") << QList<Response> {stream().send("data: a\n\n")} << once
                                          << Env {{u"LC_ALL"_s, u"de_DE.UTF-8"_s}} << 0 << 1 << 9;
}

void tst_SseCat::quiet()
{
    QFETCH(QList<Response>, responses);
    QFETCH(QStringList, args);
    QFETCH(Env, env);
    QFETCH(int, exitCode);
    QFETCH(int, events);
    QFETCH(int, bytes);

    Server server;
    QVERIFY(server.listen());
    for (const Response &r : std::as_const(responses))
        server.enqueue(r);
    QElapsedTimer elapsed;
    elapsed.start();
    SseCat cat(QStringList {u"-q"_s} + args + QStringList {server.url().toString()}, env);
    QVERIFY2(cat.finish(), cat.describe().constData());
    QVERIFY2(cat.exitedWith(exitCode), cat.describe().constData());
    const double wall = double(elapsed.elapsed()) / 1000.0;
    QVERIFY2(cat.out.isEmpty(), cat.describe().constData());
    const QList<QByteArray> lines = cat.errLines();
    QVERIFY2(!lines.isEmpty(), cat.describe().constData());
    const QRegularExpressionMatch m = statsLine().match(QString::fromUtf8(lines.last()));
    QVERIFY2(m.hasMatch(), cat.describe().constData());
    QCOMPARE(m.captured(1).toInt(), events);
    QCOMPARE(m.captured(2).toInt(), bytes);
    QVERIFY2(m.captured(3).toDouble() <= wall + 0.01, cat.describe().constData());
    if (exitCode == 0)
        QCOMPARE(lines.size(), 1); // nothing else on a success
}

// ---------------------------------------------------------------------------------------------
// -v: state changes and reconnect delays on stderr

void tst_SseCat::verbose_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<int>("minDelay");
    QTest::addColumn<int>("maxDelay");

    // After an opened stream: the reconnection time, lengthened by jitter up to 1.5x.
    QTest::newRow("--retry-delay 50") << "data: a\n\n"_ba << 50 << 75;
    QTest::newRow("server retry: 120") << "retry: 120\ndata: a\n\n"_ba << 120 << 180;
}

void tst_SseCat::verbose()
{
    QFETCH(QByteArray, first);
    QFETCH(int, minDelay);
    QFETCH(int, maxDelay);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send(first).close());
    server.enqueue(stream().send("data: b\n\n").holdOpen());
    SseCat cat({u"-v"_s, u"--retry-delay"_s, u"50"_s, u"--max-events"_s, u"2"_s,
                server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"a"_s, u"b"_s}));
    const QString err = QString::fromUtf8(cat.err);
    for (const QString &state : {u"Connecting"_s, u"Open"_s, u"Reconnecting"_s})
        QVERIFY2(err.contains(state), qPrintable(state + u'\n' + err));
    // The line announcing the reconnect attempt ends with its delay in ms.
    static const QRegularExpression delayRe(u"^.*reconnect.*attempt.*\\b(\\d+) ?ms$"_s,
                                            QRegularExpression::MultilineOption
                                                    | QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = delayRe.match(err);
    QVERIFY2(m.hasMatch(), qPrintable(err));
    const int delay = m.captured(1).toInt();
    QVERIFY2(delay >= minDelay && delay <= maxDelay, qPrintable(err));
}

// ---------------------------------------------------------------------------------------------
// --idle-timeout SEC: silence = the stream ended

void tst_SseCat::idleTimeout_data()
{
    QTest::addColumn<QList<Response>>("responses");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("requests");

    QTest::newRow("silent stream reconnected")
            << QList<Response> {stream().send("id: 1\ndata: a\n\n").holdOpen(),
                                stream().send("data: b\n\n").holdOpen()}
            << QStringList {u"--idle-timeout"_s, u"0.3"_s, u"--retry-delay"_s, u"50"_s,
                            u"--max-events"_s,   u"2"_s}
            << QStringList {u"a"_s, u"b"_s} << 2;
    QTest::newRow("silent stream, --max-retries 0")
            << QList<Response> {stream().send("data: a\n\n").holdOpen(),
                                stream().send("data: b\n\n").holdOpen()}
            << QStringList {u"--idle-timeout"_s, u"0.3"_s, u"--max-retries"_s, u"0"_s}
            << QStringList {u"a"_s} << 1;
    Response keptAlive = stream().send("data: a\n\n");
    for (int i = 0; i < 16; ++i)
        keptAlive.pause(50).send(": keep-alive\n");
    QTest::newRow("comments keep it alive")
            << QList<Response> {keptAlive.send("data: b\n\n").holdOpen(),
                                stream().send("data: c\n\n").holdOpen()}
            << QStringList {u"--idle-timeout"_s, u"0.5"_s, u"--retry-delay"_s, u"50"_s,
                            u"--max-events"_s,   u"2"_s}
            << QStringList {u"a"_s, u"b"_s} << 1;
}

void tst_SseCat::idleTimeout()
{
    QFETCH(QList<Response>, responses);
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    QFETCH(int, requests);

    Server server;
    QVERIFY(server.listen());
    for (const Response &r : std::as_const(responses))
        server.enqueue(r);
    SseCat cat(args + QStringList {server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), expected);
    QVERIFY2(server.requestCount() == requests, server.describe().constData());
    if (requests > 1)
        QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "1");
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C: exit 130 promptly, after a clean shutdown (no torn line)

void tst_SseCat::interrupt_data()
{
    QTest::addColumn<QString>("mode");

    QTest::newRow("streaming") << u"streaming"_s;
    QTest::newRow("streaming, -q") << u"quiet"_s;
    QTest::newRow("waiting to reconnect") << u"reconnecting"_s;
}

void tst_SseCat::interrupt()
{
    QFETCH(QString, mode);
    const bool quiet = mode == u"quiet"_s;
    const bool reconnecting = mode == u"reconnecting"_s;

    Server server;
    QVERIFY(server.listen());
    const QByteArray payload(1000, 'x');
    if (reconnecting) {
        server.setHandler([](const Server::Request &) { return Response::status(503); });
    } else {
        Response body = stream();
        for (int i = 0; i < 1000; ++i)
            body.send("id: " + QByteArray::number(i) + "\ndata: " + payload + "\n\n").pause(5);
        server.enqueue(body.holdOpen());
    }

    QStringList args {server.url().toString()};
    if (quiet)
        args.prepend(u"-q"_s);
    if (reconnecting)
        args = QStringList {u"-v"_s, u"--retry-delay"_s, u"60000"_s} + args;
    SseCat cat(args);
    if (quiet) // events are flowing once the server wrote some
        QTRY_VERIFY_WITH_TIMEOUT(server.requestCount() == 1
                                         && server.writes(server.requests().at(0).connection).size()
                                                 >= 10,
                                 Timeout);
    else if (reconnecting)
        QTRY_VERIFY_WITH_TIMEOUT(cat.err.contains("reconnect attempt"), Timeout);
    else
        QTRY_VERIFY_WITH_TIMEOUT(cat.out.count('\n') >= 3, Timeout);
    QCOMPARE(cat.proc.state(), QProcess::Running);
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    QCOMPARE(::kill(pid_t(cat.proc.processId()), SIGINT), 0);
    QVERIFY2(cat.finish(), cat.describe().right(2000).constData());
    QVERIFY2(sinceSignal.elapsed() < 5000, QByteArray::number(sinceSignal.elapsed()).constData());
    QCOMPARE(cat.proc.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cat.proc.exitCode(), 130);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    if (quiet) {
        QVERIFY(cat.out.isEmpty());
        const QList<QByteArray> lines = cat.errLines();
        QVERIFY2(!lines.isEmpty(), cat.describe().constData());
        const QRegularExpressionMatch m = statsLine().match(QString::fromUtf8(lines.last()));
        QVERIFY2(m.hasMatch(), cat.describe().constData());
    } else if (reconnecting) {
        QVERIFY(cat.out.isEmpty());
        QVERIFY2(server.requestCount() == 1, server.describe().constData());
    } else {
        QVERIFY(events.size() >= 3);
        for (qsizetype i = 0; i < events.size(); ++i) {
            QCOMPARE(events.at(i).id, QString::number(i));
            QCOMPARE(events.at(i).data, QString::fromLatin1(payload));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Redirects

void tst_SseCat::redirect_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("method"); // of the redirected request
    QTest::addColumn<QByteArray>("body");

    const QStringList post {u"-d"_s, u"x"_s};
    QTest::newRow("301 GET") << 301 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("302 GET") << 302 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("303 GET") << 303 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("307 GET") << 307 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("308 GET") << 308 << QStringList() << "GET"_ba << QByteArray();
    QTest::newRow("303 POST becomes GET") << 303 << post << "GET"_ba << QByteArray();
    QTest::newRow("302 POST stays POST") << 302 << post << "POST"_ba
                                         << "x"_ba;
    QTest::newRow("307 POST stays POST") << 307 << post << "POST"_ba
                                         << "x"_ba;
    QTest::newRow("308 POST stays POST") << 308 << post << "POST"_ba
                                         << "x"_ba;
}

void tst_SseCat::redirect()
{
    QFETCH(int, status);
    QFETCH(QStringList, args);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, body);

    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(status, server.path("/other")));
    server.enqueue(stream().send("data: redirected\n\n").holdOpen());
    SseCat cat(args + QStringList {u"--max-events"_s, u"1"_s, server.url(u"/start"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"redirected"_s});
    QVERIFY2(server.requestCount() == 2, server.describe().constData());
    const Server::Request request = server.requests().at(1);
    QCOMPARE(request.target, server.path("/other"));
    QCOMPARE(request.method, method);
    QCOMPARE(request.body, body);
    QCOMPARE(request.header("Accept"), "text/event-stream");
}

void tst_SseCat::redirectReconnectsToOriginalUrl()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(302, server.url(u"/b"_s).toEncoded()));
    server.enqueue(stream().send("id: 1\ndata: 1\n\n").close());
    server.enqueue(stream().send("data: 2\n\n").holdOpen());
    SseCat cat({u"--last-event-id"_s, u"X"_s, u"--retry-delay"_s, u"50"_s, u"--max-events"_s,
                u"2"_s, server.url(u"/a"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), (QStringList {u"1"_s, u"2"_s}));
    // Last-Event-ID on every request, the redirected one too.
    QCOMPARE(server.requests().at(0).header("Last-Event-ID"), "X");
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "X");
    QVERIFY2(server.requestCount() == 3, server.describe().constData());
    QCOMPARE(server.requests().at(0).target, server.path("/a"));
    QCOMPARE(server.requests().at(1).target, server.path("/b"));
    QCOMPARE(server.requests().at(2).target, server.path("/a"));
    QCOMPARE(server.requests().at(2).header("Last-Event-ID"), "1");
}

void tst_SseCat::redirectCredentials_data()
{
    QTest::addColumn<bool>("crossOrigin");

    QTest::newRow("same origin") << false;
    QTest::newRow("other origin") << true;
}

void tst_SseCat::redirectCredentials()
{
    QFETCH(bool, crossOrigin);

    Server first;
    Server second;
    QVERIFY(first.listen());
    QVERIFY(second.listen());
    Server &target = crossOrigin ? second : first;
    first.enqueue(Response::redirect(302, target.url(u"/s"_s).toEncoded()));
    target.enqueue(stream().send("data: x\n\n").holdOpen());
    SseCat cat({u"-H"_s, u"Authorization: Bearer t"_s, u"-H"_s, u"Cookie: c=1"_s, u"-H"_s,
                u"X-Keep: 1"_s, u"--max-events"_s, u"1"_s, first.url(u"/a"_s).toString()});
    VERIFY_EXIT(cat, 0);
    QCOMPARE(first.requests().at(0).header("Authorization"), "Bearer t");
    QCOMPARE(first.requests().at(0).header("Cookie"), "c=1");
    const QList<Server::Request> requests = target.requests();
    QCOMPARE(requests.size(), crossOrigin ? 1 : 2);
    const Server::Request &redirected = requests.last();
    QCOMPARE(redirected.target, target.path("/s"));
    QCOMPARE(redirected.header("X-Keep"), "1");
    QCOMPARE(redirected.hasHeader("Authorization"), !crossOrigin);
    QCOMPARE(redirected.hasHeader("Cookie"), !crossOrigin);
}

// A close-delimited body (no Content-Length, no chunking, the end of the stream is the end of the
// connection), as HTTP/1.0-style servers send it. ssecat's own behaviour is exact: the event, exit
// 0, no reconnect with --max-retries 0. The request count is not: Qt 6.4.2's QNetworkAccessManager
// re-sends a body-less request by itself, on a new connection, in a good share of the runs where
// the response head and the first body bytes arrive together and the server then closes
// (reproduced with a bare QNetworkAccessManager, without QtSse); the reply itself finishes
// normally and the re-sent request's answer is dropped. Shown as XFAIL when it happens.
void tst_SseCat::closeDelimitedStreamEnd()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse().send("id: 1\ndata: a\n\n").close());
    server.setHandler([](const Server::Request &) { return Response::status(503, "phantom"); });
    SseCat cat({u"--max-retries"_s, u"0"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"a"_s});
    if (server.requestCount() == 2 && server.requests().at(1).hasHeader("Last-Event-ID") == false) {
        QEXPECT_FAIL("",
                     "Qt 6.4 QNetworkAccessManager re-sent a request whose close-delimited "
                     "response had ended (not ssecat: no Last-Event-ID, and --max-retries 0)",
                     Continue);
    }
    QVERIFY2(server.requestCount() == 1, server.describe().constData());
}

QTEST_GUILESS_MAIN(tst_SseCat)
#include "tst_ssecat.moc"
