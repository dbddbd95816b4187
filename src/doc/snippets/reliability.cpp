// SPDX-License-Identifier: BSD-3-Clause
// "Reliability: timeouts, limits, TLS and proxies" (reliability.qdoc).
#include "snippets.h"

#include <QtSse/SseClient>

#include <QtNetwork/QNetworkProxy>
#include <QtNetwork/QNetworkProxyFactory>
#include <QtNetwork/QSslCertificate>

void configureReliability(SseClient &client)
{
    //! [timeouts]
    client.setConnectTimeout(10000); // no response head within 10 s: TimeoutError, retried
    client.setIdleTimeout(45000); // the server sends a heartbeat every 15 s: 3 missed = gone
    //! [timeouts]

    //! [limits]
    client.setMaxEventSize(256 * 1024); // events of this API are small: ~6 MiB per stream at most
    //! [limits]

    //! [tls]
    client.addCaCertificates(QSslCertificate::fromPath(QStringLiteral("/etc/myapp/ca.pem")));
    //! [tls]
}

void useSystemProxy()
{
    //! [proxy]
    // Either the environment (http_proxy, https_proxy, no_proxy) or the desktop's settings,
    // through libproxy, for every QNetworkAccessManager of the process:
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    // or one proxy for everything:
    QNetworkProxy::setApplicationProxy(
            QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("proxy.example.test"), 3128));
    //! [proxy]
}
