// SPDX-License-Identifier: BSD-3-Clause
#include "ssepolicy_p.h"

#include <QtCore/qlocale.h>
#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>

#include <limits>

namespace QtSsePrivate {

bool isEventStreamContentType(QByteArrayView contentType)
{
    // "text/event-stream", any case, optional parameters (";charset=utf-8").
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArrayView essence =
            (semicolon < 0 ? contentType : contentType.first(semicolon)).trimmed();
    return essence.compare("text/event-stream", Qt::CaseInsensitive) == 0;
}

bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool isRetryableStatus(int status)
{
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503
            || status == 504;
}

qint64 parseRetryAfter(QByteArrayView value, const QDateTime &now)
{
    const QByteArrayView v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool digits = true;
    for (char c : v)
        digits = digits && c >= '0' && c <= '9';
    if (digits) {
        if (v.size() > 9)
            return qint64(999999999) * 1000; // absurdly long: saturate
        return v.toLongLong() * 1000;
    }
    // HTTP-date: IMF-fixdate, with the obsolete RFC 850 and asctime forms (RFC 9110 5.6.7).
    QString text = QString::fromLatin1(v).simplified();
    // RFC 850's two-digit year ("Sunday, 06-Nov-94 ...") is widened first: QLocale's "yy"
    // does not parse it reliably. Years below 70 are taken as 20xx.
    static const QRegularExpression rfc850(
            QStringLiteral("^([A-Za-z]+), (\\d{2})-([A-Za-z]{3})-(\\d{2}) (.*)$"));
    if (const QRegularExpressionMatch m = rfc850.match(text); m.hasMatch()) {
        const int yy = m.captured(4).toInt();
        text = QStringLiteral("%1, %2 %3 %4 %5")
                       .arg(m.captured(1).left(3), m.captured(2), m.captured(3))
                       .arg(yy < 70 ? 2000 + yy : 1900 + yy)
                       .arg(m.captured(5));
    }
    const QLocale c = QLocale::c();
    static const char *const formats[] = {
            "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
            "ddd MMM d HH:mm:ss yyyy",
    };
    for (const char *format : formats) {
        QDateTime when = c.toDateTime(text, QString::fromLatin1(format));
        if (!when.isValid())
            continue;
        when.setTimeSpec(Qt::UTC);
        return qMax<qint64>(0, now.msecsTo(when));
    }
    return -1;
}

bool isSameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
            && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
            && a.port(a.scheme() == QLatin1String("https") ? 443 : 80)
            == b.port(b.scheme() == QLatin1String("https") ? 443 : 80);
}

static QString statusText(const ResponseInfo &response)
{
    QString text = QStringLiteral("HTTP %1").arg(response.status);
    if (!response.reasonPhrase.isEmpty())
        text += u' ' + QString::fromLatin1(response.reasonPhrase);
    return text;
}

Verdict classifyResponse(const ResponseInfo &response, const QUrl &requestUrl,
                         const QByteArray &method, const QDateTime &now)
{
    Verdict v;
    const int status = response.status;
    if (status == 200) {
        if (isEventStreamContentType(response.contentType)) {
            v.action = Verdict::OpenStream;
        } else {
            v.error = SseClient::InvalidStreamError;
            v.reason = response.contentType.isEmpty()
                    ? QStringLiteral("The response has no Content-Type (expected "
                                     "text/event-stream)")
                    : QStringLiteral("The response's Content-Type is \"%1\", not "
                                     "text/event-stream")
                              .arg(QString::fromLatin1(response.contentType));
        }
        return v;
    }
    if (status == 204) {
        v.action = Verdict::Stop;
        return v;
    }
    if (status >= 100 && status < 200) {
        // RFC 9110 says to skip interim responses; Qt 6.4 cannot: it ends the reply at them and
        // the final response that follows is lost. Fail, saying what happened.
        v.error = SseClient::HttpStatusError;
        v.reason = statusText(response)
                + QStringLiteral(": an interim response, which Qt 6.4 takes for the final one "
                                 "(the response after it is lost)");
        return v;
    }
    if (isRedirectStatus(status)) {
        if (response.location.isEmpty()) {
            v.error = SseClient::RedirectError;
            // Qt 6.4 also drops a Location header too long for it (~100 KiB, measured).
            v.reason = statusText(response)
                    + QStringLiteral(" without a usable Location header (none, or one too long "
                                     "to be kept)");
            return v;
        }
        const QUrl target = requestUrl.resolved(
                QUrl::fromEncoded(response.location.trimmed(), QUrl::TolerantMode));
        const QString scheme = target.scheme().toLower();
        if (!target.isValid()
            || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
            v.error = SseClient::RedirectError;
            v.reason = QStringLiteral("Refusing a redirect to \"%1\"")
                               .arg(QString::fromLatin1(response.location));
            return v;
        }
        if (requestUrl.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0
            && scheme == QLatin1String("http")) {
            v.error = SseClient::RedirectError;
            v.reason = QStringLiteral("Refusing an insecure redirect from https to %1")
                               .arg(target.toString());
            return v;
        }
        v.action = Verdict::FollowRedirect;
        v.redirectUrl = target;
        // As the contract says: 303 turns the method into GET (and drops the body);
        // 301/302/307/308 keep method and body.
        v.switchToGet = status == 303 && method != "GET" && method != "HEAD";
        return v;
    }
    v.error = SseClient::HttpStatusError;
    v.reason = statusText(response);
    if (isRetryableStatus(status)) {
        v.action = Verdict::Retry;
        v.retryAfterMs = parseRetryAfter(response.retryAfter, now);
    }
    return v;
}

Verdict classifyNetworkError(QNetworkReply::NetworkError error, const QString &errorString)
{
    Verdict v;
    v.reason = errorString;
    if (error >= QNetworkReply::ProxyConnectionRefusedError
        && error <= QNetworkReply::UnknownProxyError) // Qt's strings do not say it was the proxy
        v.reason = QStringLiteral("Proxy error: %1").arg(errorString);
    switch (error) {
    case QNetworkReply::SslHandshakeFailedError:
        v.error = SseClient::TlsError; // a certificate problem does not heal by retrying
        return v;
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        v.error = SseClient::ConnectionError;
        return v;
    default:
        v.error = SseClient::ConnectionError;
        v.action = Verdict::Retry;
        return v;
    }
}

qint64 Backoff::baseDelay(int consecutiveFailures) const
{
    const qint64 cap = qMax(maxDelay, reconnectionTime);
    // After a failure grow from at least 1 ms, so that "retry: 0" cannot make a dead server
    // face a busy loop of reconnects.
    qint64 delay = consecutiveFailures > 0 ? qMax<qint64>(reconnectionTime, 1) : reconnectionTime;
    for (int i = 1; i < consecutiveFailures && delay < cap; ++i)
        delay *= 2;
    return qMin(delay, cap);
}

qint64 Backoff::delay(int consecutiveFailures, qint64 atLeast) const
{
    const qint64 base = qMax(baseDelay(consecutiveFailures), atLeast);
    if (!jitter)
        return base;
    const double r = random ? random() : QRandomGenerator::global()->generateDouble();
    return base + qint64(double(base) * 0.5 * qBound(0.0, r, 1.0));
}

bool breaksHeader(QByteArrayView bytes)
{
    return bytes.contains('\r') || bytes.contains('\n') || bytes.contains('\0');
}

void setRawHeader(QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &name,
                  const QByteArray &value)
{
    headers.removeIf(
            [&name](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    if (!value.isEmpty())
        headers.append({name, value});
}

void RetryState::setReconnectionTime(qint64 ms)
{
    m_reconnectionTime = qMax<qint64>(0, ms);
    if (m_serverReconnectionTime < 0)
        backoff.reconnectionTime = m_reconnectionTime;
}

void RetryState::setServerReconnectionTime(qint64 ms)
{
    // Kept within an int: the client's property and its timers are ints.
    m_serverReconnectionTime =
            ms < 0 ? -1 : qBound<qint64>(MinServerRetryMs, ms, std::numeric_limits<int>::max());
    backoff.reconnectionTime =
            m_serverReconnectionTime >= 0 ? m_serverReconnectionTime : m_reconnectionTime;
}

void RetryState::reset()
{
    m_attempt = m_failures = m_attemptBeforeOpen = m_failuresBeforeOpen = 0;
    setServerReconnectionTime(-1);
}

void RetryState::resetBackoff()
{
    m_attempt = m_failures = 0;
}

void RetryState::streamOpened()
{
    m_attemptBeforeOpen = std::exchange(m_attempt, 0);
    m_failuresBeforeOpen = std::exchange(m_failures, 0);
}

void RetryState::revertOpen()
{
    m_attempt = m_attemptBeforeOpen;
    m_failures = m_failuresBeforeOpen;
}

RetryState::Next RetryState::afterFailure(const Verdict &verdict, QByteArrayView method)
{
    Next n;
    switch (verdict.action) {
    case Verdict::Stop:
        n.action = Next::Close;
        return n;
    case Verdict::Retry:
        ++m_failures;
        return next(verdict.retryAfterMs, false, method);
    case Verdict::OpenStream:
    case Verdict::FollowRedirect:
    case Verdict::Fail:
        break;
    }
    n.action = Next::Fail;
    return n;
}

RetryState::Next RetryState::afterStreamEnd(qint64 livedMs, QByteArrayView method)
{
    // A stream that ends at once is no success: the delay keeps growing as after failures, so
    // that a server which opens and closes (with "retry: 0", say) is not hammered. maxRetries
    // still counts from the opened stream.
    m_failures = livedMs < ShortStreamMs ? m_failuresBeforeOpen + 1 : 0;
    return next(-1, true, method);
}

RetryState::Next RetryState::next(qint64 retryAfterMs, bool afterOpenStream, QByteArrayView method)
{
    Next n;
    // Replaying a POST could repeat expensive, non-idempotent work: only when asked to.
    if (method != "GET" && !retryAnyMethod) {
        n.action = afterOpenStream ? Next::Close : Next::Fail;
        n.methodNotResent = true;
        return n;
    }
    if (maxRetries >= 0 && m_attempt >= maxRetries) {
        n.action = afterOpenStream ? Next::Close : Next::GiveUp;
        n.attempt = m_attempt;
        return n;
    }
    n.action = Next::Reconnect;
    n.delayMs =
            qMin<qint64>(backoff.delay(m_failures, retryAfterMs), std::numeric_limits<int>::max());
    n.attempt = ++m_attempt;
    return n;
}

void RedirectState::start(const QUrl &url, const QByteArray &method, const QByteArray &body)
{
    m_url = url;
    m_method = method;
    m_body = body;
    m_redirects = 0;
    m_crossedOrigin = false;
    m_bodyDropped = false;
}

Verdict RedirectState::follow(const Verdict &redirect)
{
    Q_ASSERT(redirect.action == Verdict::FollowRedirect);
    if (m_redirects >= MaxRedirects) {
        Verdict loop;
        loop.error = SseClient::RedirectError;
        loop.reason = QStringLiteral("Too many redirects (more than %1), last to %2")
                              .arg(MaxRedirects)
                              .arg(redirect.redirectUrl.toString());
        return loop;
    }
    ++m_redirects;
    if (!isSameOrigin(redirect.redirectUrl, m_url))
        m_crossedOrigin = true;
    m_url = redirect.redirectUrl;
    if (redirect.switchToGet) {
        m_method = "GET";
        m_body.clear();
        m_bodyDropped = true;
    }
    return redirect;
}

static bool isCredentialHeader(const QByteArray &name)
{
    return name.compare("Authorization", Qt::CaseInsensitive) == 0
            || name.compare("Cookie", Qt::CaseInsensitive) == 0;
}

// Fetch's request-body-header names: they describe a body, and go with it (a 303).
static bool isRequestBodyHeader(const QByteArray &name)
{
    return name.compare("Content-Type", Qt::CaseInsensitive) == 0
            || name.compare("Content-Encoding", Qt::CaseInsensitive) == 0
            || name.compare("Content-Language", Qt::CaseInsensitive) == 0
            || name.compare("Content-Location", Qt::CaseInsensitive) == 0;
}

QList<std::pair<QByteArray, QByteArray>>
RedirectState::headers(const QList<std::pair<QByteArray, QByteArray>> &configured,
                       QList<QByteArray> *rejected) const
{
    QList<std::pair<QByteArray, QByteArray>> result;
    result.reserve(configured.size() + 1);
    bool hasContentType = false;
    for (const auto &[name, value] : configured) {
        if (m_crossedOrigin && isCredentialHeader(name))
            continue;
        if (m_bodyDropped && isRequestBodyHeader(name))
            continue;
        if (name.compare("Last-Event-ID", Qt::CaseInsensitive) == 0)
            continue; // the client's lastEventId decides, so that it is never sent empty
        if (breaksHeader(name) || breaksHeader(value)) {
            if (rejected)
                rejected->append(name);
            continue;
        }
        hasContentType = hasContentType || name.compare("Content-Type", Qt::CaseInsensitive) == 0;
        result.append(std::pair(name, value));
    }
    if (!m_body.isEmpty() && !hasContentType) // as curl does; Qt would warn and do the same
        result.append({QByteArrayLiteral("Content-Type"),
                       QByteArrayLiteral("application/x-www-form-urlencoded")});
    return result;
}

} // namespace QtSsePrivate
