// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEPOLICY_P_H
#define SSEPOLICY_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.
//
// The connection policy in one place, free of sockets and timers so that it is tested exactly:
// what a response means (open, redirect, stop, retry, fail), Retry-After, and the backoff math.

#include "sseclient.h"

#include <QtCore/qbytearrayview.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qnetworkreply.h>

#include <functional>

namespace QtSsePrivate {

struct Verdict
{
    enum Action {
        OpenStream, // 200 + text/event-stream
        FollowRedirect, // redirectUrl, with the method possibly turned into GET
        Stop, // 204: ended for good without an error
        Retry, // retryable: back off (retryAfterMs >= 0 replaces the delay)
        Fail, // fatal: error + reason
    };
    Action action = Fail;
    SseClient::Error error = SseClient::NoError;
    QString reason;
    QUrl redirectUrl;
    bool switchToGet = false;
    qint64 retryAfterMs = -1;
};

struct ResponseInfo
{
    int status = 0;
    QByteArray reasonPhrase;
    QByteArray contentType;
    QByteArray location;
    QByteArray retryAfter;
};

QTSSE_EXPORT bool isEventStreamContentType(QByteArrayView contentType);
QTSSE_EXPORT bool isRedirectStatus(int status);
QTSSE_EXPORT bool isRetryableStatus(int status);
// Seconds (delta) or an HTTP date; -1 when absent or invalid. Never negative otherwise.
QTSSE_EXPORT qint64 parseRetryAfter(QByteArrayView value, const QDateTime &now);
QTSSE_EXPORT bool isSameOrigin(const QUrl &a, const QUrl &b);

// What to do with a response whose headers arrived. requestUrl resolves a relative Location.
QTSSE_EXPORT Verdict classifyResponse(const ResponseInfo &response, const QUrl &requestUrl,
                                      const QByteArray &method, const QDateTime &now);
// What to do with a request that ended without a response (a transport error).
QTSSE_EXPORT Verdict classifyNetworkError(QNetworkReply::NetworkError error,
                                          const QString &errorString);

// The reconnect delay. An opened stream that ended waits the reconnection time; the n-th
// consecutive failure waits reconnectionTime * 2^(n-1), capped at max(maxDelay,
// reconnectionTime) (a cap never makes the client reconnect earlier than the server's
// retry:). A server's Retry-After (atLeast) is a floor under that, never a replacement: a
// "Retry-After: 0" or a date in the past cannot make the client skip its backoff. Jitter then
// lengthens the delay by up to 50%, never shortens it, so that clients dropped together do not
// return together, even at the cap or after the same Retry-After.
struct QTSSE_EXPORT Backoff
{
    qint64 reconnectionTime = 3000;
    qint64 maxDelay = 30000;
    bool jitter = true;
    std::function<double()> random; // uniform in [0, 1); QRandomGenerator::global() if empty

    qint64 baseDelay(int consecutiveFailures) const;
    qint64 delay(int consecutiveFailures, qint64 atLeast = -1) const;
};

// The least reconnection time a server's "retry:" may set: "retry: 0" would otherwise make a
// stream that opens and ends at once a busy loop of connections.
constexpr qint64 MinServerRetryMs = 100;
// An opened stream that ends sooner than this after it opened counts as a failed attempt for
// the backoff (the delay grows), though not for maxRetries (an opened stream resets that count).
constexpr qint64 ShortStreamMs = 1000;

} // namespace QtSsePrivate

#endif // SSEPOLICY_P_H
