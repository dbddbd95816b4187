// SPDX-License-Identifier: BSD-3-Clause
// A 401 and its answer: the question the application gets (SseAuthenticator), and how the
// client asks it, waits for the answer and retries with it (SseClientPrivate).
#include "sseauthenticator.h"
#include "sseauthenticator_p.h"
#include "sseclient_p.h"

using QtSsePrivate::Verdict;

void SseAuthenticatorPrivate::ask(int httpStatus,
                                  const QList<std::pair<QByteArray, QByteArray>> &headers,
                                  const QByteArray &body)
{
    status = httpStatus;
    responseHeaders = headers;
    responseBody = body;
    newHeaders.clear();
    answer = Answer::None;
    asking = true;
}

/*!
    \class SseAuthenticator
    \inmodule QtSse
    \inheaderfile QtSse/SseAuthenticator
    \brief A 401 and the answer to it, which may come later.

    SseClient::authenticationRequired() hands it out, as QNetworkAccessManager asks with a
    QAuthenticator, except that the answer may come later: a token refresh is usually a
    network round trip of its own.

    In a slot of SseClient::authenticationRequired(), either answer at once (setRawHeader(),
    then retry()), or call defer() and answer later, from the client's thread, with retry() or
    abandon(). The client then waits, Connecting, at most its connectTimeout. Without an
    answer the 401 stands: the attempt fails as any 401 does. One retry per 401: a second 401
    in a row stands. The headers given here replace the client's own
    (SseClient::setRawHeader()), so that the fresh credentials serve the reconnects that
    follow as well.

    Owned by the client (a child of it): keep a QPointer if you answer later. Deleting it
    while its answer is awaited lets the 401 stand at once.

    \snippet reconnect.cpp auth
*/

SseAuthenticator::SseAuthenticator(QObject *client)
    : QObject(client), d(new SseAuthenticatorPrivate)
{
}

/*!
    Destroys the authenticator; if the client still awaits its answer, the 401 stands.
*/
SseAuthenticator::~SseAuthenticator()
{
    // Deleted (by the application) while its answer is awaited: no answer will come.
    if (d->asking && d->answer == SseAuthenticatorPrivate::Answer::Deferred && d->answered)
        d->answered();
}

/*!
    Returns the status that is asked about: 401.
*/
int SseAuthenticator::httpStatus() const
{
    return d->status;
}

/*!
    Returns the 401's headers (WWW-Authenticate, say), as received.
*/
QList<std::pair<QByteArray, QByteArray>> SseAuthenticator::responseHeaders() const
{
    return d->responseHeaders;
}

/*!
    Returns the start of the 401's body (an API's explanation).
*/
QByteArray SseAuthenticator::responseBody() const
{
    return d->responseBody;
}

/*!
    Sets the header \a name to \a value for the retry and the requests after it; an empty
    \a value removes the header.
*/
void SseAuthenticator::setRawHeader(const QByteArray &name, const QByteArray &value)
{
    d->newHeaders.append({name, value});
}

/*!
    Says that the answer comes later: the client waits for retry() or abandon(), at most its
    connectTimeout.
*/
void SseAuthenticator::defer()
{
    if (d->asking && d->answer == SseAuthenticatorPrivate::Answer::None)
        d->answer = SseAuthenticatorPrivate::Answer::Deferred;
}

/*!
    Sends the request again, with the headers set by setRawHeader().
*/
void SseAuthenticator::retry()
{
    if (!d->asking) {
        qCWarning(lcSseConnection, "SseAuthenticator::retry(): no 401 waits for an answer");
        return;
    }
    const bool later = d->answer == SseAuthenticatorPrivate::Answer::Deferred;
    d->answer = SseAuthenticatorPrivate::Answer::Retry;
    if (later && d->answered)
        d->answered();
}

/*!
    Gives no new credentials: the 401 stands.
*/
void SseAuthenticator::abandon()
{
    if (!d->asking)
        return;
    const bool later = d->answer == SseAuthenticatorPrivate::Answer::Deferred;
    d->answer = SseAuthenticatorPrivate::Answer::Abandon;
    if (later && d->answered)
        d->answered();
}

bool SseClientPrivate::askForCredentials(const Verdict &verdict)
{
    Q_Q(SseClient);
    static const QMetaMethod signal = QMetaMethod::fromSignal(&SseClient::authenticationRequired);
    if (authRetried || !q->isSignalConnected(signal))
        return false;
    if (!authenticator) {
        authenticator = new SseAuthenticator(q);
        authenticator->d->answered = [this] {
            // Not under the application's call: at the next turn of the event loop.
            QMetaObject::invokeMethod(
                    q_func(),
                    [this, at = epoch] {
                        if (epoch == at)
                            onCredentialsAnswered();
                    },
                    Qt::QueuedConnection);
        };
    }
    SseAuthenticatorPrivate *const a = authenticator->d.get();
    a->ask(httpStatus, responseHeaders, responseBody);
    authVerdict = verdict;
    {
        // The 401 shows (httpStatus, errorBody) while it is asked about.
        const SseInterrupted interrupted(this);
        if (!setErrorState(error, errorString, httpStatus, responseBody))
            return true; // a slot of errorChanged() took over
        Q_EMIT q->authenticationRequired(authenticator);
        if (interrupted)
            return true; // closed, restarted or deleted from the slot
    }
    switch (a->answer) {
    case SseAuthenticatorPrivate::Answer::Retry:
        retryWithCredentials();
        return true;
    case SseAuthenticatorPrivate::Answer::Deferred:
        qCDebug(lcSseConnection) << "401: waiting for the application's credentials";
        // Waiting holds no connection: other streams to the origin may use the slot meanwhile.
        lease.release();
        awaitingCredentials = true;
        if (connectTimeout > 0)
            arm(authTimer, connectTimeout);
        return true;
    case SseAuthenticatorPrivate::Answer::None:
    case SseAuthenticatorPrivate::Answer::Abandon:
        break;
    }
    a->asking = false;
    return false; // the 401 stands
}

void SseClientPrivate::onCredentialsAnswered()
{
    if (!std::exchange(awaitingCredentials, false) || state != SseClient::Connecting)
        return;
    authTimer.stop();
    // (The application may have deleted the authenticator meanwhile: then no answer came.)
    if (authenticator && authenticator->d->answer == SseAuthenticatorPrivate::Answer::Retry) {
        retryWithCredentials();
        return;
    }
    if (authenticator)
        authenticator->d->asking = false; // abandoned, or no answer in time
    authRetried = true; // the 401 stands now, not asked about again
    applyVerdict(authVerdict);
}

void SseClientPrivate::dropQuestion()
{
    authTimer.stop();
    awaitingCredentials = false;
    if (authenticator)
        authenticator->d->asking = false;
}

void SseClientPrivate::retryWithCredentials()
{
    Q_Q(SseClient);
    SseAuthenticatorPrivate *const a = authenticator->d.get();
    a->asking = false;
    authRetried = true; // once: a second 401 in a row stands
    qCDebug(lcSseConnection) << "401: retrying with the application's credentials";
    // The client's own headers: the fresh credentials serve the reconnects after this one too.
    for (const auto &[name, value] : std::as_const(a->newHeaders))
        q->setRawHeader(name, value);
    --attemptIndex; // the same attempt, sent again
    startRequest();
}
