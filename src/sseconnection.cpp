// SPDX-License-Identifier: BSD-3-Clause
// SseClientPrivate: one attempt's request, response and stream, and what follows it.
#include "sseclient_p.h"
#include "ssereplyscope_p.h"

#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkproxy.h>
#include <QtNetwork/qnetworkrequest.h>
#include <QtNetwork/qsslconfiguration.h>

using QtSsePrivate::ReadBufferBytes;
using QtSsePrivate::Verdict;

namespace {
constexpr int MaxRedirects = 20;

// CR, LF or NUL in a header would end it early: Qt 6.4 writes them as they are, so a value
// with "\r\n" adds request headers of its own (header injection).
bool breaksHeader(QByteArrayView bytes)
{
    return bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0');
}

bool isCredentialHeader(const QByteArray &name)
{
    return name.compare("Authorization", Qt::CaseInsensitive) == 0
            || name.compare("Cookie", Qt::CaseInsensitive) == 0;
}

// Fetch's request-body-header names: they describe a body, and go with it (a 303).
bool isRequestBodyHeader(const QByteArray &name)
{
    return name.compare("Content-Type", Qt::CaseInsensitive) == 0
            || name.compare("Content-Encoding", Qt::CaseInsensitive) == 0
            || name.compare("Content-Language", Qt::CaseInsensitive) == 0
            || name.compare("Content-Location", Qt::CaseInsensitive) == 0;
}
} // namespace

void SseClientPrivate::dropReply()
{
    connectTimer.stop();
    idleTimer.stop();
    unsentTimer.stop();
    if (QNetworkReply *r = std::exchange(reply, nullptr)) {
        QObject::disconnect(r, nullptr, q_func(), nullptr);
        r->abort(); // emits finished synchronously (Qt 6.4): we no longer listen
        // Not now if one of its signals is on the stack (a slot's nested event loop).
        QtSsePrivate::ReplySignalScope::deleteLater(r);
    }
    // A new response is a new stream: buffers, the unfinished event and the BOM state go; the
    // last event ID stays. This also stops a feed() that is delivering events right now.
    parser.reset();
    streamOpen = false;
    headersSeen = false;
}

void SseClientPrivate::onReplyDestroyed()
{
    // Its manager took it with it: the application deleted its own, or the thread whose pool
    // carried it ended. The attempt is over; say so once that destruction has returned.
    const bool wasOpen = streamOpen;
    connectTimer.stop();
    idleTimer.stop();
    unsentTimer.stop();
    parser.reset(); // also stops a feed() that is delivering events right now
    streamOpen = false;
    headersSeen = false;
    const quint64 at = ++epoch; // a transition running in a caller stops
    QMetaObject::invokeMethod(
            q_func(),
            [this, at, wasOpen] {
                if (epoch != at)
                    return; // closed or restarted meanwhile
                Verdict v;
                v.error = SseClient::ConnectionError;
                if (hasUserManager) {
                    v.action = Verdict::Fail; // nothing left to connect with
                    v.reason = QStringLiteral("The QNetworkAccessManager given to "
                                              "setNetworkAccessManager() was destroyed");
                } else {
                    v.action = Verdict::Retry; // a new manager from the pool
                    v.reason = QStringLiteral("The connection pool's QNetworkAccessManager was "
                                              "destroyed (its thread ended)");
                }
                if (wasOpen)
                    endStream(v, StreamEnd::Ended);
                else
                    applyVerdict(v);
            },
            Qt::QueuedConnection);
}

// Which proxy the request went through (empty: none), for an error that names it: the
// manager's own, else what Qt's proxy factory gives for the URL (the application's setting, or
// the system's: on Linux the http_proxy, https_proxy and no_proxy variables).
QString SseClientPrivate::proxyDescription()
{
    QNetworkAccessManager *const nam = manager();
    QNetworkProxy proxy = nam ? nam->proxy() : QNetworkProxy(QNetworkProxy::DefaultProxy);
    if (proxy.type() == QNetworkProxy::DefaultProxy)
        proxy = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(currentUrl)).value(0);
    if (proxy.type() == QNetworkProxy::NoProxy || proxy.hostName().isEmpty())
        return {};
    return QStringLiteral(" (through the proxy %1:%2)").arg(proxy.hostName()).arg(proxy.port());
}

void SseClientPrivate::startRequest()
{
    ++epoch; // a new attempt: a transition still running in a caller must stop
    retryTimer.stop();
    const SseInterrupted interrupted(this);
    setNextRetryTime(QDateTime());
    if (interrupted)
        return;
    // Every attempt starts at the configured URL with the configured method and body:
    // reconnects go to the original URL, not where a redirect pointed.
    currentUrl = url;
    currentMethod = method;
    currentBody = body;
    crossedOrigin = false;
    bodyDropped = false;
    redirects = 0;
    sendRequest();
}

void SseClientPrivate::sendRequest()
{
    dropReply();
    const SseInterrupted interrupted(this);
    // httpStatus and errorBody describe the response to this request, once there is one.
    responseBody.clear();
    if (!setErrorState(error, errorString, 0, QByteArray()))
        return;
    const QString scheme = currentUrl.scheme().toLower();
    QString invalid;
    if (!currentUrl.isValid()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        invalid = QStringLiteral("Invalid URL \"%1\" (http and https are supported)");
    else if (currentUrl.host().isEmpty())
        invalid = QStringLiteral("Invalid URL \"%1\": no host");
    else if (hasUserManager && !userManager)
        invalid = QStringLiteral("The QNetworkAccessManager given to setNetworkAccessManager() "
                                 "was destroyed (requesting %1)");
    if (!invalid.isEmpty()) {
        setError(SseClient::ConnectionError, invalid.arg(currentUrl.toString()));
        if (!interrupted)
            finishFor(SseClient::Failed);
        return;
    }
    setState(SseClient::Connecting);
    if (interrupted)
        return; // closed, restarted or deleted from a slot
    if (!lease.acquire(poolKey())) {
        // Every connection the pool may open to this origin is taken: wait, visibly, instead of
        // queuing inside Qt where nothing would tell. The connect timeout starts once sent.
        qCDebug(lcSseConnection) << "waiting for a connection to" << currentUrl;
        setWaitingForConnection(true);
        return;
    }
    sendNow();
}

void SseClientPrivate::sendNow()
{
    Q_Q(SseClient);
    const SseInterrupted interrupted(this);
    QNetworkRequest request(currentUrl);
    // Redirects are ours: Qt 6.4 forwards Authorization and Cookie across origins.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    if (httpProtocol == SseClient::Http1Only) {
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    } else if (httpProtocol == SseClient::Http2PriorKnowledge) {
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
        request.setAttribute(QNetworkRequest::Http2DirectAttribute, true);
    } // else Qt's default: HTTP/2 when TLS's ALPN agrees, HTTP/1.1 otherwise
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    bool hasContentType = false;
    bool hasAcceptEncoding = false;
    for (const auto &[name, value] : std::as_const(headers)) {
        if (crossedOrigin && isCredentialHeader(name))
            continue;
        if (bodyDropped && isRequestBodyHeader(name))
            continue;
        if (name.compare("Last-Event-ID", Qt::CaseInsensitive) == 0)
            continue; // the client's lastEventId decides, so that it is never sent empty
        if (breaksHeader(name) || breaksHeader(value)) {
            qCWarning(lcSseConnection) << "header not sent: CR, LF or NUL in" << name;
            continue;
        }
        hasContentType = hasContentType || name.compare("Content-Type", Qt::CaseInsensitive) == 0;
        hasAcceptEncoding =
                hasAcceptEncoding || name.compare("Accept-Encoding", Qt::CaseInsensitive) == 0;
        request.setRawHeader(name, value);
    }
    if (!currentBody.isEmpty() && !hasContentType) // as curl does; Qt would warn and do the same
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
    // Ours, not Qt's: decoded in bounded pieces (ssecontentdecoder_p.h). Setting it turns Qt's
    // own decompression off (an application's Accept-Encoding does the same).
    if (!hasAcceptEncoding)
        request.setRawHeader("Accept-Encoding", QtSsePrivate::ContentDecoder::acceptEncoding());
    const QString id = parser.lastEventId();
    if (!id.isEmpty())
        request.setRawHeader("Last-Event-ID", id.toUtf8());
    if (!caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(caCertificates);
        request.setSslConfiguration(tls);
    }

    Q_EMIT q->aboutToSendRequest(&request);
    if (interrupted || state != SseClient::Connecting)
        return; // closed, restarted or deleted from the slot

    // Asked only now: a slot of aboutToSendRequest() may have destroyed the manager.
    QNetworkAccessManager *const nam = manager();
    if (!nam) {
        Verdict v;
        v.action = hasUserManager ? Verdict::Fail : Verdict::Retry;
        v.error = SseClient::ConnectionError;
        v.reason = QStringLiteral("No QNetworkAccessManager to send the request with (destroyed)");
        applyVerdict(v);
        return;
    }
    qCDebug(lcSseConnection) << currentMethod << currentUrl;
    if (currentMethod == "GET" && currentBody.isEmpty())
        reply = nam->get(request);
    else
        reply = nam->sendCustomRequest(request, currentMethod, currentBody);
    // We read every readyRead at once, so this bound only matters while a slot blocks the event
    // loop or runs a nested one: HTTP/1.1 then stops reading the socket (TCP backpressure)
    // instead of buffering without limit. Only where HTTP/2 is impossible: Qt 6.4's HTTP/2 stops
    // delivering for good once this buffer has filled (measured, tst_connectionpool_http2), so
    // there our own cap applies instead (onReadyRead()).
    const bool http2Possible = httpProtocol == SseClient::Http2PriorKnowledge
            || (httpProtocol == SseClient::AutoProtocol && currentUrl.scheme() != u"http");
    if (!http2Possible)
        reply->setReadBufferSize(ReadBufferBytes);
    // Each handler marks the reply's signal on the stack (see ssereplyscope_p.h).
    using QtSsePrivate::ReplySignalScope;
    QObject::connect(reply, &QNetworkReply::metaDataChanged, q, [this] {
        const ReplySignalScope scope;
        onMetaDataChanged();
    });
    QObject::connect(reply, &QNetworkReply::readyRead, q, [this] {
        const ReplySignalScope scope;
        onReadyRead();
    });
    QObject::connect(reply, &QNetworkReply::finished, q, [this] {
        const ReplySignalScope scope;
        onFinished();
    });
    QObject::connect(reply, &QNetworkReply::sslErrors, q, [this](const QList<QSslError> &errors) {
        const ReplySignalScope scope;
        qCDebug(lcSseConnection) << "TLS errors" << errors;
        if (ignoreSslErrors && reply)
            reply->ignoreSslErrors();
    });
    QObject::connect(reply, &QNetworkReply::errorOccurred, q, [this] {
        // finished() follows at once, except where Qt 6.4 reports an error twice and then does
        // not finish the reply ("QNetworkReplyImplPrivate::error: Internal problem, this
        // method must only be called once": seen with corrupt data under Qt's own gzip
        // decoding, and on refused connections). Check afterwards.
        replyErrored = true;
        QMetaObject::invokeMethod(
                q_func(),
                [this, errored = QPointer<QNetworkReply>(reply)] {
                    if (errored && reply == errored)
                        onFinished();
                },
                Qt::QueuedConnection);
    });
    QObject::connect(reply, &QObject::destroyed, q, [this] { onReplyDestroyed(); });
    // Written, not queued inside Qt beyond an HTTP/2 server's stream limit (onUnsentCheck()).
    QObject::connect(reply, &QNetworkReply::requestSent, q, [this] {
        unsentTimer.stop();
        lease.setRequestSent();
    });
    arm(unsentTimer, QtSsePrivate::UnsentCheckMs);
    pendingVerdict = Verdict();
    replyErrored = false;
    if (connectTimeout > 0)
        arm(connectTimer, connectTimeout);
}

void SseClientPrivate::onMetaDataChanged()
{
    Q_Q(SseClient);
    if (headersSeen || !reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return;
    headersSeen = true;
    unsentTimer.stop();
    lease.setRequestSent(); // (Qt 6.4 says so before, but it is certain now)
    {
        const QNetworkReply *const current = reply;
        if (!setErrorState(error, errorString, status, QByteArray()) || reply != current)
            return; // a slot of errorChanged() took over
    }
    const bool http2 = reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool();
    lease.setHttp2Used(http2);
    // HTTP/2 was possible (sendNow()), the server chose HTTP/1.1 (https without h2 in ALPN): the
    // read buffer bounds the stream now. Without it a fast server filled memory while a slot
    // ran (900 MB in 6 s, measured).
    if (!http2 && reply->readBufferSize() == 0)
        reply->setReadBufferSize(ReadBufferBytes);
    QtSsePrivate::ResponseInfo info;
    info.status = status;
    info.reasonPhrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    info.contentType = reply->rawHeader("Content-Type");
    info.location = reply->rawHeader("Location");
    info.retryAfter = reply->rawHeader("Retry-After");
    Verdict v = QtSsePrivate::classifyResponse(info, currentUrl, currentMethod,
                                               QDateTime::currentDateTimeUtc());
    if (!decoder.start(reply->rawHeader("Content-Encoding")) && v.action == Verdict::OpenStream) {
        // A stream that cannot be read: fail now, not after reading its start as an error body.
        v.action = Verdict::Fail;
        v.error = SseClient::ConnectionError;
        v.reason = decoder.errorString();
        qCWarning(lcSseConnection) << v.reason;
        dropReply();
        applyVerdict(v);
        return;
    }
    qCDebug(lcSsePolicy) << "HTTP" << status << info.contentType << "->" << v.action << v.reason;
    switch (v.action) {
    case Verdict::OpenStream: {
        connectTimer.stop();
        {
            // The trouble is over: the error properties describe the last failure until a
            // stream opens (sseclient.h).
            const QNetworkReply *const current = reply;
            if (!setErrorState(SseClient::NoError, QString(), httpStatus, errorBody)
                || reply != current)
                return;
        }
        streamOpen = true;
        parser.reset();
        failuresBeforeOpen = consecutiveFailures;
        attemptBeforeOpen = attempt;
        consecutiveFailures = 0;
        openedTime = QDateTime::currentDateTime();
        openedClock.start();
        if (idleTimeout > 0)
            arm(idleTimer, idleTimeout);
        const SseInterrupted interrupted(this);
        setReconnectAttempt(0);
        if (interrupted)
            return;
        Q_EMIT q->openedTimeChanged(openedTime);
        if (interrupted)
            return;
        setState(SseClient::Open);
        if (!interrupted && state == SseClient::Open)
            Q_EMIT q->opened();
        return;
    }
    case Verdict::FollowRedirect:
        if (++redirects > MaxRedirects) {
            Verdict loop;
            loop.error = SseClient::RedirectError;
            loop.reason = QStringLiteral("Too many redirects (more than %1), last to %2")
                                  .arg(MaxRedirects)
                                  .arg(v.redirectUrl.toString());
            dropReply();
            applyVerdict(loop);
            return;
        }
        qCDebug(lcSsePolicy) << "redirect" << status << "to" << v.redirectUrl;
        if (!QtSsePrivate::isSameOrigin(v.redirectUrl, currentUrl))
            crossedOrigin = true;
        currentUrl = v.redirectUrl;
        if (v.switchToGet) {
            currentMethod = "GET";
            currentBody.clear();
            bodyDropped = true;
        }
        sendRequest();
        return;
    case Verdict::Stop:
        dropReply();
        applyVerdict(v);
        return;
    case Verdict::Retry:
    case Verdict::Fail:
        // Keep the start of the body (an API's 401 explains itself there); decide at its end.
        pendingVerdict = v;
        return;
    }
}

void SseClientPrivate::onFinished()
{
    if (!reply)
        return;
    if (alivePtr && streamOpen) {
        readDeferred = true; // in a slot's nested event loop: after the running feed (above)
        return;
    }
    QNetworkReply *const current = reply;
    const SseInterrupted interrupted(this);
    if (!headersSeen)
        onMetaDataChanged();
    if (interrupted || reply != current)
        return; // dropped, redirected, or a slot took over (or deleted us)
    // All that is left, which onReadyRead() takes a piece at a time.
    for (qint64 left = reply->bytesAvailable(); left > 0; left = reply->bytesAvailable()) {
        onReadyRead();
        if (interrupted || reply != current)
            return;
        if (reply->bytesAvailable() >= left)
            break; // nothing taken (cannot happen: a guard against a busy loop)
    }
    if (interrupted || reply != current)
        return;
    const QNetworkReply::NetworkError networkError = reply->error();
    const QString networkErrorString = reply->errorString();
    if (streamOpen) {
        Verdict v; // a clean end
        if (networkError != QNetworkReply::NoError) {
            // Never a silent end: whatever Qt gave up on (a reset connection, a broken chunk, a
            // failed decompression) is an error that says so; the client retries or fails.
            v = QtSsePrivate::classifyNetworkError(networkError, networkErrorString);
            v.reason = QStringLiteral("The stream broke: %1").arg(networkErrorString);
            qCWarning(lcSseConnection) << v.reason << networkError;
        } else {
            qCDebug(lcSseConnection) << "stream ended by the server";
        }
        endStream(v, StreamEnd::Ended);
        return;
    }
    // RFC 9113 8.7: a refused stream was not processed. Beyond the connection's stream limit,
    // it goes to another connection at once, as no failure.
    if (!headersSeen && networkError == QNetworkReply::ProtocolFailure
        && networkErrorString == QLatin1String("Server refused a stream")
        && moveBeyondStreamLimit(true))
        return;
    Verdict v = headersSeen ? pendingVerdict
                            : QtSsePrivate::classifyNetworkError(networkError, networkErrorString);
    // Qt 6.4 reports a proxy that refuses as a plain "Connection refused": name the proxy.
    if (!headersSeen)
        v.reason += proxyDescription();
    dropReply();
    applyVerdict(v);
}
