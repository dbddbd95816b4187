// SPDX-License-Identifier: BSD-3-Clause
#include "processmemory.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>

#include <unistd.h>

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().simplified().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

int openFileDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

qint64 PeakMemory::highWaterMark()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).simplified().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

PeakMemory::PeakMemory()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    // "5" resets the peak resident set size (Linux 4.0).
    m_hwm = clear.open(QIODevice::WriteOnly) && clear.write("5") == 1 && clear.flush();
    m_baseline = residentBytes();
    m_peak = m_baseline;
    m_hwm = m_hwm && highWaterMark() >= 0 && highWaterMark() <= m_baseline + 1024 * 1024;
    if (!m_hwm) {
        connect(&m_timer, &QTimer::timeout, this, &PeakMemory::sample);
        m_timer.start(1);
    }
}

void PeakMemory::sample()
{
    m_peak = qMax(m_peak, residentBytes());
}

qint64 PeakMemory::growth()
{
    sample();
    if (m_hwm)
        m_peak = qMax(m_peak, highWaterMark());
    return m_peak - m_baseline;
}
