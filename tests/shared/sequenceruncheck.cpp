// SPDX-License-Identifier: BSD-3-Clause
// SequenceRun: the messages, and the check of every event the client delivers.
#include "sequencerun.h"

#include <QtSse/SseEvent>

using namespace Qt::StringLiterals;

namespace {
constexpr int MaxAnomalies = 20;
}

QByteArray SequenceRun::message(qint64 n)
{
    static const char *const words[] = {"caf\xC3\xA9",
                                        "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80",
                                        "na\xC3\xAFve",
                                        "\xE6\x97\xA5\xE6\x9C\xAC",
                                        "abc"};
    const QByteArray number = QByteArray::number(n);
    QByteArray out = number + '|';
    for (qint64 i = 0; i < 3 + n % 9; ++i)
        out += QByteArray(words[(n + i) % 6]) + ' ';
    if (n % 16 == 0)
        out += "\nsecond line \xC3\xA9";
    return out + '|' + number;
}

QString SequenceRun::Result::summary() const
{
    return u"messages %1 published, %2 delivered in order; duplicated %3, lost %4, corrupt %5; "
           "client cuts %6 (stream drops %7, attempts cut in the head %8), streams opened %9; "
           "proxy: %10 connections, %11 cuts (%12 forced), %13 bytes, cut range [%14, %15]; "
           "%16 ms"_s.arg(published)
                   .arg(delivered)
                   .arg(duplicated)
                   .arg(lost)
                   .arg(corrupt)
                   .arg(clientCuts())
                   .arg(drops)
                   .arg(failedAttempts)
                   .arg(opened)
                   .arg(proxyConnections)
                   .arg(proxyCuts)
                   .arg(forcedCuts)
                   .arg(bytes)
                   .arg(cutMin)
                   .arg(cutMax)
                   .arg(elapsedMs);
}

void SequenceRun::onEvent(const SseEvent &event)
{
    ++m_result.events;
    const QString data = event.data();
    const qsizetype bar = data.indexOf(u'|');
    bool ok = false;
    const qint64 n = bar > 0 ? QStringView(data).left(bar).toLongLong(&ok) : 0;
    if (!ok || n < 1 || n > m_result.published) {
        ++m_result.corrupt;
        anomaly(u"an event that is no published message: \"%1\""_s.arg(data.left(80)));
        return;
    }
    if (n < m_next) {
        ++m_result.duplicated;
        anomaly(u"message %1 again, after %2"_s.arg(n).arg(m_next - 1));
        return;
    }
    if (data != QString::fromUtf8(message(n))) {
        ++m_result.corrupt; // a partial event, say: the whole one must still come
        anomaly(u"message %1 is not what was published: \"%2\""_s.arg(n).arg(data));
        return;
    }
    if (m_config.checkIds && event.lastEventId() != m_ids.value(n - 1)) {
        // The id nchan gave message n; the publisher may not have its answer yet.
        if (n - 1 < m_ids.size()) {
            ++m_result.corrupt;
            anomaly(u"message %1 has id %2, nchan gave it %3"_s.arg(n).arg(event.lastEventId(),
                                                                           m_ids.value(n - 1)));
        } else {
            m_pendingIds.append({n, event.lastEventId()});
        }
    }
    if (n > m_next) {
        m_result.lost += n - m_next;
        anomaly(u"messages %1 to %2 lost"_s.arg(m_next).arg(n - 1));
    }
    m_next = n + 1;
    ++m_result.delivered;
    m_lastProgressMs = m_clock.elapsed();
    if (m_config.sampleEvery > 0 && m_result.delivered % m_config.sampleEvery == 0 && onSample)
        onSample(snapshot());
    if (m_next > m_config.messages)
        finish();
    else
        schedulePublish();
}

void SequenceRun::anomaly(const QString &what)
{
    if (m_result.anomalies.size() < MaxAnomalies)
        m_result.anomalies.append(u"[%1 ms] "_s.arg(m_clock.elapsed()) + what);
}

void SequenceRun::checkPendingIds()
{
    for (const auto &[n, id] : std::as_const(m_pendingIds)) {
        if (id != m_ids.value(n - 1)) {
            ++m_result.corrupt;
            anomaly(u"message %1 has id %2, nchan gave it %3"_s.arg(n).arg(id, m_ids.value(n - 1)));
        }
    }
    m_pendingIds.clear();
}
