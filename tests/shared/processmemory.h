// SPDX-License-Identifier: BSD-3-Clause
#ifndef PROCESSMEMORY_H
#define PROCESSMEMORY_H

// This process's memory and file descriptors, read from /proc/self (Linux): what the hostile
// input tests bound and the soak samples.
#include <QtCore/qobject.h>
#include <QtCore/qtimer.h>

// The process's resident set size (/proc/self/statm), in bytes; -1 where it cannot be read.
qint64 residentBytes();
// The number of open file descriptors (/proc/self/fd), directories left out (so the one QDir
// holds open while it reads /proc/self/fd is not counted).
int openFileDescriptors();

// The peak resident memory from construction on, above what was resident then. The kernel's
// high-water mark (VmHWM) is reset through /proc/self/clear_refs, so no peak between two samples
// is missed; where that is refused, a 1 ms sampling timer (and sample()) stands in.
class PeakMemory : public QObject
{
public:
    PeakMemory();
    void sample(); // from a slot that runs while memory is in use
    qint64 growth(); // peak - baseline
    bool exact() const { return m_hwm; }
    // False under AddressSanitizer: its quarantine keeps freed memory resident (up to 256 MiB),
    // so process memory says nothing about the client's buffers there. The bounds are checked
    // by the normal build (ctest); the sanitizer build checks the same runs for memory errors.
    static constexpr bool meaningful()
    {
#if defined(__SANITIZE_ADDRESS__)
        return false;
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
        return false;
#  else
        return true;
#  endif
#else
        return true;
#endif
    }

private:
    static qint64 highWaterMark();
    qint64 m_baseline = 0;
    qint64 m_peak = 0;
    bool m_hwm = false;
    QTimer m_timer;
};

#endif // PROCESSMEMORY_H
