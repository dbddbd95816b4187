// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEREQUEST_H
#define SSEREQUEST_H

#include <QtSse/qtsse_export.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>

#include <memory>
#include <utility>

class SseRequestPrivate;

// One attempt's request, as the application may shape it before it goes out
// (SseClient::aboutToStartAttempt()): the URL, the method, the body, the headers and the last
// event ID to resume from. It starts as the client's configuration says; what a slot changes
// holds for this attempt only (its redirects included), never for the next one.
class QTSSE_EXPORT SseRequest
{
public:
    SseRequest();
    ~SseRequest();
    Q_DISABLE_COPY_MOVE(SseRequest)

    // 0 for the first attempt after open(), then 1, 2, ... for each reconnect (reconnectNow()
    // included): whether, and how, to resume.
    int attempt() const;

    QUrl url() const;
    void setUrl(const QUrl &url);
    QByteArray method() const;
    void setMethod(const QByteArray &method); // upper-cased; empty: GET
    QByteArray body() const;
    void setBody(const QByteArray &body);
    QList<std::pair<QByteArray, QByteArray>> rawHeaders() const;
    // Replaces a header of that name (any case); an empty value removes it. Last-Event-ID is
    // not a header here: see setLastEventId().
    void setRawHeader(const QByteArray &name, const QByteArray &value);
    // Sent as Last-Event-ID (or as SseClient::resumeQueryParameter) unless empty. The client's
    // own lastEventId() is not changed.
    QString lastEventId() const;
    void setLastEventId(const QString &id);

private:
    friend class SseClientPrivate;
    std::unique_ptr<SseRequestPrivate> d;
};

#endif // SSEREQUEST_H
