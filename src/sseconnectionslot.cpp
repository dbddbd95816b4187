// SPDX-License-Identifier: BSD-3-Clause
// SseClientPrivate: its slot in the thread's connection pool (sseconnectionpool.cpp).
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
    if (!waitingForConnection || state != SseClient::Connecting || !lease.manager())
        return; // closed or restarted meanwhile
    const SseInterrupted interrupted(this);
    setWaitingForConnection(false);
    if (!interrupted)
        sendNow();
}
