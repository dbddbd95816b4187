// SPDX-License-Identifier: BSD-3-Clause
#include "sseauthenticator.h"
#include "sseauthenticator_p.h"

#include <QtCore/qloggingcategory.h>

Q_DECLARE_LOGGING_CATEGORY(lcSseConnection)

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

SseAuthenticator::SseAuthenticator(QObject *client)
    : QObject(client), d(new SseAuthenticatorPrivate)
{
}

SseAuthenticator::~SseAuthenticator() = default;

int SseAuthenticator::httpStatus() const
{
    return d->status;
}

QList<std::pair<QByteArray, QByteArray>> SseAuthenticator::responseHeaders() const
{
    return d->responseHeaders;
}

QByteArray SseAuthenticator::responseBody() const
{
    return d->responseBody;
}

void SseAuthenticator::setRawHeader(const QByteArray &name, const QByteArray &value)
{
    d->newHeaders.append({name, value});
}

void SseAuthenticator::defer()
{
    if (d->asking && d->answer == SseAuthenticatorPrivate::Answer::None)
        d->answer = SseAuthenticatorPrivate::Answer::Deferred;
}

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

void SseAuthenticator::abandon()
{
    if (!d->asking)
        return;
    const bool later = d->answer == SseAuthenticatorPrivate::Answer::Deferred;
    d->answer = SseAuthenticatorPrivate::Answer::Abandon;
    if (later && d->answered)
        d->answered();
}
