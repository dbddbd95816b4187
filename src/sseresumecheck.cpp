// SPDX-License-Identifier: BSD-3-Clause
#include "sseresumecheck_p.h"

#include <QtCore/qjsonobject.h>

#include <cmath>
#include <limits>

namespace QtSsePrivate {

void ResumeCheck::setWindow(int events)
{
    m_window = qMax(0, events);
    // A ring of another size: the IDs start afresh (the sequence goes on).
    m_seen.clear();
    m_order.clear();
    m_next = 0;
}

void ResumeCheck::setSequenceField(const QString &field)
{
    if (m_sequenceField == field)
        return;
    m_sequenceField = field;
    m_haveSequence = false; // another series of numbers: no gap against the last one
    m_lastSequence = 0;
}

void ResumeCheck::reset()
{
    setWindow(m_window);
    m_haveSequence = false;
    m_lastSequence = 0;
}

void ResumeCheck::remember(const Seen &event)
{
    if (m_order.size() < m_window) {
        m_order.append(event);
    } else {
        Seen &oldest = m_order[m_next];
        if (auto it = m_seen.find(oldest); it != m_seen.end() && --it.value() == 0)
            m_seen.erase(it);
        oldest = event;
        m_next = (m_next + 1) % m_window;
    }
    ++m_seen[event];
}

static bool sequenceOf(const SseEvent &event, bool hasId, const QString &field, qint64 *value)
{
    if (field == QLatin1String("id")) {
        if (!hasId)
            return false;
        bool ok = false;
        *value = event.lastEventId().toLongLong(&ok);
        return ok;
    }
    const QJsonValue v = event.json().toObject().value(field);
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 9007199254740992.0) // 2^53
        return false;
    *value = qint64(d);
    return true;
}

ResumeCheck::Result ResumeCheck::check(const SseEvent &event, bool hasId)
{
    Result r;
    // An empty id: field clears the ID (the standard): it names no event.
    if (m_window > 0 && hasId && !event.lastEventId().isEmpty()) {
        const Seen seen {event.lastEventId(), qHashMulti(0, event.type(), event.data())};
        if (m_seen.contains(seen)) {
            r.duplicate = true;
            return r;
        }
        remember(seen);
    }
    qint64 sequence = 0;
    if (m_sequenceField.isEmpty() || !sequenceOf(event, hasId, m_sequenceField, &sequence))
        return r;
    // Only a jump forward is a gap; going back (a server that restarted its numbers) is not.
    if (m_haveSequence && m_lastSequence < std::numeric_limits<qint64>::max()
        && sequence > m_lastSequence + 1) {
        r.gap = true;
        r.expected = m_lastSequence + 1;
        r.received = sequence;
    }
    m_haveSequence = true;
    m_lastSequence = sequence;
    return r;
}

} // namespace QtSsePrivate
