// SPDX-License-Identifier: BSD-3-Clause
// Every QML program the project ships starts in this set-up: each QML module it imports at run
// time is installed (scripts/packages.txt) and its window loads without a QML error. Run as a
// user runs them: the real binaries, as processes, on the offscreen platform.
#include "directenvironment.h"

#include <QtCore/qprocess.h>
#include <QtNetwork/qtcpserver.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

class tst_QmlPrograms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void starts_data();
    void starts();
};

// A local URL nobody answers: the programs connect somewhere, never outside this machine.
static QString closedLocalUrl()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return u"http://127.0.0.1:9/stream"_s;
    return u"http://127.0.0.1:%1/stream"_s.arg(server.serverPort()); // closed when we return
}

void tst_QmlPrograms::starts_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("quitsByItself"); // else it must still run after the load
    const QString url = closedLocalUrl();
    QTest::newRow("ssemonitor") << QStringLiteral(SSEMONITOR_PATH)
                                << QStringList {u"--quit-after"_s, u"1500"_s, url} << true;
    QTest::newRow("quick-ticker") << QStringLiteral(QUICKTICKER_PATH) << QStringList {url} << false;
    // --demo: it starts sse-demo-server itself, and stops it when it quits.
    QTest::newRow("llm-chat") << QStringLiteral(LLMCHAT_PATH)
                              << QStringList {u"--demo"_s, u"--quit-after"_s, u"1500"_s} << true;
}

void tst_QmlPrograms::starts()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(bool, quitsByItself);
    QProcess process;
    QProcessEnvironment env = directEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(program, arguments);
    QVERIFY2(process.waitForStarted(20000), qPrintable(process.errorString()));
    if (quitsByItself) {
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 60000);
    } else {
        // A QML error ends it at once (exit 1): still running a while after the start, it
        // loaded (a watch for what does not happen, not a synchronisation).
        QTest::qWait(4000);
        QVERIFY2(process.state() == QProcess::Running, process.readAllStandardError().constData());
        process.terminate();
        QVERIFY(process.waitForFinished(20000));
    }
    const QByteArray err = process.readAllStandardError();
    if (quitsByItself) {
        QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                 err.constData());
    }
    for (const char *sign : {"is not installed", "failed to load component",
                             "Component is not ready", "module \"", "Cannot assign"}) {
        QVERIFY2(!err.contains(sign), err.constData());
    }
}

QTEST_MAIN(tst_QmlPrograms)
#include "tst_qmlprograms.moc"
