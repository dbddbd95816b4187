// SPDX-License-Identifier: BSD-3-Clause
// ssecat as a Unix tool: a reader that goes away (`ssecat URL | head -2`) ends it at once and
// quietly with 141; one line on stderr per reconnect, unless -s or -q; `-d @-` reads the body from
// stdin; --connect-timeout bounds an attempt that gets no response; -i and -v show heads with
// the secrets masked; --state-file resumes a second run where the first stopped.
#include "ssecattest.h"

#include <QtCore/qtemporarydir.h>

class tst_SseCatUnix : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void stdoutClosed_data();
    void stdoutClosed();
    void stdoutClosedStateFile();
    void reconnectLines_data();
    void reconnectLines();
    void bodyFromStdin();
    void connectTimeout_data();
    void connectTimeout();
    void headersShown_data();
    void headersShown();
    void stateFileResumesAcrossRuns();
    void eventTooLargeShowsWhatCame();
};

void tst_SseCatUnix::stdoutClosed_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("plain") << QStringList();
    QTest::newRow("verbose") << QStringList {u"-v"_s};
}

// As `ssecat URL | head -2` in a shell: head takes two lines and exits; ssecat must follow at
// the next event (curl -N does the same), quietly, with the status the contract names.
void tst_SseCatUnix::stdoutClosed()
{
    QFETCH(QStringList, args);
    Server server;
    QVERIFY(server.listen());
    Response r = stream().send("data: 1\n\ndata: 2\n\n");
    for (int i = 3; i < 400; ++i) // 10 s: far longer than the reader stays
        r.pause(25).send("data: " + QByteArray::number(i) + "\n\n");
    server.enqueue(r.close());
    // A real pipe to a reader that exits (QProcess::closeReadChannel() would only stop reading).
    QProcess shell;
    shell.setProcessEnvironment(directEnvironment()); // 127.0.0.1 directly
    shell.start(u"bash"_s,
                QStringList {u"-c"_s,
                             u"\"$0\" \"$@\" | head -2; echo \"status=${PIPESTATUS[0]}\" >&2"_s,
                             QStringLiteral(SSECAT_PATH)}
                        + args + QStringList {server.url().toString()});
    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_VERIFY_WITH_TIMEOUT(shell.state() == QProcess::NotRunning, Timeout);
    const QByteArray out = shell.readAllStandardOutput();
    const QByteArray err = shell.readAllStandardError();
    const QByteArray describe = "--- stdout:\n" + out + "--- stderr:\n" + err;
    QCOMPARE(out.count('\n'), 2);
    QVERIFY2(err.endsWith("status=141\n"), describe.constData());
    // Promptly: at the next event (25 ms apart), not at the end of the stream (10 s away).
    QVERIFY2(elapsed.elapsed() < 5000, qPrintable(QString::number(elapsed.elapsed())));
    // Quietly: nothing but what -v asks for (states, the request's and response's heads).
    const bool verbose = args.contains(u"-v"_s);
    for (const QByteArray &line : err.split('\n')) {
        const bool asked = verbose
                && (line.startsWith("ssecat: state ") || line.startsWith("> ")
                    || line.startsWith("< "));
        QVERIFY2(line.isEmpty() || line.startsWith("status=") || asked, describe.constData());
    }
    QCOMPARE(server.requestCount(), 1);
}

// The reader took two events and left: the state file names the second, so that the next run
// resumes with the third (which never reached anyone), however stdout's buffer was flushed.
void tst_SseCatUnix::stdoutClosedStateFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString state = dir.filePath(u"state"_s);
    Server server;
    QVERIFY(server.listen());
    // Event 3 comes 2 s later: by then head has exited (were it still reading, event 3 would
    // reach the pipe and rightly count as written).
    Response r = stream().send("id: 1\ndata: 1\n\nid: 2\ndata: 2\n\n").pause(2000);
    for (int i = 3; i < 400; ++i)
        r.pause(25).send("id: " + QByteArray::number(i) + "\ndata: " + QByteArray::number(i)
                         + "\n\n");
    server.enqueue(r.close());
    QProcess shell;
    shell.setProcessEnvironment(directEnvironment());
    shell.start(u"bash"_s,
                QStringList {u"-c"_s,
                             u"\"$0\" \"$@\" | head -2; echo \"status=${PIPESTATUS[0]}\" >&2"_s,
                             QStringLiteral(SSECAT_PATH), u"--state-file"_s, state,
                             server.url().toString()});
    QTRY_VERIFY_WITH_TIMEOUT(shell.state() == QProcess::NotRunning, Timeout);
    const QByteArray out = shell.readAllStandardOutput();
    const QByteArray err = shell.readAllStandardError();
    QCOMPARE(out.count('\n'), 2);
    QVERIFY2(err.endsWith("status=141\n"), err.constData());
    QFile file(state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("2\n"));
}

void tst_SseCatUnix::reconnectLines_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected"); // a regular expression for each reconnect's line
    QTest::addColumn<int>("lines");
    QTest::addColumn<int>("exitCode");
    const QStringList base {u"--retry-delay"_s, u"50"_s, u"--max-retries"_s, u"2"_s};
    const QString refused =
            u"^ssecat: connection refused, retrying in 0\\.\\d s \\(attempt [12]\\)$"_s;
    QTest::newRow("closed port") << u"closed"_s << base << refused << 2 << 1;
    QTest::newRow("closed port, -s")
            << u"closed"_s << base + QStringList {u"-s"_s} << QString() << 0 << 1;
    QTest::newRow("closed port, -q")
            << u"closed"_s << base + QStringList {u"-q"_s} << QString() << 0 << 1;
    QTest::newRow("503") << u"503"_s << base
                         << u"^ssecat: HTTP 503 Service Unavailable: busy, retrying in 0\\.\\d s "
                            "\\(attempt [12]\\)$"_s
                         << 2 << 1;
    QTest::newRow("ended stream")
            << u"ended"_s << QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s, u"3"_s}
            << u"^ssecat: the stream ended, reconnecting in 0\\.\\d s \\(attempt 1\\)$"_s << 2 << 0;
    QTest::newRow("ended stream, --silent")
            << u"ended"_s
            << QStringList {u"--retry-delay"_s, u"50"_s, u"--max-events"_s, u"3"_s, u"--silent"_s}
            << QString() << 0 << 0;
}

void tst_SseCatUnix::reconnectLines()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    QFETCH(int, lines);
    QFETCH(int, exitCode);
    Server server;
    QVERIFY(server.listen());
    const QUrl url = server.url();
    if (scenario == u"closed") {
        server.stopListening();
    } else if (scenario == u"503") {
        server.setHandler([](const Server::Request &) { return Response::status(503, "busy"); });
    } else {
        server.setHandler(
                [](const Server::Request &) { return stream().send("data: x\n\n").close(); });
    }
    SseCat cat(args + QStringList {url.toString()});
    QVERIFY2(cat.finish(), cat.describe().constData());
    QVERIFY2(cat.exitedWith(exitCode), cat.describe().constData());
    QList<QByteArray> reconnects;
    for (const QByteArray &line : cat.errLines()) {
        if (line.contains("retrying in") || line.contains("reconnecting in"))
            reconnects.append(line);
    }
    QVERIFY2(reconnects.size() == lines, cat.describe().constData());
    const QRegularExpression re(expected);
    for (const QByteArray &line : std::as_const(reconnects))
        QVERIFY2(re.match(QString::fromUtf8(line)).hasMatch(), cat.describe().constData());
    if (exitCode == 1) { // and the failure for good, always said (before -q's statistics)
        bool said = false;
        for (const QByteArray &line : cat.errLines())
            said = said || line.startsWith("ssecat: Gave up after 3 attempt(s) in a row: ");
        QVERIFY2(said, cat.describe().constData());
    }
}

void tst_SseCatUnix::bodyFromStdin()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(stream().send("data: ok\n\n").close());
    const QByteArray body = R"({"messages":[{"role":"user","content":"from stdin"}]})"
                            "\n";
    SseCat cat({u"-d"_s, u"@-"_s, u"-H"_s, u"Content-Type: application/json"_s, u"--max-events"_s,
                u"1"_s, server.url().toString()});
    QVERIFY(cat.proc.waitForStarted(Timeout));
    cat.proc.write(body);
    cat.proc.closeWriteChannel();
    VERIFY_EXIT(cat, 0);
    QCOMPARE(server.requestCount(), 1);
    const Server::Request request = server.requests().constFirst();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.body, body);
}

void tst_SseCatUnix::connectTimeout_data()
{
    QTest::addColumn<QString>("seconds");
    QTest::addColumn<int>("minMs"); // the attempt's failure comes no earlier
    QTest::newRow("0.3") << u"0.3"_s << 300;
    QTest::newRow("1") << u"1"_s << 1000;
}

// A server that accepts and never answers: each attempt fails after --connect-timeout, is said
// on stderr, and --max-retries ends the run.
void tst_SseCatUnix::connectTimeout()
{
    QFETCH(QString, seconds);
    QFETCH(int, minMs);
    Server server;
    QVERIFY(server.listen());
    server.setHandler([](const Server::Request &) { return Response::silent(); });
    QElapsedTimer elapsed;
    elapsed.start();
    SseCat cat({u"--connect-timeout"_s, seconds, u"--retry-delay"_s, u"50"_s, u"--max-retries"_s,
                u"1"_s, server.url().toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(elapsed.elapsed() >= 2 * minMs, qPrintable(QString::number(elapsed.elapsed())));
    const QByteArray said = "No response within " + QByteArray::number(minMs) + " ms";
    QVERIFY2(cat.err.contains(QByteArray("no response within " + QByteArray::number(minMs)
                                         + " ms, retrying")),
             cat.describe().constData());
    QVERIFY2(cat.errLines().last().contains(said), cat.describe().constData());
    QCOMPARE(server.requestCount(), 2);
}

void tst_SseCatUnix::headersShown_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<bool>("requestShown");
    QTest::newRow("-i") << u"-i"_s << false;
    QTest::newRow("--include") << u"--include"_s << false;
    QTest::newRow("-v") << u"-v"_s << true;
}

// -i: each response's status and headers on stderr, stdout untouched; -v adds the requests'.
// Secrets never appear: not the bearer token, an API key, a cookie, nor the URL's password.
void tst_SseCatUnix::headersShown()
{
    QFETCH(QString, option);
    QFETCH(bool, requestShown);
    Server server;
    QVERIFY(server.listen());
    server.enqueue(Response::redirect(307, server.url(u"/there"_s).toEncoded()));
    server.enqueue(stream().header("X-Request-Id", "r-1")
                           .header("Set-Cookie", "session=cookie-secret")
                           .send("data: a\n\n")
                           .close());
    QUrl url = server.url();
    url.setUserName(u"user"_s);
    url.setPassword(u"url-secret"_s);
    SseCat cat({option, u"-H"_s, u"Authorization: Bearer token-secret"_s, u"-H"_s,
                u"X-Api-Key: key-secret"_s, u"--max-retries"_s, u"0"_s, url.toString()});
    VERIFY_EXIT(cat, 0);
    QList<Event> events;
    PARSE_EVENTS(cat, events); // stdout stays JSON lines
    QCOMPARE(datas(events), QStringList {u"a"_s});
    const QList<QByteArray> lines = cat.errLines();
    for (const QByteArray &expected :
         {QByteArray("< HTTP 307"), QByteArray("< HTTP 200"), QByteArray("< X-Request-Id: r-1"),
          QByteArray("< Set-Cookie: ****"), QByteArray("< Content-Type: text/event-stream")}) {
        QVERIFY2(lines.contains(expected),
                 QByteArray(expected + '\n' + cat.describe()).constData());
    }
    // The 307's head comes before the 200's, each response's lines together.
    QVERIFY(lines.indexOf("< HTTP 307") < lines.indexOf("< HTTP 200"));
    const QByteArray maskedUrl = "> http://user:****@127.0.0.1:" + QByteArray::number(url.port());
    bool urlShown = false;
    for (const QByteArray &line : lines)
        urlShown = urlShown || line.startsWith(maskedUrl);
    QCOMPARE(urlShown, requestShown);
    QCOMPARE(lines.contains("> Authorization: Bearer ****"), requestShown);
    QCOMPARE(lines.contains("> X-Api-Key: ****"), requestShown);
    QCOMPARE(lines.contains("> Accept: text/event-stream"), requestShown);
    QVERIFY2(!cat.err.contains("secret"), cat.describe().constData());
    // What the server got was not masked.
    QCOMPARE(server.requestCount(), 2);
    bool tokenSent = false;
    for (const auto &[name, value] : server.requests().constFirst().headers)
        tokenSent = tokenSent || value == "Bearer token-secret";
    QVERIFY(tokenSent);
}

// Two processes, one after the other: the second resumes where the first stopped.
void tst_SseCatUnix::stateFileResumesAcrossRuns()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString state = dir.filePath(u"prices.state"_s);
    Server server;
    QVERIFY(server.listen());
    server.enqueue(
            stream().send("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n").holdOpen());
    server.enqueue(stream().send("id: 4\ndata: d\n\n").holdOpen());
    {
        // No file yet: --last-event-id applies; three events, then exit.
        SseCat first({u"--state-file"_s, state, u"--last-event-id"_s, u"0"_s, u"--max-events"_s,
                      u"3"_s, server.url().toString()});
        VERIFY_EXIT(first, 0);
    }
    QFile file(state);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("3\n"));
    file.close();
    SseCat second({u"--state-file"_s, state, u"--last-event-id"_s, u"0"_s, u"--max-events"_s,
                   u"1"_s, server.url().toString()});
    VERIFY_EXIT(second, 0);
    QList<Event> events;
    PARSE_EVENTS(second, events);
    QCOMPARE(datas(events), QStringList {u"d"_s});
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(0).header("Last-Event-ID"), "0");
    QCOMPARE(server.requests().at(1).header("Last-Event-ID"), "3"); // the file won
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("4\n"));
}

// --max-event-size, and -v showing what the stream said before an event too large (escaped).
void tst_SseCatUnix::eventTooLargeShowsWhatCame()
{
    Server server;
    QVERIFY(server.listen());
    server.enqueue(
            stream().send("data: small\r\n\ndata: " + QByteArray(100, 'x') + "\n\n").holdOpen());
    SseCat cat({u"-v"_s, u"--max-event-size"_s, u"32"_s, u"--max-retries"_s, u"0"_s,
                server.url().toString()});
    VERIFY_EXIT(cat, 1);
    QList<Event> events;
    PARSE_EVENTS(cat, events);
    QCOMPARE(datas(events), QStringList {u"small"_s});
    QVERIFY2(cat.err.contains("error EventTooLargeError"), cat.describe().constData());
    QVERIFY2(cat.err.contains("ssecat: the last "), cat.describe().constData());
    QVERIFY2(cat.err.contains("bytes received: \"data: small\\r\\n\\ndata: xxx"),
             cat.describe().constData());
}

QTEST_MAIN(tst_SseCatUnix)
#include "tst_ssecat_unix.moc"
