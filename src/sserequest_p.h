// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEREQUEST_P_H
#define SSEREQUEST_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include "sserequest.h"

class SseRequestPrivate
{
public:
    int attempt = 0;
    QUrl url;
    QByteArray method = "GET";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QString lastEventId;
};

#endif // SSEREQUEST_P_H
