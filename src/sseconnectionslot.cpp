// SPDX-License-Identifier: BSD-3-Clause
// SseClientPrivate: its slot in the thread's connection pool (sseconnectionpool.cpp), and what
// moves it to another connection.
#include "sseclient_p.h"

#include <QtCore/qcryptographichash.h>
#include <QtNetwork/qnetworkaccessmanager.h>

QNetworkAccessManager *SseClientPrivate::manager()
{
    return userManager ? userManager.data() : lease.manager();
}

QtSsePrivate::PoolKey SseClientPrivate::poolKey() const
{
    QtSsePrivate::PoolKey key;
    const QUrl currentUrl = request.url();
    const bool tls = currentUrl.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    key.origin = currentUrl.scheme().toLower().toLatin1() + "://"
            + currentUrl.host(QUrl::FullyEncoded).toLatin1() + ':'
            + QByteArray::number(currentUrl.port(tls ? 443 : 80));
    key.protocol = httpProtocol;
    key.userManager = userManager;
    if (tls && ignoreSslErrors)
        key.tlsProfile = "insecure";
    for (const QSslCertificate &ca : caCertificates)
        key.tlsProfile += ca.digest(QCryptographicHash::Sha256);
    return key;
}

void SseClientPrivate::onConnectionGranted()
{
    if (!waitingForConnection || state != SseClient::Connecting || !lease.manager()
        || hold != Hold::None)
        return; // closed, restarted or held (paused) meanwhile
    const SseInterrupted interrupted(this);
    setWaitingForConnection(false);
    if (!interrupted)
        sendNow();
}

void SseClientPrivate::onUnsentCheck()
{
    if (!reply || headersSeen || lease.isRequestSent() || state != SseClient::Connecting)
        return;
    // Not written yet: the connection may still be coming up, or Qt holds the request back
    // because the HTTP/2 server's SETTINGS_MAX_CONCURRENT_STREAMS is reached. Qt 6.4 says
    // neither; the pool tells them apart by the other streams of the connection.
    if (!moveBeyondStreamLimit(false))
        arm(unsentTimer, QtSsePrivate::UnsentCheckMs);
}

bool SseClientPrivate::moveBeyondStreamLimit(bool refused)
{
    if (!lease.moveBeyondStreamLimit(refused))
        return false;
    qCDebug(lcSseConnection) << "beyond the server's HTTP/2 stream limit: another connection for"
                             << request.url();
    dropReply(); // never written, or refused: nothing of it reached the application
    if (lease.isQueued())
        setWaitingForConnection(true); // granted later: onConnectionGranted()
    else
        sendNow();
    return true;
}
