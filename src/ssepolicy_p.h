// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEPOLICY_P_H
#define SSEPOLICY_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.
//
// The connection policy in one place, free of sockets and timers so that it is tested exactly:
// what a response means (open, redirect, stop, retry, fail), Retry-After, the backoff math, and
// the state that decides each next step: the retry counters (RetryState) and the request as
// redirects change it (RedirectState).

#include "sseclient.h"

#include <QtCore/qbytearrayview.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qlist.h>
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

// CR, LF or NUL in a header name or value would end it early: Qt 6.4 writes them as they are,
// so a value with "\r\n" adds request headers of its own (header injection).
QTSSE_EXPORT bool breaksHeader(QByteArrayView bytes);
// A header list's setRawHeader(): replaces a header of that name (any case); an empty value
// removes it (SseClient's and SseRequest's).
QTSSE_EXPORT void setRawHeader(QList<std::pair<QByteArray, QByteArray>> &headers,
                               const QByteArray &name, const QByteArray &value);

// Where reconnecting stands: the counters, the reconnection times, and what comes next after an
// attempt fails or a stream ends. The client asks it and says what changed (reconnectAttempt,
// serverReconnectionTime); it holds no timer and sends nothing.
class QTSSE_EXPORT RetryState
{
public:
    struct Next
    {
        enum Action {
            Reconnect, // in delayMs, as attempt number `attempt`
            Close, // for good, without an error (an ended stream that may not be re-sent)
            Fail, // for good: the verdict's error stands
            GiveUp, // for good: maxRetries attempts in a row failed (RetriesExhaustedError)
        };
        Action action = Fail;
        qint64 delayMs = 0;
        int attempt = 0; // Reconnect: the new attempt's number; GiveUp: the failed ones - 1
        bool methodNotResent = false; // Close or Fail because only GET is sent again
    };

    // Configuration (the client's properties).
    Backoff backoff; // its reconnectionTime is the one in force: use the setters below
    int maxRetries = -1; // retries in a row without an opened stream; -1: no limit
    bool retryAnyMethod = false; // else only GET is sent again

    void setReconnectionTime(qint64 ms); // the application's
    qint64 reconnectionTime() const { return m_reconnectionTime; }
    // The server's retry: (at least MinServerRetryMs), in force until reset(); -1 forgets it.
    void setServerReconnectionTime(qint64 ms);
    qint64 serverReconnectionTime() const { return m_serverReconnectionTime; }

    int attempt() const { return m_attempt; } // retries scheduled since the last opened stream
    int consecutiveFailures() const { return m_failures; }

    // open(): a new session, counters from zero, the server's retry: forgotten.
    void reset();
    // The network returned after the client waited for it: the next attempt comes at once,
    // its counters from zero (the server's retry: stays).
    void resetBackoff();
    // A stream opened: the counters restart, remembered in case the stream proves a failure.
    void streamOpened();
    // The stream that opened counts as an attempt that failed (the server's fault, such as an
    // event too large): the counters are as before it opened.
    void revertOpen();
    // An attempt ended without a stream. Stop gives Close, Fail gives Fail; Retry counts a
    // failure and backs off, the server's Retry-After a floor under the delay.
    Next afterFailure(const Verdict &verdict, QByteArrayView method);
    // An opened stream ended after livedMs: the reconnection time, or a growing backoff when it
    // lived less than ShortStreamMs.
    Next afterStreamEnd(qint64 livedMs, QByteArrayView method);

private:
    Next next(qint64 retryAfterMs, bool afterOpenStream, QByteArrayView method);

    qint64 m_reconnectionTime = 3000;
    qint64 m_serverReconnectionTime = -1;
    int m_attempt = 0;
    int m_failures = 0;
    int m_attemptBeforeOpen = 0;
    int m_failuresBeforeOpen = 0;
};

// One attempt's request as redirects change it: where it goes, with which method, body and
// headers, and how many redirects it followed. Every attempt starts at the configured request.
class QTSSE_EXPORT RedirectState
{
public:
    static constexpr int MaxRedirects = 20;

    void start(const QUrl &url, const QByteArray &method, const QByteArray &body);
    // Follows a FollowRedirect verdict and returns it, or returns the Fail verdict of a chain
    // that is too long (the request is unchanged then).
    Verdict follow(const Verdict &redirect);

    QUrl url() const { return m_url; }
    QByteArray method() const { return m_method; }
    QByteArray body() const { return m_body; }
    int redirects() const { return m_redirects; }
    bool crossedOrigin() const { return m_crossedOrigin; }

    // What of the configured headers goes with this request: Authorization and Cookie stay off
    // once the chain crossed origins, the body's headers (Content-Type, ...) once a 303 dropped
    // the body; Last-Event-ID is the client's own; a header with CR, LF or NUL never goes (its
    // name is added to rejected). A body without a Content-Type gets
    // application/x-www-form-urlencoded, as curl sends it.
    QList<std::pair<QByteArray, QByteArray>>
    headers(const QList<std::pair<QByteArray, QByteArray>> &configured,
            QList<QByteArray> *rejected = nullptr) const;

private:
    QUrl m_url;
    QByteArray m_method;
    QByteArray m_body;
    int m_redirects = 0;
    bool m_crossedOrigin = false; // Authorization/Cookie stay off for the rest of the chain
    bool m_bodyDropped = false; // a 303 turned the request into a GET: no body headers either
};

} // namespace QtSsePrivate

#endif // SSEPOLICY_P_H
