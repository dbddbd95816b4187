// SPDX-License-Identifier: BSD-3-Clause
// SseReachability::system(): one per process, its network from QNetworkInformation (a backend
// picked by feature; none is "unknown", never "offline"), loopback hosts never waiting for it,
// and its application state from QGuiApplication's applicationStateChanged().
#include "sseclienttest.h"

#include <QtSse/SseReachability>

#include <QtGui/qguiapplication.h>
#include <QtNetwork/qnetworkinformation.h>
#include <QtNetwork/qnetworkinterface.h>

class tst_SseReachabilitySystem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneFollowingQt();
    void loopbackNeverWaits_data();
    void loopbackNeverWaits();
    void applicationState_data();
    void applicationState();
};

void tst_SseReachabilitySystem::oneFollowingQt()
{
    SseReachability *system = SseReachability::system();
    QVERIFY(system);
    QCOMPARE(SseReachability::system(), system);
    QVERIFY(system->isSystem());
    QCOMPARE(system->thread(), QCoreApplication::instance()->thread());
    // QNetworkInformation is loaded from the event loop (its feed is the source's child).
    QTRY_VERIFY_WITH_TIMEOUT(!system->children().isEmpty(), Timeout);
    QVERIFY(!SseReachability().isSystem());
    SseClient client;
    QCOMPARE(client.reachability(), system); // the default
    QVERIFY(client.isNetworkAware());

    SseReachability::Network expected = SseReachability::NetworkUnknown;
    const QNetworkInformation *info = QNetworkInformation::instance();
    if (info && info->supports(QNetworkInformation::Feature::Reachability)) {
        qInfo() << "backend" << info->backendName() << info->reachability();
        switch (info->reachability()) {
        case QNetworkInformation::Reachability::Unknown:
            break;
        case QNetworkInformation::Reachability::Disconnected: {
            // Offline only without any interface but loopback up with an address.
            bool local = false;
            for (const QNetworkInterface &i : QNetworkInterface::allInterfaces()) {
                const auto flags = i.flags();
                local = local
                        || (!(flags & QNetworkInterface::IsLoopBack)
                            && (flags & QNetworkInterface::IsUp)
                            && (flags & QNetworkInterface::IsRunning)
                            && !i.addressEntries().isEmpty());
            }
            expected = local ? SseReachability::NetworkUnknown : SseReachability::NetworkOffline;
            break;
        }
        default:
            expected = SseReachability::NetworkOnline;
        }
    } else {
        qInfo() << "no backend with reachability among" << QNetworkInformation::availableBackends();
    }
    QCOMPARE(system->network(), expected);
}

void tst_SseReachabilitySystem::loopbackNeverWaits_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("127.0.0.1") << u"127.0.0.1"_s;
    QTest::newRow("localhost") << u"localhost"_s;
}

// The system's news is about the way out of the machine: a loopback server is there anyway.
void tst_SseReachabilitySystem::loopbackNeverWaits()
{
    QFETCH(QString, host);
    SseReachability *system = SseReachability::system();
    const SseReachability::Network real = system->network();
    const auto restore = qScopeGuard([&] { system->setNetwork(real); });
    system->setNetwork(SseReachability::NetworkOffline);
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) { return Response::sse().chunked().holdOpen(); });
    QUrl url = f.client.url();
    url.setHost(host);
    f.client.setUrl(url);
    f.client.open();
    TRY_COMPARE(f.openedSpy.size(), 1);
    QVERIFY(!f.client.isWaitingForNetwork());
    f.client.close();
}

void tst_SseReachabilitySystem::applicationState_data()
{
    QTest::addColumn<Qt::ApplicationState>("state");
    QTest::addColumn<bool>("pauses");
    QTest::newRow("suspended") << Qt::ApplicationSuspended << true;
    QTest::newRow("hidden") << Qt::ApplicationHidden << true;
    QTest::newRow("inactive (a desktop window without focus)") << Qt::ApplicationInactive << false;
}

void tst_SseReachabilitySystem::applicationState()
{
    QFETCH(Qt::ApplicationState, state);
    QFETCH(bool, pauses);
    QVERIFY(qobject_cast<QGuiApplication *>(QCoreApplication::instance()));
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) {
        return Response::sse().chunked().send("id: 7\ndata: x\n\n").holdOpen();
    });
    f.client.setPauseWhenSuspended(true);
    f.client.open();
    TRY_COMPARE(f.eventSpy.size(), 1);
    // What QGuiApplication emits when the platform says so (the offscreen platform never does).
    const auto emitState = [](Qt::ApplicationState s) {
        QVERIFY(QMetaObject::invokeMethod(qApp, "applicationStateChanged", Qt::DirectConnection,
                                          Q_ARG(Qt::ApplicationState, s)));
    };
    emitState(state);
    QCOMPARE(f.client.isPaused(), pauses);
    QCOMPARE(f.client.state(), pauses ? SseClient::Reconnecting : SseClient::Open);
    emitState(Qt::ApplicationActive);
    QVERIFY(!f.client.isPaused());
    if (pauses) {
        TRY_COMPARE(f.eventSpy.size(), 2);
        QCOMPARE(lastEventIds(f.server), QList<QByteArray> {"7"});
    }
    QCOMPARE(f.server.requestCount(), pauses ? 2 : 1);
    f.client.close();
}

QTEST_MAIN(tst_SseReachabilitySystem)
#include "tst_ssereachability_system.moc"
