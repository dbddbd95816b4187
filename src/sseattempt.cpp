// SPDX-License-Identifier: BSD-3-Clause
// SseClientPrivate: one attempt's life. The request (as redirects change it) goes out through
// the pool's slot; the response's headers give a verdict (ssepolicy.cpp); an opened stream is
// read (ssestream.cpp) until it ends; then the retry state says what follows: the next attempt
// after a delay, or the end. Every transition that emits a signal checks SseInterrupted after
// it: a slot may close, reopen or delete the client.
#include "sseclient_p.h"
#include "ssereplyscope_p.h"
#include "sserequest_p.h"

#include <QtCore/qurlquery.h>

#include <QtCore/qcoreevent.h>

#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkproxy.h>
#include <QtNetwork/qnetworkrequest.h>
#include <QtNetwork/qsslconfiguration.h>

using QtSsePrivate::ReadBufferBytes;
using QtSsePrivate::Verdict;

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
        proxy = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(request.url())).value(0);
    if (proxy.type() == QNetworkProxy::NoProxy || proxy.hostName().isEmpty())
        return {};
    return QStringLiteral(" (through the proxy %1:%2)").arg(proxy.hostName()).arg(proxy.port());
}

void SseClientPrivate::startRequest(bool mayHold)
{
    Q_Q(SseClient);
    ++epoch; // a new attempt: a transition still running in a caller must stop
    retryTimer.stop();
    dropQuestion();
    watchReachability(); // the URL may have changed since open()
    if (mayHold && holdAttempt())
        return; // the network is down: onReachabilityChanged() starts it when it returns
    const SseInterrupted interrupted(this);
    setNextRetryTime(QDateTime());
    if (interrupted)
        return;
    // Every attempt starts at the configured URL with the configured method, body and headers
    // (reconnects go to the original URL, not where a redirect pointed), as the application's
    // slot of aboutToStartAttempt() then shapes it.
    SseRequest shaped;
    SseRequestPrivate *const r = shaped.d.get();
    r->attempt = attemptIndex++;
    r->url = url;
    r->method = method;
    r->body = body;
    r->headers = headers;
    r->lastEventId = parser.lastEventId();
    Q_EMIT q->aboutToStartAttempt(&shaped);
    if (interrupted)
        return; // closed, restarted or deleted from the slot
    QUrl attemptUrl = r->url;
    attemptHeaders = r->headers;
    attemptLastEventId = r->lastEventId;
    if (QtSsePrivate::breaksHeader(attemptLastEventId.toUtf8())) {
        // As SseClient::setLastEventId(): in a header (or a URL) it would add headers of its own.
        qCWarning(lcSseConnection) << "aboutToStartAttempt: last event ID refused, CR, LF or NUL in"
                                   << attemptLastEventId;
        attemptLastEventId = parser.lastEventId();
    }
    if (!resumeQueryParameter.isEmpty() && !attemptLastEventId.isEmpty()) {
        QUrlQuery query(attemptUrl);
        query.removeAllQueryItems(resumeQueryParameter);
        // Percent-encoded in full: an id may hold '&', '=', '+' or '#'.
        query.addQueryItem(QString::fromLatin1(QUrl::toPercentEncoding(resumeQueryParameter)),
                           QString::fromLatin1(QUrl::toPercentEncoding(attemptLastEventId)));
        attemptUrl.setQuery(query);
    }
    request.start(attemptUrl, r->method, r->body);
    sendRequest();
}

void SseClientPrivate::sendRequest()
{
    dropReply();
    const SseInterrupted interrupted(this);
    // httpStatus, errorBody and responseHeaders describe the response to this request, once
    // there is one.
    responseBody.clear();
    responseHeaders.clear();
    if (!setErrorState(error, errorString, 0, QByteArray()))
        return;
    const QUrl currentUrl = request.url();
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
    const QUrl currentUrl = request.url();
    QNetworkRequest networkRequest(currentUrl);
    // Redirects are ours: Qt 6.4 forwards Authorization and Cookie across origins.
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                                QNetworkRequest::ManualRedirectPolicy);
    networkRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                                QNetworkRequest::AlwaysNetwork);
    networkRequest.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    if (httpProtocol == SseClient::Http1Only) {
        networkRequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    } else if (httpProtocol == SseClient::Http2PriorKnowledge) {
        networkRequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
        networkRequest.setAttribute(QNetworkRequest::Http2DirectAttribute, true);
    } // else Qt's default: HTTP/2 when TLS's ALPN agrees, HTTP/1.1 otherwise
    networkRequest.setRawHeader("Accept", "text/event-stream");
    networkRequest.setRawHeader("Cache-Control", "no-cache");
    // Requests say who they are (Qt's own default is "Mozilla/5.0"); the application's wins.
    networkRequest.setRawHeader("User-Agent", QByteArrayLiteral("QtSse/" QTSSE_VERSION_STR));
    QList<QByteArray> rejected;
    bool hasAcceptEncoding = false;
    for (const auto &[name, value] : request.headers(attemptHeaders, &rejected)) {
        hasAcceptEncoding =
                hasAcceptEncoding || name.compare("Accept-Encoding", Qt::CaseInsensitive) == 0;
        networkRequest.setRawHeader(name, value);
    }
    for (const QByteArray &name : std::as_const(rejected))
        qCWarning(lcSseConnection) << "header not sent: CR, LF or NUL in" << name;
    // Ours, not Qt's: decoded in bounded pieces (ssecontentdecoder_p.h). Setting it turns Qt's
    // own decompression off (an application's Accept-Encoding does the same).
    if (!hasAcceptEncoding)
        networkRequest.setRawHeader("Accept-Encoding",
                                    QtSsePrivate::ContentDecoder::acceptEncoding());
    if (!attemptLastEventId.isEmpty() && resumeQueryParameter.isEmpty())
        networkRequest.setRawHeader("Last-Event-ID", attemptLastEventId.toUtf8());
    if (!caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(caCertificates);
        networkRequest.setSslConfiguration(tls);
    }

    Q_EMIT q->aboutToSendRequest(&networkRequest);
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
    qCDebug(lcSseConnection) << request.method() << currentUrl;
    if (request.method() == "GET" && request.body().isEmpty())
        reply = nam->get(networkRequest);
    else
        reply = nam->sendCustomRequest(networkRequest, request.method(), request.body());
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
    metrics.requestSent();
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
    metrics.responseHead();
    unsentTimer.stop();
    lease.setRequestSent(); // (Qt 6.4 says so before, but it is certain now)
    {
        const QNetworkReply *const current = reply;
        responseHeaders = reply->rawHeaderPairs();
        if (!setErrorState(error, errorString, status, QByteArray()) || reply != current)
            return; // a slot of errorChanged() took over
        const SseInterrupted interrupted(this);
        Q_EMIT q->responseReceived();
        if (interrupted || reply != current)
            return; // a slot of it took over
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
    Verdict v = QtSsePrivate::classifyResponse(info, request.url(), request.method(),
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
        authRetried = false; // a later 401 (an expired token) may ask again
        parser.reset();
        const int attemptBefore = retry.attempt();
        retry.streamOpened();
        openedTime = QDateTime::currentDateTime();
        openedClock.start();
        if (idleTimeout > 0)
            arm(idleTimer, idleTimeout);
        const SseInterrupted interrupted(this);
        notifyAttempt(attemptBefore);
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
    case Verdict::FollowRedirect: {
        const Verdict hop = request.follow(v);
        if (hop.action != Verdict::FollowRedirect) {
            dropReply();
            applyVerdict(hop); // too many
            return;
        }
        qCDebug(lcSsePolicy) << "redirect" << status << "to" << hop.redirectUrl;
        sendRequest();
        return;
    }
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

void SseClientPrivate::endStream(const Verdict &v, StreamEnd how)
{
    Q_Q(SseClient);
    const SseInterrupted interrupted(this);
    dropReply(); // also stops a feed() that is delivering events right now
    saveLastEventId(); // where a restarted application resumes
    Q_EMIT q->disconnected();
    if (interrupted)
        return;
    switch (how) {
    case StreamEnd::FailedAttempt: {
        const int attemptBefore = retry.attempt();
        retry.revertOpen();
        notifyAttempt(attemptBefore);
        if (interrupted)
            return;
        Q_FALLTHROUGH();
    }
    case StreamEnd::Dropped:
        applyVerdict(v);
        return;
    case StreamEnd::Ended:
        break;
    }
    if (v.error != SseClient::NoError) {
        setError(v.error, v.reason);
        if (interrupted)
            return;
    }
    if (state != SseClient::Open)
        return;
    if (v.error != SseClient::NoError && v.action == Verdict::Fail)
        finishFor(SseClient::Failed);
    else
        proceed(retry.afterStreamEnd(openedClock.elapsed(), method));
}

void SseClientTimers::timerEvent(QTimerEvent *event)
{
    m_d->onTimer(event->timerId());
}

void SseClientPrivate::onTimer(int id)
{
    // Single-shot, like the QTimers they replace: stopped before their handler runs.
    if (id == retryTimer.timerId()) {
        retryTimer.stop();
        startRequest();
    } else if (id == connectTimer.timerId()) {
        connectTimer.stop();
        onConnectTimeout();
    } else if (id == idleTimer.timerId()) {
        idleTimer.stop();
        onIdleTimeout();
    } else if (id == unsentTimer.timerId()) {
        unsentTimer.stop();
        onUnsentCheck();
    } else if (id == saveTimer.timerId()) {
        saveLastEventId();
    } else if (id == authTimer.timerId()) {
        authTimer.stop();
        onCredentialsAnswered(); // none in time: the 401 stands
    }
}

void SseClientPrivate::onConnectTimeout()
{
    if (!reply)
        return;
    Verdict v = pendingVerdict;
    if (!headersSeen) {
        v.action = Verdict::Retry;
        v.error = SseClient::TimeoutError;
        v.reason = QStringLiteral("No response within %1 ms").arg(connectTimeout);
        if (httpProtocol == SseClient::Http2PriorKnowledge)
            v.reason += QStringLiteral(" (HTTP/2 prior knowledge: does the server speak it?)");
    }
    dropReply();
    applyVerdict(v);
}

void SseClientPrivate::onIdleTimeout()
{
    if (!streamOpen)
        return;
    Verdict v;
    v.action = Verdict::Retry;
    v.error = SseClient::TimeoutError;
    v.reason = QStringLiteral("Nothing received for %1 ms: the stream is considered dead")
                       .arg(idleTimeout);
    qCInfo(lcSseConnection) << v.reason;
    endStream(v, StreamEnd::Ended);
}

void SseClientPrivate::applyVerdict(const Verdict &v)
{
    if (v.action == Verdict::Stop) {
        finishFor(SseClient::Closed);
        return;
    }
    const bool unauthorized = v.action == Verdict::Fail && httpStatus == 401;
    if (unauthorized && askForCredentials(v))
        return; // retrying with new credentials, or waiting for them
    if (!unauthorized)
        authRetried = false; // not a 401 in a row: the next one is asked about again
    QString reason = v.reason;
    if (!responseBody.isEmpty())
        reason += QStringLiteral(": ") + QString::fromUtf8(responseBody).simplified();
    const SseInterrupted interrupted(this);
    setError(v.error, reason, &responseBody);
    if (interrupted)
        return; // closed, restarted or deleted from a slot
    proceed(retry.afterFailure(v, method));
}

void SseClientPrivate::proceed(const QtSsePrivate::RetryState::Next &next)
{
    Q_Q(SseClient);
    using Next = QtSsePrivate::RetryState::Next;
    const SseInterrupted interrupted(this);
    switch (next.action) {
    case Next::Close:
    case Next::Fail:
        if (next.methodNotResent)
            qCInfo(lcSsePolicy) << "not re-sending a" << method
                                << "request (retryAnyMethod is off)";
        finishFor(next.action == Next::Close ? SseClient::Closed : SseClient::Failed);
        return;
    case Next::GiveUp:
        setError(SseClient::RetriesExhaustedError,
                 QStringLiteral("Gave up after %1 attempt(s) in a row: %2")
                         .arg(next.attempt + 1)
                         .arg(errorString));
        if (!interrupted)
            finishFor(SseClient::Failed);
        return;
    case Next::Reconnect:
        break;
    }
    const int delayMs = int(next.delayMs);
    metrics.reconnectScheduled();
    notifyAttempt(next.attempt - 1);
    if (interrupted)
        return; // closed, restarted or deleted from a slot
    if (holdReason() != Hold::None) {
        // No retry while the network is down: it comes when the network does.
        setState(SseClient::Reconnecting);
        if (!interrupted && state == SseClient::Reconnecting)
            holdAttempt();
        return;
    }
    setNextRetryTime(QDateTime::currentDateTime().addMSecs(delayMs));
    if (interrupted)
        return;
    setState(SseClient::Reconnecting);
    if (interrupted || state != SseClient::Reconnecting)
        return;
    qCDebug(lcSsePolicy) << "attempt" << next.attempt << "in" << delayMs << "ms";
    arm(retryTimer, delayMs);
    Q_EMIT q->reconnectScheduled(next.attempt, delayMs);
}

void SseClientPrivate::finishFor(SseClient::State s)
{
    Q_Q(SseClient);
    QPointer<SseClient> guard(q);
    setState(s);
    if (guard && state == s) // not deleted or reopened from a slot
        Q_EMIT q->closed();
}
