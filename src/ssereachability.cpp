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

SseReachability::Network fromQt(QNetworkInformation::Reachability reachability)
{
    switch (reachability) {
    case QNetworkInformation::Reachability::Unknown:
        return SseReachability::NetworkUnknown;
    case QNetworkInformation::Reachability::Disconnected:
        return SseReachability::NetworkOffline;
    case QNetworkInformation::Reachability::Local:
    case QNetworkInformation::Reachability::Site:
    case QNetworkInformation::Reachability::Online:
        // A server on the local network may be what the client talks to.
        break;
    }
    return SseReachability::NetworkOnline;
}

// Feeds the system's object from QNetworkInformation and from QGuiApplication's
// applicationStateChanged() (connected by name: the library does not link Qt GUI). A child of
// it, in the main thread.
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
    Returns the process's source, created at the first call in the application's main thread
    (nullptr without a QCoreApplication): its network follows QNetworkInformation, loaded by
    the Reachability feature (NetworkUnknown if no backend loads), and it is suspended while a
    QGuiApplication's state is Qt::ApplicationSuspended or Qt::ApplicationHidden. It says
    nothing of loopback hosts: clients of 127.0.0.1 or localhost never wait for it.
*/
SseReachability *SseReachability::system()
{
    static QBasicMutex mutex;
    static QPointer<SseReachability> instance;
    const QMutexLocker lock(&mutex);
    if (instance)
        return instance;
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return nullptr;
    auto *r = new SseReachability;
    r->d->system = true;
    r->moveToThread(app->thread());
    instance = r;
    // In the main thread: the application owns it, and QNetworkInformation lives there.
    QMetaObject::invokeMethod(
            r,
            [r] {
                if (QCoreApplication *a = QCoreApplication::instance()) {
                    r->setParent(a);
                    (new SystemFeed(r))->start();
                }
            },
            Qt::AutoConnection);
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
