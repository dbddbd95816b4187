// SPDX-License-Identifier: BSD-3-Clause
// SseSource's default property, the SseEventHandler children, and its dispatch of events to them.
#include "ssesource.h"

// Handlers: the source dispatches each event to the listed handlers of its type itself, after
// its own eventReceived(), rather than registering each handler as an SseClient listener: one
// string comparison per event instead of the client's listener call, so that a handler costs
// no more than SseSource's own onEventReceived (issue 17; bench_qml's qml-handler row).
void SseSource::attach(SseEventHandler *handler)
{
    handlersChanged();
    if (!handler->m_sources.contains(this))
        handler->m_sources.append(this); // listed twice: dispatched to once all the same
}

void SseSource::detach(SseEventHandler *handler)
{
    handlersChanged();
    if (handler && !m_handlers.contains(handler))
        handler->m_sources.removeAll(this);
}

void SseSource::handlerDestroyed(SseEventHandler *handler)
{
    m_handlers.removeAll(handler);
    handlersChanged();
}

void SseSource::dispatchToHandlers(const SseEvent &event, const bool &alive)
{
    if (m_handlers.isEmpty())
        return;
    if (m_dispatchGeneration != m_handlersGeneration || m_dispatchType != event.type()) {
        m_dispatchTargets.clear();
        for (SseEventHandler *handler : std::as_const(m_handlers)) {
            if (handler->type() == event.type() && !m_dispatchTargets.contains(handler))
                m_dispatchTargets.append(handler);
        }
        m_dispatchType = event.type();
        m_dispatchGeneration = m_handlersGeneration;
    }
    if (m_dispatchTargets.isEmpty())
        return;
    // A handler may change the handlers (destroy one, retype one, clear the list): of the
    // later ones, this event still goes to those listed with its type (handlers added or
    // retyped to it get the next event). A handler that deletes the source, closes or
    // reconnects the stream, or gives the source a new url, method or body, ends the event's
    // delivery.
    if (m_dispatchTargets.size() == 1) { // the common case: nothing to revisit after it
        if (isDelivering())
            m_dispatchTargets.first()->dispatch(event);
        return;
    }
    const quint64 generation = m_handlersGeneration;
    const QList<SseEventHandler *> targets = m_dispatchTargets;
    for (SseEventHandler *handler : targets) {
        if (!alive)
            return; // a handler deleted the source
        if (m_handlersGeneration != generation
            && (!m_handlers.contains(handler) || handler->type() != event.type()))
            continue;
        if (!isDelivering())
            return;
        handler->dispatch(event);
    }
}

QQmlListProperty<SseEventHandler> SseSource::handlers()
{
    return QQmlListProperty<SseEventHandler>(this, nullptr, &appendHandler, &handlerCount,
                                             &handlerAt, &clearHandlers, &replaceHandler,
                                             &removeLastHandler);
}

void SseSource::appendHandler(QQmlListProperty<SseEventHandler> *list, SseEventHandler *handler)
{
    auto *self = static_cast<SseSource *>(list->object);
    if (!handler)
        return;
    self->m_handlers.append(handler);
    self->attach(handler);
}

qsizetype SseSource::handlerCount(QQmlListProperty<SseEventHandler> *list)
{
    return static_cast<SseSource *>(list->object)->m_handlers.size();
}

SseEventHandler *SseSource::handlerAt(QQmlListProperty<SseEventHandler> *list, qsizetype index)
{
    return static_cast<SseSource *>(list->object)->m_handlers.value(index);
}

void SseSource::clearHandlers(QQmlListProperty<SseEventHandler> *list)
{
    auto *self = static_cast<SseSource *>(list->object);
    const QList<SseEventHandler *> old = std::exchange(self->m_handlers, {});
    for (SseEventHandler *handler : old)
        self->detach(handler);
}

void SseSource::replaceHandler(QQmlListProperty<SseEventHandler> *list, qsizetype index,
                               SseEventHandler *handler)
{
    auto *self = static_cast<SseSource *>(list->object);
    if (index < 0 || index >= self->m_handlers.size())
        return;
    SseEventHandler *old = std::exchange(self->m_handlers[index], handler);
    self->detach(old);
    if (handler)
        self->attach(handler);
}

void SseSource::removeLastHandler(QQmlListProperty<SseEventHandler> *list)
{
    auto *self = static_cast<SseSource *>(list->object);
    if (!self->m_handlers.isEmpty())
        self->detach(self->m_handlers.takeLast());
}
