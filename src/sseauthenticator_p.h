// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEAUTHENTICATOR_P_H
#define SSEAUTHENTICATOR_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include "sseauthenticator.h"

#include <functional>

class SseAuthenticatorPrivate
{
public:
    enum class Answer { None, Deferred, Retry, Abandon };

    // A new question: the 401's status, headers and body; answered() runs on retry() or
    // abandon() after defer() (later, in the client's thread).
    void ask(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
             const QByteArray &body);

    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> responseHeaders;
    QByteArray responseBody;
    QList<std::pair<QByteArray, QByteArray>> newHeaders;
    Answer answer = Answer::None;
    bool asking = false; // a question is open (from ask() to its answer, or until it lapses)
    std::function<void()> answered; // set by the client
};

#endif // SSEAUTHENTICATOR_P_H
