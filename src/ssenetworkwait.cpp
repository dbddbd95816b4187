// SPDX-License-Identifier: BSD-3-Clause
// SseClient's network awareness: an attempt waits while the client's SseReachability says the
// network is down (or, opted in, the application is suspended), instead of failing and
// counting against maxRetries; when it returns the client connects at once, its backoff reset.
#include "sseclient_p.h"

#include <QtNetwork/qhostaddress.h>

namespace {

// The system's reachability describes the way out of the machine, not its loopback interface.
bool isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0
        || host.endsWith(QLatin1String(".localhost"), Qt::CaseInsensitive))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

/*!
    \property SseClient::networkAware
    \brief Whether the client waits for the network (true by default).

    While the client's reachability() says the network is down, no attempt is made and none
    counts against maxRetries: the client waits, Connecting or Reconnecting, with
    waitingForNetwork set, and connects at once, its backoff reset, when the network returns.
    An open stream is left alone: its data says more than the system does. The default source,
    SseReachability::system(), says nothing of loopback hosts, and "unknown" when no
    QNetworkInformation backend loads: the client then backs off as usual. reconnectNow()
    connects whatever the source says.
*/
/*!
    \property SseClient::pauseWhenSuspended
    \brief Whether the stream is closed while the application is suspended (false by default).

    While the reachability() source says the application is suspended (a mobile application in
    the background), the stream is closed and no attempt is made (paused); on the
    application's return the client reconnects at once, resuming from the last event ID.
*/
/*!
    \property SseClient::waitingForNetwork
    \brief Whether the next attempt waits for the network to return (see networkAware).
*/
/*!
    \property SseClient::paused
    \brief Whether the stream is closed because the application is suspended (see
    pauseWhenSuspended).
*/

bool SseClient::isNetworkAware() const
{
    return d_func()->networkAware;
}

void SseClient::setNetworkAware(bool enabled)
{
    Q_D(SseClient);
    if (d->networkAware == enabled)
        return;
    d->networkAware = enabled;
    d->watchReachability();
    Q_EMIT networkAwareChanged(enabled);
    d->onReachabilityChanged();
}

bool SseClient::pauseWhenSuspended() const
{
    return d_func()->pauseWhenSuspended;
}

void SseClient::setPauseWhenSuspended(bool enabled)
{
    Q_D(SseClient);
    if (d->pauseWhenSuspended == enabled)
        return;
    d->pauseWhenSuspended = enabled;
    d->watchReachability();
    Q_EMIT pauseWhenSuspendedChanged(enabled);
    d->onReachabilityChanged();
}

/*!
    Returns the source the client follows: the one given to setReachability(), else
    SseReachability::system().
*/
SseReachability *SseClient::reachability() const
{
    Q_D(const SseClient);
    return d->hasUserReachability ? d->userReachability.data() : SseReachability::system();
}

/*!
    Follows \a source (not owned) for networkAware and pauseWhenSuspended instead of
    SseReachability::system(); nullptr gives the system's back. A source that is destroyed
    says nothing more: the client stops waiting for it.
*/
void SseClient::setReachability(SseReachability *source)
{
    Q_D(SseClient);
    d->userReachability = source;
    d->hasUserReachability = source != nullptr;
    d->watchReachability();
    d->onReachabilityChanged();
}

bool SseClient::isWaitingForNetwork() const
{
    return d_func()->hold == SseClientPrivate::Hold::Network;
}

bool SseClient::isPaused() const
{
    return d_func()->hold == SseClientPrivate::Hold::Suspended;
}

void SseClientPrivate::watchReachability()
{
    Q_Q(SseClient);
    SseReachability *source = nullptr;
    if (hasUserReachability)
        source = userReachability; // null once destroyed: nothing to wait for
    else if (pauseWhenSuspended || (networkAware && !isLoopbackHost(url.host())))
        source = SseReachability::system(); // loaded only by a client that may need it
    if (source == watchedReachability && (source || reachabilityConnections.isEmpty()))
        return;
    for (const QMetaObject::Connection &c : std::as_const(reachabilityConnections))
        QObject::disconnect(c);
    reachabilityConnections.clear();
    watchedReachability = source;
    if (!source)
        return;
    // The source may live in another thread (the system's is in the main thread): queued then.
    const auto changed = [this] { onReachabilityChanged(); };
    reachabilityConnections = {
            QObject::connect(source, &SseReachability::networkChanged, q, changed),
            QObject::connect(source, &SseReachability::applicationSuspendedChanged, q, changed),
            QObject::connect(source, &QObject::destroyed, q, changed),
    };
}

SseClientPrivate::Hold SseClientPrivate::holdReason() const
{
    const SseReachability *source = watchedReachability;
    if (!source)
        return Hold::None;
    if (pauseWhenSuspended && source->isApplicationSuspended())
        return Hold::Suspended;
    if (networkAware && source->network() == SseReachability::NetworkOffline
        && !(source->isSystem() && isLoopbackHost(url.host())))
        return Hold::Network;
    return Hold::None;
}

bool SseClientPrivate::holdAttempt()
{
    const Hold reason = holdReason();
    if (reason == Hold::None)
        return false;
    qCInfo(lcSseConnection) << (reason == Hold::Network
                                        ? "the network is down: waiting for it before connecting"
                                        : "the application is suspended: paused")
                            << "to" << url;
    const SseInterrupted interrupted(this);
    // Nothing goes out while held: no place in the pool's queue, no connection kept from the
    // streams of other clients (a slot granted meanwhile would send the request).
    lease.release();
    setWaitingForConnection(false);
    if (interrupted)
        return true;
    setNextRetryTime(QDateTime());
    if (interrupted)
        return true;
    if (state == SseClient::Closed || state == SseClient::Failed)
        setState(SseClient::Connecting); // open(): trying, though not sending yet
    else if (state != SseClient::Connecting)
        setState(SseClient::Reconnecting);
    if (!interrupted)
        setHold(reason);
    return true;
}

void SseClientPrivate::onReachabilityChanged()
{
    Q_Q(SseClient);
    if (!hasUserReachability || !userReachability)
        watchReachability(); // the system's, loaded now if a setting asks for it; or none
    const Hold reason = holdReason();
    const SseInterrupted interrupted(this);
    if (hold != Hold::None) {
        if (reason != Hold::None) {
            setHold(reason); // from one reason to the other
            return;
        }
        // Back: at once, the backoff from zero (the failures were the network's, not the
        // server's).
        qCInfo(lcSseConnection) << "the network is back, or the application: connecting to" << url;
        const int before = retry.attempt();
        retry.resetBackoff();
        notifyAttempt(before);
        if (interrupted)
            return;
        setHold(Hold::None);
        if (interrupted)
            return;
        startRequest();
        return;
    }
    if (reason == Hold::None)
        return;
    switch (state) {
    case SseClient::Reconnecting:
        // A retry waits its delay: it waits for the network instead.
        retryTimer.stop();
        holdAttempt();
        return;
    case SseClient::Connecting:
    case SseClient::Open:
        if (reason != Hold::Suspended)
            return; // the request in flight, or the stream, tells for itself
        break;
    case SseClient::Closed:
    case SseClient::Failed:
        return;
    }
    // Suspended: the stream goes (no data, no battery spent in the background); it resumes from
    // the last event ID on return.
    const bool wasOpen = streamOpen;
    ++epoch; // a transition running in a caller stops
    dropReply();
    dropQuestion();
    saveLastEventId();
    const SseInterrupted paused(this);
    if (wasOpen) {
        Q_EMIT q->disconnected();
        if (paused)
            return;
    }
    holdAttempt();
}

void SseClientPrivate::setHold(Hold h)
{
    Q_Q(SseClient);
    const Hold before = std::exchange(hold, h);
    if (before == h)
        return;
    const SseInterrupted interrupted(this);
    if ((before == Hold::Network) != (h == Hold::Network)) {
        Q_EMIT q->waitingForNetworkChanged(h == Hold::Network);
        if (interrupted)
            return;
    }
    if ((before == Hold::Suspended) != (h == Hold::Suspended))
        Q_EMIT q->pausedChanged(h == Hold::Suspended);
}
