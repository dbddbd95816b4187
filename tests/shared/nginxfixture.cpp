// SPDX-License-Identifier: BSD-3-Clause
// NginxFixture: start, stop and restart of the private nginx (see the header).
#include "nginxfixture.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qrandom.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

static constexpr int StartTimeoutMs = 20000;
static constexpr int StopTimeoutMs = 15000;

NginxFixture::NginxFixture() : m_dir(std::make_unique<QTemporaryDir>())
{
    m_readyToken = "nginx-fixture-" + QByteArray::number(QRandomGenerator::global()->generate64());
    QDir root(m_dir->path());
    for (const char *sub :
         {"html", "tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "tls"})
        root.mkpath(QString::fromLatin1(sub));
}

NginxFixture::~NginxFixture()
{
    stop();
}

QString NginxFixture::nginxPath()
{
    const QString path = qEnvironmentVariable("QTSSE_NGINX", u"/usr/sbin/nginx"_s);
    if (QFileInfo(path).isExecutable())
        return path;
    return qEnvironmentVariableIsSet("QTSSE_NGINX") ? QString()
                                                    : QStandardPaths::findExecutable(u"nginx"_s);
}

QString NginxFixture::nchanModulePath()
{
    const QString path = qEnvironmentVariable("QTSSE_NCHAN_MODULE",
                                              u"/usr/lib/nginx/modules/ngx_nchan_module.so"_s);
    return QFileInfo::exists(path) ? QFileInfo(path).absoluteFilePath() : QString();
}

QString NginxFixture::unavailableReason()
{
    QStringList missing;
    if (nginxPath().isEmpty())
        missing << u"nginx (package nginx-light)"_s;
    if (nchanModulePath().isEmpty())
        missing << u"the nchan module (package libnginx-mod-nchan)"_s;
    if (missing.isEmpty())
        return {};
    return u"not installed: %1; run scripts/setup.sh (packages in scripts/packages.txt)"_s.arg(
            missing.join(u" and "_s));
}

quint16 NginxFixture::freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

bool NginxFixture::start()
{
    if (isRunning())
        return true;
    if (const QString why = unavailableReason(); !why.isEmpty())
        return fail(why);
    if (!m_dir->isValid())
        return fail(u"no temporary directory: "_s + m_dir->errorString());
    // The first start picks free ports; if one was taken in the meantime, pick others.
    const bool firstStart = m_port == 0;
    for (int attempt = 0; attempt < (firstStart ? 5 : 1); ++attempt) {
        if (launch(firstStart))
            return true;
        if (!errorLog(m_logOffset).contains(u"Address already in use"_s))
            return false;
    }
    return false;
}

bool NginxFixture::launch(bool pickPorts)
{
    if (pickPorts) {
        QTcpServer plain, tls; // both open at once, so that the two ports differ
        if (!plain.listen(QHostAddress::LocalHost, 0)
            || (m_tls && !tls.listen(QHostAddress::LocalHost, 0)))
            return fail(u"no free port on 127.0.0.1"_s);
        m_port = plain.serverPort();
        m_tlsPort = m_tls ? tls.serverPort() : 0;
    }
    if (!writeConfig())
        return false;
    // restart(): another process may hold a just-released port for a moment (it cannot stay
    // there: a port is only reused by the kernel after a while). Retry the bind for 10 s.
    const QDeadlineTimer bindDeadline(pickPorts ? 0 : 10000);
    for (;;) {
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(nginxPath());
        m_process->setArguments({u"-p"_s, m_dir->path() + u'/', u"-c"_s,
                                 m_dir->filePath(u"nginx.conf"_s), u"-e"_s,
                                 m_dir->filePath(u"error.log"_s)});
        m_process->setStandardOutputFile(m_dir->filePath(u"stdout.log"_s), QIODevice::Append);
        m_process->setStandardErrorFile(m_dir->filePath(u"stderr.log"_s), QIODevice::Append);
        m_process->setChildProcessModifier([] {
            setpgid(0, 0); // its own group: stop() can reach stray workers
            prctl(PR_SET_PDEATHSIG, SIGTERM); // never outlive the test
        });
        m_logOffset = QFileInfo(m_dir->filePath(u"error.log"_s)).size();
        m_process->start();
        if (!m_process->waitForStarted(StartTimeoutMs)) {
            const QString why = m_process->errorString();
            m_process.reset();
            return fail(u"cannot start nginx: "_s + why);
        }
        if (waitUntilServing(StartTimeoutMs))
            return true;
        const bool inUse = errorLog(m_logOffset).contains(u"Address already in use"_s);
        stop();
        if (!inUse || bindDeadline.hasExpired())
            return false;
        QThread::msleep(200); // let the port's holder go away
    }
}

bool NginxFixture::waitUntilServing(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    const QByteArray request = "GET /.fixture-ready HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Connection: close\r\n\r\n";
    while (!deadline.hasExpired()) {
        if (m_process->state() == QProcess::NotRunning || m_process->waitForFinished(0)) {
            return fail(u"nginx exited with status %1 at start; error log:\n%2"_s
                                .arg(m_process->exitCode())
                                .arg(errorLog(m_logOffset)));
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(1000)) {
            socket.write(request);
            QByteArray answer;
            while (socket.waitForReadyRead(2000))
                answer += socket.readAll();
            answer += socket.readAll();
            if (answer.startsWith("HTTP/1.1 200") && answer.endsWith(m_readyToken))
                return true;
        }
        m_process->waitForFinished(20); // a pause that notices an exit at once
    }
    return fail(u"nginx did not serve on port %1 within %2 ms; error log:\n%3"_s.arg(m_port)
                        .arg(timeoutMs)
                        .arg(errorLog(m_logOffset)));
}

bool NginxFixture::stop()
{
    if (!m_process)
        return true;
    const qint64 pid = m_process->processId();
    bool ok = true;
    if (m_process->state() != QProcess::NotRunning && pid > 0) {
        ::kill(pid_t(pid), SIGTERM); // fast shutdown: the master stops its workers, then exits
        if (!m_process->waitForFinished(StopTimeoutMs)) {
            ok = fail(u"nginx (pid %1) did not exit within %2 ms of SIGTERM; killed"_s.arg(pid).arg(
                    StopTimeoutMs));
            ::kill(-pid_t(pid), SIGKILL);
            m_process->waitForFinished(StopTimeoutMs);
        }
    }
    if (pid > 0 && ::kill(-pid_t(pid), 0) == 0) // a worker outlived its master
        ::kill(-pid_t(pid), SIGKILL);
    m_process.reset();
    return ok;
}

bool NginxFixture::restart()
{
    if (m_port == 0)
        return fail(u"restart() before start()"_s);
    return stop() && launch(false);
}

bool NginxFixture::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 NginxFixture::pid() const
{
    return isRunning() ? m_process->processId() : 0;
}
