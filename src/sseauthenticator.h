// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEAUTHENTICATOR_H
#define SSEAUTHENTICATOR_H

#include <QtSse/qtsse_export.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>

#include <memory>
#include <utility>

class SseAuthenticatorPrivate;
class SseClientPrivate;

// A 401 and the answer to it (SseClient::authenticationRequired()), as QNetworkAccessManager
// asks with a QAuthenticator, except that the answer may come later: a token refresh is
// usually a network round trip of its own.
//
// In a slot of authenticationRequired(), either answer at once (setRawHeader(), then retry()),
// or call defer() and answer later, from the client's thread, with retry() or abandon(). The
// client then waits, Connecting, at most its connectTimeout(). Without an answer the 401
// stands: the attempt fails as any 401 does. One retry per 401: a second 401 in a row stands.
// The headers given here replace the client's own (SseClient::setRawHeader()), so that the
// fresh credentials serve the reconnects that follow as well.
//
// Owned by the client (a child of it): keep a QPointer if you answer later.
class QTSSE_EXPORT SseAuthenticator : public QObject
{
    Q_OBJECT
public:
    ~SseAuthenticator() override;

    int httpStatus() const; // 401
    // The 401's headers (WWW-Authenticate, say) and the start of its body (an API's error).
    QList<std::pair<QByteArray, QByteArray>> responseHeaders() const;
    QByteArray responseBody() const;

    // A header for the retry and after it (an empty value removes the header).
    void setRawHeader(const QByteArray &name, const QByteArray &value);
    // The answer comes later: the client waits for retry() or abandon().
    void defer();
    // Send the request again, with the headers set above.
    void retry();
    // No new credentials: the 401 stands.
    void abandon();

private:
    friend class SseClientPrivate;
    explicit SseAuthenticator(QObject *client);
    std::unique_ptr<SseAuthenticatorPrivate> d;
};

#endif // SSEAUTHENTICATOR_H
