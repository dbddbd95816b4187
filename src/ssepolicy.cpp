// SPDX-License-Identifier: BSD-3-Clause
#include "ssepolicy_p.h"

#include <QtCore/qlocale.h>
#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>

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

} // namespace QtSsePrivate
