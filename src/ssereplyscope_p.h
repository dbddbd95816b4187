// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEREPLYSCOPE_P_H
#define SSEREPLYSCOPE_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace QtSsePrivate {

// Marks, on the stack, that a QNetworkReply's signal is being handled in this thread.
//
// Qt runs a deleteLater() in the event loop it was called from. Called from a slot's nested
// event loop (a modal dialog inside eventReceived) it frees the reply, or its manager, in that
// nested loop, while the reply's readyRead() is still being emitted further down the stack: a
// use-after-free inside Qt. So the client and the pool never delete a reply or a manager
// directly: deleteLater() here defers it to the end of the outermost scope, from where Qt's own
// deferred delete runs only once the emission has returned to its event loop.
class ReplySignalScope
{
public:
    ReplySignalScope();
    ~ReplySignalScope();
    Q_DISABLE_COPY_MOVE(ReplySignalScope)

    // object->deleteLater() now when no scope is active, else when the outermost one ends.
    static void deleteLater(QObject *object);
};

} // namespace QtSsePrivate

#endif // SSEREPLYSCOPE_P_H
