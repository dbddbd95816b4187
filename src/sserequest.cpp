// SPDX-License-Identifier: BSD-3-Clause
#include "sserequest.h"
#include "sserequest_p.h"
#include "ssepolicy_p.h"

/*!
    \class SseRequest
    \inmodule QtSse
    \inheaderfile QtSse/SseRequest
    \brief One attempt's request, as the application may shape it before it goes out.

    SseClient::aboutToStartAttempt() hands it to the application before each attempt: the
    URL, the method, the body, the headers and the last event ID to resume from. It starts as
    the client's configuration says; what a slot changes holds for this attempt only (its
    redirects included), never for the next one, and the client's own properties do not
    change.

    \snippet reconnect.cpp attempt

    \sa SseClient::aboutToStartAttempt()
*/

/*!
    \fn SseRequest::SseRequest(const SseRequest &)
    Requests cannot be copied.
*/
/*!
    \fn SseRequest &SseRequest::operator=(const SseRequest &)
    Requests cannot be copied.
*/
/*!
    \fn SseRequest::SseRequest(SseRequest &&)
    Requests cannot be moved.
*/
/*!
    \fn SseRequest &SseRequest::operator=(SseRequest &&)
    Requests cannot be moved.
*/

/*!
    Constructs an empty request (the client makes them).
*/
SseRequest::SseRequest() : d(new SseRequestPrivate) { }

/*!
    Destroys the request.
*/
SseRequest::~SseRequest() = default;

/*!
    \fn int SseRequest::attempt() const
    Returns 0 for the first attempt after SseClient::open(), then 1, 2, ... for each
    reconnect (SseClient::reconnectNow() included): whether, and how, to resume.
*/
/*!
    \fn QUrl SseRequest::url() const
    Returns the URL of this attempt.
*/
/*!
    \fn void SseRequest::setUrl(const QUrl &url)
    Sends this attempt to \a url.
*/
/*!
    \fn QByteArray SseRequest::method() const
    Returns the method of this attempt.
*/
/*!
    \fn void SseRequest::setMethod(const QByteArray &method)
    Sets the \a method of this attempt, upper-cased; empty means GET.
*/
/*!
    \fn QByteArray SseRequest::body() const
    Returns the body of this attempt.
*/
/*!
    \fn void SseRequest::setBody(const QByteArray &body)
    Sets the \a body of this attempt.
*/
/*!
    \fn QList<std::pair<QByteArray, QByteArray>> SseRequest::rawHeaders() const
    Returns the extra headers of this attempt, in order.
*/
/*!
    \fn void SseRequest::setRawHeader(const QByteArray &name, const QByteArray &value)
    Replaces the header \a name (any case) by \a value; an empty \a value removes it.
    Last-Event-ID is not a header here: see setLastEventId().
*/
/*!
    \fn QString SseRequest::lastEventId() const
    Returns the last event ID this attempt resumes from.
*/
/*!
    \fn void SseRequest::setLastEventId(const QString &id)
    Resumes this attempt from \a id: sent as Last-Event-ID (or as
    SseClient::resumeQueryParameter) unless empty. The client's own lastEventId is not
    changed.
*/

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
