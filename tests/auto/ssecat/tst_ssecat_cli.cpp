// SPDX-License-Identifier: BSD-3-Clause
// ssecat's command line: usage errors, -h/--help, and the request that the options make
// (method, body, headers).
#include "ssecattest.h"

#include <QtCore/qtemporaryfile.h>

class tst_SseCatCli : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void usageErrors_data();
    void usageErrors();
    void help_data();
    void help();
    void request_data();
    void request();
};

// ---------------------------------------------------------------------------------------------
// Usage errors: exit 2, nothing on stdout, no request

void tst_SseCatCli::usageErrors_data()
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
    QTest::newRow("--max-event-size 0") << QStringList {u"--max-event-size"_s, u"0"_s, url};
    QTest::newRow("--connect-timeout abc") << QStringList {u"--connect-timeout"_s, u"abc"_s, url};
    QTest::newRow("--connect-timeout negative")
            << QStringList {u"--connect-timeout"_s, u"-2"_s, url};
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

void tst_SseCatCli::usageErrors()
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

void tst_SseCatCli::help_data()
{
    QTest::addColumn<QStringList>("args");

    QTest::newRow("-h") << QStringList {u"-h"_s};
    QTest::newRow("--help") << QStringList {u"--help"_s};
    QTest::newRow("--help with a URL") << QStringList {u"--help"_s, u"URL"_s};
    QTest::newRow("-h after a URL and options")
            << QStringList {u"URL"_s, u"--max-events"_s, u"1"_s, u"-h"_s};
}

void tst_SseCatCli::help()
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
            "--state-file",
            "--retry-delay",
            "--retry-max-delay",
            "--max-retries",
            "--retry-any-method",
            "--max-events",
            "--max-time",
            "--idle-timeout",
            "--connect-timeout",
            "--max-event-size",
            "-q",
            "--quiet",
            "-s",
            "--silent",
            "-i",
            "--include",
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

void tst_SseCatCli::request_data()
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

void tst_SseCatCli::request()
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

QTEST_GUILESS_MAIN(tst_SseCatCli)
#include "tst_ssecat_cli.moc"
