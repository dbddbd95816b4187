// SPDX-License-Identifier: BSD-3-Clause
// SseClientPrivate: what follows an attempt that did not open a stream, or a stream that ended:
// timeouts, the verdict, and the next attempt (the policy itself is in ssepolicy.cpp).
#include "sseclient_p.h"

using QtSsePrivate::Verdict;

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
    QString reason = v.reason;
    if (!responseBody.isEmpty())
        reason += QStringLiteral(": ") + QString::fromUtf8(responseBody).simplified();
    const SseInterrupted interrupted(this);
    setError(v.error, reason, &responseBody);
    if (interrupted)
        return; // closed, restarted or deleted from a slot
    if (v.action == Verdict::Retry) {
        ++consecutiveFailures;
        scheduleRetry(v, false);
    } else {
        finishFor(SseClient::Failed);
    }
}

void SseClientPrivate::scheduleRetry(const Verdict &failure, bool afterOpenStream)
{
    Q_Q(SseClient);
    if (method != "GET" && !retryAnyMethod) {
        qCInfo(lcSsePolicy) << "not re-sending a" << method << "request (retryAnyMethod is off)";
        finishFor(afterOpenStream ? SseClient::Closed : SseClient::Failed);
        return;
    }
    if (maxRetries >= 0 && attempt >= maxRetries) {
        if (afterOpenStream) {
            finishFor(SseClient::Closed);
            return;
        }
        const SseInterrupted interrupted(this);
        setError(SseClient::RetriesExhaustedError,
                 QStringLiteral("Gave up after %1 attempt(s) in a row: %2")
                         .arg(attempt + 1)
                         .arg(errorString));
        if (!interrupted)
            finishFor(SseClient::Failed);
        return;
    }
    const qint64 delay = backoff.delay(consecutiveFailures, failure.retryAfterMs);
    const int delayMs = int(qMin<qint64>(delay, std::numeric_limits<int>::max()));
    const SseInterrupted interrupted(this);
    setReconnectAttempt(attempt + 1);
    if (interrupted)
        return; // closed, restarted or deleted from a slot
    setNextRetryTime(QDateTime::currentDateTime().addMSecs(delayMs));
    if (interrupted)
        return;
    setState(SseClient::Reconnecting);
    if (interrupted || state != SseClient::Reconnecting)
        return;
    qCDebug(lcSsePolicy) << "attempt" << attempt << "in" << delayMs << "ms";
    arm(retryTimer, delayMs);
    Q_EMIT q->reconnectScheduled(attempt, delayMs);
}
