// SPDX-License-Identifier: BSD-3-Clause
// SseReachability: the network's and the application's state as clients need them, and the
// system's source of both.
#include "ssereachability.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qmutex.h>
#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qnetworkinformation.h>
#include <QtNetwork/qnetworkinterface.h>

#include <atomic>

Q_LOGGING_CATEGORY(lcSseReachability, "qtsse.reachability", QtWarningMsg)

class SseReachabilityPrivate
{
public:
    std::atomic<int> network {SseReachability::NetworkUnknown};
    std::atomic<bool> suspended {false};
    bool system = false;
};

namespace {

// A network interface other than loopback that is up, running and has an address.
bool hasLocalNetwork()
{
    const QList<QNetworkInterface> interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &i : interfaces) {
        const QNetworkInterface::InterfaceFlags flags = i.flags();
        if ((flags & QNetworkInterface::IsLoopBack) || !(flags & QNetworkInterface::IsUp)
            || !(flags & QNetworkInterface::IsRunning))
            continue;
        if (!i.addressEntries().isEmpty())
            return true;
    }
    return false;
}

SseReachability::Network fromQt(QNetworkInformation::Reachability reachability)
{
    switch (reachability) {
    case QNetworkInformation::Reachability::Unknown:
        return SseReachability::NetworkUnknown;
    case QNetworkInformation::Reachability::Disconnected:
        // Qt 6.4's glib backend says Disconnected for glib's "local" connectivity: no default
        // route, which is also a LAN without a way out (a Docker --internal network, an
        // air-gapped site) where the client's server may well be. Offline only when no
        // interface but loopback is up with an address: a laptop with its network off.
        return hasLocalNetwork() ? SseReachability::NetworkUnknown
                                 : SseReachability::NetworkOffline;
    case QNetworkInformation::Reachability::Local:
    case QNetworkInformation::Reachability::Site:
    case QNetworkInformation::Reachability::Online:
        // A server on the local network may be what the client talks to.
        break;
    }
    return SseReachability::NetworkOnline;
}

// Feeds the system's object from QNetworkInformation and from QGuiApplication's
// applicationStateChanged() (connected by name: the library does not link Qt GUI; the state
// before the first change is not known to it: taken as active). A child of it, in the main
// thread.
class SystemFeed : public QObject
{
    Q_OBJECT
public:
    explicit SystemFeed(SseReachability *target) : QObject(target), m_target(target) { }

    void start()
    {
        // By feature, not loadDefaultBackend(): on a Debian without NetworkManager the default
        // (networkmanager) backend does not load while glib's does. No backend: Unknown, never
        // Offline.
        if (QNetworkInformation::loadBackendByFeatures(
                    QNetworkInformation::Feature::Reachability)) {
            QNetworkInformation *info = QNetworkInformation::instance();
            qCDebug(lcSseReachability) << "network from the" << info->backendName()
                                       << "backend:" << info->reachability();
            m_target->setNetwork(fromQt(info->reachability()));
            connect(info, &QNetworkInformation::reachabilityChanged, this,
                    [this](QNetworkInformation::Reachability r) {
                        qCDebug(lcSseReachability) << "network:" << r;
                        m_target->setNetwork(fromQt(r));
                    });
        } else {
            qCInfo(lcSseReachability) << "no QNetworkInformation backend reports reachability"
                                      << QNetworkInformation::availableBackends()
                                      << ": the network is taken as unknown";
        }
        QCoreApplication *app = QCoreApplication::instance();
        if (app->metaObject()->indexOfSignal("applicationStateChanged(Qt::ApplicationState)")
            >= 0) {
            connect(app, SIGNAL(applicationStateChanged(Qt::ApplicationState)), this,
                    SLOT(onApplicationStateChanged(Qt::ApplicationState)));
        }
    }

private Q_SLOTS:
    void onApplicationStateChanged(Qt::ApplicationState state)
    {
        // Inactive is a desktop application without focus: it goes on. Hidden and Suspended are
        // a mobile application in the background.
        qCDebug(lcSseReachability) << "application state:" << state;
        m_target->setApplicationSuspended(state == Qt::ApplicationSuspended
                                          || state == Qt::ApplicationHidden);
    }

private:
    SseReachability *const m_target;
};

} // namespace

/*!
    \class SseReachability
    \inmodule QtSse
    \brief Tells SseClient whether the network is up and whether the application is suspended.

    A client holds its attempts while its source says the network is down
    (SseClient::waitingForNetwork), and, if asked to (SseClient::pauseWhenSuspended), while
    the application is suspended. system() is the process's source; give a client your own
    with SseClient::setReachability() to decide yourself (a VPN's state, or a test).
*/

/*!
    \enum SseReachability::Network
    \value NetworkUnknown Nothing tells: clients back off as usual.
    \value NetworkOffline The network is down: clients hold their attempts until it returns.
    \value NetworkOnline The network is up; a local network counts.
*/

/*!
    Constructs a source, a child of \a parent, that says NetworkUnknown and not suspended
    until told otherwise.
*/
SseReachability::SseReachability(QObject *parent)
    : QObject(parent), d(std::make_unique<SseReachabilityPrivate>())
{
}

/*!
    Destroys the source: the clients that follow it stop waiting for it.
*/
SseReachability::~SseReachability() = default;

/*!
    \property SseReachability::network
    \brief the network's state. Read from any thread.
*/
SseReachability::Network SseReachability::network() const
{
    return Network(d->network.load(std::memory_order_relaxed));
}

void SseReachability::setNetwork(Network network)
{
    if (d->network.exchange(network) != network)
        Q_EMIT networkChanged(network);
}

/*!
    \property SseReachability::applicationSuspended
    \brief whether the application is suspended (in the background on a mobile system). Read
    from any thread.
*/
bool SseReachability::isApplicationSuspended() const
{
    return d->suspended.load(std::memory_order_relaxed);
}

void SseReachability::setApplicationSuspended(bool suspended)
{
    if (d->suspended.exchange(suspended) != suspended)
        Q_EMIT applicationSuspendedChanged(suspended);
}

/*!
    Returns the process's source, created at the first call (nullptr without a
    QCoreApplication), living in the application's main thread until the process ends. Its
    network follows QNetworkInformation, loaded by the Reachability feature from the event
    loop (NetworkUnknown until then, and if no backend loads); Qt's Disconnected counts as
    offline only while no network interface but loopback is up with an address (Qt 6.4's glib
    backend also says Disconnected for a local network without a default route). It is
    suspended while a QGuiApplication's state changes to Qt::ApplicationSuspended or
    Qt::ApplicationHidden (macOS hides an application on Cmd-H: pauseWhenSuspended then closes
    its streams too), until it changes back. It says nothing of loopback hosts: clients of
    127.0.0.1 or localhost never wait for it.
*/
SseReachability *SseReachability::system()
{
    static QBasicMutex mutex;
    static SseReachability *instance = nullptr;
    const QMutexLocker lock(&mutex);
    if (instance)
        return instance;
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return nullptr;
    // Never deleted (clients in any thread read it, and follow it until they go): it lives in
    // the main thread, where QNetworkInformation does, as long as the process.
    auto *r = new SseReachability;
    r->d->system = true;
    r->moveToThread(app->thread());
    instance = r;
    // Loaded from the event loop, not under the lock nor inside the caller's open(): a backend
    // may ask D-Bus. Until then the network is unknown (clients back off as usual).
    QMetaObject::invokeMethod(
            r,
            [r] {
                if (QCoreApplication::instance())
                    (new SystemFeed(r))->start();
            },
            Qt::QueuedConnection);
    return r;
}

/*!
    Returns true for the object system() returns.
*/
bool SseReachability::isSystem() const
{
    return d->system;
}

#include "ssereachability.moc"
