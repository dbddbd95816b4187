// SPDX-License-Identifier: BSD-3-Clause
#include "sserequest.h"
#include "sserequest_p.h"
#include "ssepolicy_p.h"

SseRequest::SseRequest() : d(new SseRequestPrivate) { }

SseRequest::~SseRequest() = default;

int SseRequest::attempt() const
{
    return d->attempt;
}

QUrl SseRequest::url() const
{
    return d->url;
}

void SseRequest::setUrl(const QUrl &url)
{
    d->url = url;
}

QByteArray SseRequest::method() const
{
    return d->method;
}

void SseRequest::setMethod(const QByteArray &method)
{
    d->method = method.isEmpty() ? QByteArray("GET") : method.toUpper();
}

QByteArray SseRequest::body() const
{
    return d->body;
}

void SseRequest::setBody(const QByteArray &body)
{
    d->body = body;
}

QList<std::pair<QByteArray, QByteArray>> SseRequest::rawHeaders() const
{
    return d->headers;
}

void SseRequest::setRawHeader(const QByteArray &name, const QByteArray &value)
{
    QtSsePrivate::setRawHeader(d->headers, name, value);
}

QString SseRequest::lastEventId() const
{
    return d->lastEventId;
}

void SseRequest::setLastEventId(const QString &id)
{
    d->lastEventId = id;
}
