// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSERESUMECHECK_P_H
#define SSERESUMECHECK_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.
//
// Resume verification, free of sockets so that it is tested exactly: is an event one the
// client already dispatched (a duplicate, as a server that resumes one event too early sends
// it), and does its sequence number jump (a gap: events lost between two streams)?
//
// A duplicate is the same event again: the same id, type and data. The id alone is not enough:
// a server that restarts its numbering reuses ids for new events (nchan after a restart gives
// "<second>:0", "<second>:1" ... again within the same second), and dropping those would lose
// them. A replay that differs from the original is delivered twice rather than lost.

#include "sseevent.h"

#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

namespace QtSsePrivate {

class QTSSE_EXPORT ResumeCheck
{
public:
    struct Result
    {
        bool duplicate = false; // drop it
        bool gap = false; // expected, then received, where expected < received
        qint64 expected = 0;
        qint64 received = 0;
    };

    // How many of the latest event IDs are remembered (0: no duplicate check).
    void setWindow(int events);
    int window() const { return m_window; }
    // Where an event's sequence number is: "" none (no gap check); "id" its id: field as an
    // integer; any other name, that top-level field of its JSON data (an integer).
    void setSequenceField(const QString &field);
    QString sequenceField() const { return m_sequenceField; }
    bool isActive() const { return m_window > 0 || !m_sequenceField.isEmpty(); }

    // An event, in order; hasId: it carried an id: field of its own (SseParser::eventHasId()).
    Result check(const SseEvent &event, bool hasId);
    // open(): a new session, nothing seen yet.
    void reset();

private:
    struct Seen
    {
        QString id;
        size_t content; // a hash of the type and data
        friend bool operator==(const Seen &a, const Seen &b)
        {
            return a.content == b.content && a.id == b.id;
        }
        friend size_t qHash(const Seen &s, size_t seed = 0)
        {
            return qHashMulti(seed, s.id, s.content);
        }
    };
    void remember(const Seen &event);

    int m_window = 0;
    QString m_sequenceField;
    QHash<Seen, qsizetype> m_seen; // event -> how many times it is in m_order
    QList<Seen> m_order; // a ring of the latest events, m_next the oldest once full
    qsizetype m_next = 0;
    bool m_haveSequence = false;
    qint64 m_lastSequence = 0;
};

} // namespace QtSsePrivate

#endif // SSERESUMECHECK_P_H
