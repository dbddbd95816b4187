// SPDX-License-Identifier: BSD-3-Clause
// SseSource's default property: the SseEventHandler children, each an SseClient listener.
#include "ssesource.h"

// Handlers: each listed handler is one SseClient listener for its type, with the handler as
// the context object, so destroying it removes the listener (Qt's connection semantics).
void SseSource::attach(SseEventHandler *handler)
{
    if (m_listeners.contains(handler))
        return; // listed twice: registered once
    auto listen = [this, handler] {
        const auto deliver = [this, handler](const SseEvent &event) {
            if (!isStale())
                handler->dispatch(event);
        };
        m_client->removeEventListener(m_listeners.value(handler));
        m_listeners.insert(handler, m_client->addEventListener(handler->type(), handler, deliver));
    };
    listen();
    connect(handler, &SseEventHandler::typeChanged, this, listen);
    connect(handler, &QObject::destroyed, this, [this, handler] {
        m_listeners.remove(handler);
        m_handlers.removeAll(handler);
    });
}

void SseSource::detach(SseEventHandler *handler)
{
    if (!handler || m_handlers.contains(handler))
        return;
    m_client->removeEventListener(m_listeners.take(handler));
    disconnect(handler, nullptr, this, nullptr);
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
