// SPDX-License-Identifier: BSD-3-Clause
// Exactly once through cuts: SseClient -> FaultProxy -> nginx + nchan. Messages 1..N (numbered,
// with multi-byte UTF-8, some of two lines) are published while the proxy cuts the client's
// connection at random byte offsets (inside events, inside UTF-8 sequences, inside the HTTP
// head) at least C times. The client must deliver 1..N exactly once, in order, each event's
// data exactly as published and its id the one nchan gave it: no partial event, no loss, no
// duplicate. The resume relies on Last-Event-ID: nchan keeps 50,000 messages per channel
// (NginxFixture), more than N, so it can always resume exactly.
//
// Size from the environment: QTSSE_EXACTLY_ONCE_MESSAGES (default 10000),
// QTSSE_EXACTLY_ONCE_CUTS (default 100; scripts/exactly-once.sh runs 1000) and
// QTSSE_EXACTLY_ONCE_SEED (the proxy's seed: the cut offsets of each connection).
#include "nginxfixture.h"
#include "sequencerun.h"

#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;

static qint64 fromEnvironment(const char *name, qint64 fallback)
{
    bool ok = false;
    const qint64 value = qEnvironmentVariable(name).toLongLong(&ok);
    return ok && value >= 0 ? value : fallback;
}

class tst_ExactlyOnce : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void throughCuts_data();
    void throughCuts();

private:
    std::unique_ptr<NginxFixture> nginx;
};

void tst_ExactlyOnce::initTestCase()
{
    NGINX_FIXTURE_SKIP_IF_UNAVAILABLE();
    nginx = std::make_unique<NginxFixture>();
    QVERIFY2(nginx->start(), qPrintable(nginx->errorString()));
}

void tst_ExactlyOnce::cleanupTestCase()
{
    if (nginx)
        QVERIFY2(nginx->stop(), qPrintable(nginx->errorString()));
}

void tst_ExactlyOnce::throughCuts_data()
{
    QTest::addColumn<bool>("reset");
    QTest::newRow("FIN cuts") << false;
    QTest::newRow("RST cuts") << true;
}

void tst_ExactlyOnce::throughCuts()
{
    QFETCH(bool, reset);
    SequenceRun::Config config;
    config.messages = fromEnvironment("QTSSE_EXACTLY_ONCE_MESSAGES", 10000);
    config.cuts = int(fromEnvironment("QTSSE_EXACTLY_ONCE_CUTS", 100));
    config.seed = quint64(fromEnvironment("QTSSE_EXACTLY_ONCE_SEED", 20261126)) + (reset ? 1 : 0);
    config.resetCuts = reset;
    QVERIFY2(config.messages <= 50000, "nchan keeps 50,000 messages per channel (NginxFixture)");

    SequenceRun run(nginx.get(), config);
    const SequenceRun::Result result = run.run();
    qInfo().noquote() << "exactly-once:" << result.summary();
    qInfo().noquote() << u"exactly-once figures: messages %1, cuts %2, reconnects %3, lost %4, "
                         "duplicated %5, corrupt %6, time %7 s"_s.arg(result.delivered)
                                 .arg(result.clientCuts())
                                 .arg(result.opened - 1)
                                 .arg(result.lost)
                                 .arg(result.duplicated)
                                 .arg(result.corrupt)
                                 .arg(result.elapsedMs / 1000.0, 0, 'f', 1);
    // nginx logs a subscriber request when it ends (all have: the proxy closed them). More than
    // the client's attempts: Qt 6.4's QNAM re-sends a GET by itself after some cuts (see README).
    const qsizetype subscriberRequests =
            nginx->accessLog().count(u"GET /sub/"_s + run.channel() + u' ');
    qInfo().noquote() << u"nginx saw %1 subscriber requests for %2 client attempts"_s
                                 .arg(subscriberRequests)
                                 .arg(result.opened + result.failedAttempts);
    for (const QString &anomaly : result.anomalies)
        qWarning().noquote() << anomaly;
    if (!result.problem.isEmpty())
        qWarning().noquote() << nginx->errorLog();
    QVERIFY2(result.problem.isEmpty(), qPrintable(result.problem));
    QCOMPARE(result.published, config.messages);
    QCOMPARE(result.delivered, config.messages);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.corrupt, 0); // no partial event, no wrong id
    QCOMPARE(result.events, config.messages);
    QVERIFY2(result.clientCuts() >= config.cuts, qPrintable(result.summary()));
    QVERIFY(result.proxyCuts >= result.clientCuts()); // every drop was the proxy's doing
}

QTEST_GUILESS_MAIN(tst_ExactlyOnce)
#include "tst_exactlyonce.moc"
