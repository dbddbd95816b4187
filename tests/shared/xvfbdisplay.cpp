// SPDX-License-Identifier: BSD-3-Clause
#include "xvfbdisplay.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtimer.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

bool XvfbDisplay::start(const QString &screen, int timeoutMs, QString *error)
{
    stop();
    int fds[2];
    if (::pipe(fds) != 0) {
        *error = u"pipe: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC); // the write end stays open in Xvfb only
    // Everything the child needs, prepared before fork(): it only calls async-signal-safe
    // functions.
    const QByteArray fd = QByteArray::number(fds[1]);
    const QByteArray screenSpec = screen.toLocal8Bit();
    const pid_t pid = ::fork();
    if (pid < 0) {
        *error = u"fork: %1"_s.arg(QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fds[0]);
        ::close(fds[1]);
        return false;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM); // the test crashed or was killed: Xvfb goes too
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0)
            ::dup2(null, STDOUT_FILENO);
        ::execlp("Xvfb", "Xvfb", "-displayfd", fd.constData(), "-screen", "0",
                 screenSpec.constData(), "-nolisten", "tcp", "-noreset",
                 static_cast<char *>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    m_pid = pid;

    // Xvfb writes the display number and a newline once it accepts connections.
    QByteArray number;
    const QDeadlineTimer deadline(timeoutMs);
    while (!number.endsWith('\n')) {
        pollfd pfd {fds[0], POLLIN, 0};
        const int ready = ::poll(&pfd, 1, int(qMax<qint64>(0, deadline.remainingTime())));
        if (ready < 0 && errno == EINTR)
            continue;
        char buffer[16];
        const ssize_t n = ready > 0 ? ::read(fds[0], buffer, sizeof buffer) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        number.append(buffer, n);
    }
    ::close(fds[0]);
    if (number.endsWith('\n')) {
        m_name = ':' + number.trimmed();
        return true;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
        m_pid = -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            *error = u"Xvfb not found (Debian package xvfb)"_s;
        else
            *error = u"Xvfb exited (status %1) before it named a display"_s.arg(status);
    } else {
        *error = u"Xvfb named no display within %1 ms"_s.arg(timeoutMs);
        stop();
    }
    return false;
}

void XvfbDisplay::stop()
{
    if (m_pid <= 0)
        return;
    const auto pid = pid_t(m_pid);
    m_pid = -1;
    m_name.clear();
    ::kill(pid, SIGTERM);
    const QDeadlineTimer deadline(5000);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (deadline.hasExpired()) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return;
        }
        ::usleep(10 * 1000); // polling a child's exit, not synchronising the test
    }
}

namespace XInput {

bool run(const QStringList &arguments)
{
    QProcess xdotool;
    xdotool.setProgram(u"xdotool"_s);
    xdotool.setArguments(arguments);
    QEventLoop loop;
    QObject::connect(&xdotool, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&xdotool, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    xdotool.start();
    if (xdotool.state() != QProcess::NotRunning)
        loop.exec();
    if (xdotool.state() != QProcess::NotRunning) {
        qWarning("xdotool %s: no answer within 20 s", qPrintable(arguments.join(u' ')));
        xdotool.kill();
        xdotool.waitForFinished(5000);
        return false;
    }
    if (xdotool.error() == QProcess::FailedToStart) {
        qWarning("xdotool not found (Debian package xdotool)");
        return false;
    }
    if (xdotool.exitStatus() != QProcess::NormalExit || xdotool.exitCode() != 0) {
        qWarning("xdotool %s failed: %s", qPrintable(arguments.join(u' ')),
                 xdotool.readAllStandardError().constData());
        return false;
    }
    return true;
}

bool moveTo(QPoint global)
{
    return run({u"mousemove"_s, u"--sync"_s, QString::number(global.x()),
                QString::number(global.y())});
}

bool click(QPoint global, int button)
{
    return moveTo(global) && run({u"click"_s, QString::number(button)});
}

bool wheel(QPoint global, int steps)
{
    if (!moveTo(global))
        return false;
    return steps == 0
            || run({u"click"_s, u"--repeat"_s, QString::number(qAbs(steps)), u"--delay"_s, u"30"_s,
                    steps < 0 ? u"4"_s : u"5"_s});
}

bool type(const QString &text)
{
    return run({u"type"_s, u"--delay"_s, u"20"_s, u"--"_s, text});
}

bool key(const QString &keys)
{
    return run(QStringList {u"key"_s, u"--delay"_s, u"30"_s, u"--"_s} + keys.split(u' '));
}

} // namespace XInput
