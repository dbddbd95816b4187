// SPDX-License-Identifier: BSD-3-Clause
// Deletes replies and managers only once no signal of a reply is on this thread's stack.
#include "ssereplyscope_p.h"

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

namespace QtSsePrivate {

namespace {
struct Deferred
{
    QPointer<QObject> context;
    std::function<void()> run;
};

struct ThreadScopes
{
    int depth = 0;
    QList<Deferred> deferred; // in the order asked for
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
    // What runs here may open a scope again (it never does today): take the list first.
    while (!t_scopes.deferred.isEmpty()) {
        const QList<Deferred> deferred = std::exchange(t_scopes.deferred, {});
        for (const Deferred &d : deferred) {
            if (d.context)
                d.run();
        }
    }
}

bool ReplySignalScope::active()
{
    return t_scopes.depth > 0;
}

void ReplySignalScope::deleteLater(QObject *object)
{
    whenInactive(object, [object] { object->deleteLater(); });
}

void ReplySignalScope::whenInactive(QObject *context, std::function<void()> f)
{
    if (t_scopes.depth == 0)
        f();
    else
        t_scopes.deferred.append({context, std::move(f)});
}

} // namespace QtSsePrivate
