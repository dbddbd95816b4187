// SPDX-License-Identifier: BSD-3-Clause
// Every teardown order of a client, its worker thread, the thread's connection pool, the
// application's QNetworkAccessManager and the application itself: each runs in a process of its
// own (teardown_child), which must exit 0 with "ok" and, in the sanitizer build, without a report.
#include <QtCore/qprocess.h>
#include <QtTest/qtest.h>

class tst_Teardown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void order_data();
    void order();
};

void tst_Teardown::order_data()
{
    QTest::addColumn<QString>("mode");
    const char *modes[] = {
            "worker-deletelater", // QThread::finished -> deleteLater: the pool goes first
            "worker-ended-delete-from-main", // the thread and its pool ended; deleted afterwards
            "worker-delete-in-thread", // deleted in its thread, then the thread ends
            "client-before-pool-on-finished", // deleted on finished, before the pool goes
            "app-quits-in-flight", // open, connecting, waiting for a slot, reconnecting
            "client-outlives-app", // destroyed after QCoreApplication
            "user-manager-first", // the application's manager destroyed before the client
    };
    for (const char *mode : modes)
        QTest::newRow(mode) << QString::fromLatin1(mode);
}

void tst_Teardown::order()
{
    QFETCH(QString, mode);
    QProcess child;
    child.start(QStringLiteral(TEARDOWN_CHILD), {mode});
    QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
    // Generous: each mode ends in well under a second unless something hangs.
    QVERIFY2(child.waitForFinished(120000), "the child hung");
    const QByteArray out = child.readAllStandardOutput();
    const QByteArray err = child.readAllStandardError();
    const QByteArray report = "exit " + QByteArray::number(child.exitCode()) + ", "
            + (child.exitStatus() == QProcess::CrashExit ? "crashed" : "exited") + "\n--- stdout\n"
            + out + "--- stderr\n" + err;
    QVERIFY2(child.exitStatus() == QProcess::NormalExit, report.constData());
    QVERIFY2(child.exitCode() == 0, report.constData());
    QVERIFY2(out.trimmed() == "ok", report.constData());
    QVERIFY2(!err.contains("Sanitizer"), report.constData());
}

QTEST_GUILESS_MAIN(tst_Teardown)
#include "tst_teardown.moc"
