// SPDX-License-Identifier: BSD-3-Clause
// ssecat's reports on stderr: -q statistics, -v state changes and delays, and Ctrl-C (exit 130
// after a clean shutdown).
#include "ssecattest.h"

#include <signal.h>
#include <sys/types.h>

class tst_SseCatReporting : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void quiet_data();
    void quiet();
    void verbose_data();
    void verbose();
    void interrupt_data();
    void interrupt();
};

// ---------------------------------------------------------------------------------------------
// -q: no stdout; "events=N bytes=M seconds=S" as the last line of stderr

void tst_SseCatReporting::quiet_data()
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

void tst_SseCatReporting::quiet()
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

void tst_SseCatReporting::verbose_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<int>("minDelay");
    QTest::addColumn<int>("maxDelay");

    // After an opened stream: the reconnection time, lengthened by jitter up to 1.5x.
    QTest::newRow("--retry-delay 50") << "data: a\n\n"_ba << 50 << 75;
    QTest::newRow("server retry: 120") << "retry: 120\ndata: a\n\n"_ba << 120 << 180;
}

void tst_SseCatReporting::verbose()
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
// Ctrl-C: exit 130 promptly, after a clean shutdown (no torn line)

void tst_SseCatReporting::interrupt_data()
{
    QTest::addColumn<QString>("mode");

    QTest::newRow("streaming") << u"streaming"_s;
    QTest::newRow("streaming, -q") << u"quiet"_s;
    QTest::newRow("waiting to reconnect") << u"reconnecting"_s;
}

void tst_SseCatReporting::interrupt()
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

QTEST_GUILESS_MAIN(tst_SseCatReporting)
#include "tst_ssecat_reporting.moc"
