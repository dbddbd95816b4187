// SPDX-License-Identifier: BSD-3-Clause
// Deletes replies and managers only once no signal of a reply is on this thread's stack.
#include "ssereplyscope_p.h"

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <utility>

namespace QtSsePrivate {

namespace {
struct ThreadScopes
{
    int depth = 0;
    QList<QPointer<QObject>> doomed; // in the order asked for
};

thread_local ThreadScopes t_scopes;
} // namespace

ReplySignalScope::ReplySignalScope()
{
    ++t_scopes.depth;
}

ReplySignalScope::~ReplySignalScope()
{
    if (--t_scopes.depth > 0)
        return;
    for (const QPointer<QObject> &object : std::exchange(t_scopes.doomed, {})) {
        if (object)
            object->deleteLater();
    }
}

void ReplySignalScope::deleteLater(QObject *object)
{
    if (t_scopes.depth == 0)
        object->deleteLater();
    else
        t_scopes.doomed.append(object);
}

} // namespace QtSsePrivate
