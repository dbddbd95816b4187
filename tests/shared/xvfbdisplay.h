// SPDX-License-Identifier: BSD-3-Clause
#ifndef XVFBDISPLAY_H
#define XVFBDISPLAY_H

#include <QtCore/qbytearray.h>
#include <QtCore/qpoint.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

// A private X display for a GUI test that sends real input: Xvfb on a free display number (the
// server picks it: -displayfd), no window manager. Start it before the QGuiApplication, with
// DISPLAY set to name() and QT_QPA_PLATFORM=xcb. It is a plain child process (fork/exec, no
// QProcess: there is no QCoreApplication yet) that gets SIGTERM should the test die first.
class XvfbDisplay
{
public:
    XvfbDisplay() = default;
    ~XvfbDisplay() { stop(); }
    XvfbDisplay(const XvfbDisplay &) = delete;
    XvfbDisplay &operator=(const XvfbDisplay &) = delete;

    // Waits (at most timeoutMs) until the server accepts connections. False and *error when
    // Xvfb is missing, does not start, or says no display number in time.
    bool start(const QString &screen, int timeoutMs, QString *error);
    void stop(); // SIGTERM, then SIGKILL after 5 s; waits for it
    QByteArray name() const { return m_name; } // ":N"

private:
    long m_pid = -1;
    QByteArray m_name;
};

// xdotool on the display in $DISPLAY: real X input (XTEST), as a user's. Each call runs the
// event loop until xdotool has finished (at most 20 s), so the application keeps reacting.
// False (and a warning with xdotool's error output) when xdotool is missing or fails.
namespace XInput {
bool run(const QStringList &arguments);
bool moveTo(QPoint global); // waits until the pointer is there (--sync)
bool click(QPoint global, int button = 1); // moves there first
bool wheel(QPoint global, int steps); // steps < 0: up (button 4), > 0: down (button 5)
bool type(const QString &text); // characters, as typed on a keyboard
bool key(const QString &keys); // "ctrl+s", "Return", "ctrl+a BackSpace"
} // namespace XInput

#endif // XVFBDISPLAY_H
