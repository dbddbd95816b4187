// SPDX-License-Identifier: BSD-3-Clause
// NginxFixture: the configuration it writes, its addresses and its diagnostics (see the header).
#include "nginxfixture.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qtemporarydir.h>

#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

static QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

static bool writeAll(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            && file.write(contents) == contents.size() && file.flush();
}

void NginxFixture::addHttpConfig(const QByteArray &text)
{
    m_httpConfig += text + '\n';
}

void NginxFixture::addServerConfig(const QByteArray &text)
{
    m_serverConfig += text + '\n';
}

void NginxFixture::addMainConfig(const QByteArray &text)
{
    m_mainConfig += text + '\n';
}

void NginxFixture::setWorkerProcesses(int count)
{
    m_workers = qMax(1, count);
}

bool NginxFixture::writeFile(const QString &relativePath, const QByteArray &contents)
{
    const QString path = m_dir->filePath(u"html/"_s + relativePath);
    QDir().mkpath(QFileInfo(path).absolutePath());
    return writeAll(path, contents) || fail(u"cannot write "_s + path);
}

bool NginxFixture::writeConfig()
{
    const QByteArray dir = QFile::encodeName(m_dir->path());
    // As many connections as the hard open-files limit allows (10,000 streams need 10,000).
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    const rlim_t nofile = qBound<rlim_t>(1024, limit.rlim_max, 65536);
    const QByteArray connections = QByteArray::number(quint64(nofile - 100));

    QByteArray locations = "root " + dir
            + "/html;\n"
              "location = /.fixture-ready { default_type text/plain; return 200 \""
            + m_readyToken
            + "\"; }\n"
              "location ~ ^/sub/(.+)$ { nchan_subscriber eventsource; nchan_channel_id $1; "
              "nchan_subscriber_first_message oldest; }\n"
              "location ~ ^/pub/(.+)$ { nchan_publisher; nchan_channel_id $1; }\n"
            + m_serverConfig;
    if (!writeAll(m_dir->filePath(u"locations.conf"_s), locations))
        return fail(u"cannot write locations.conf"_s);

    QByteArray conf = "load_module " + QFile::encodeName(nchanModulePath())
            + ";\n"
              "daemon off;\nmaster_process on;\n"
              "worker_processes "
            + QByteArray::number(m_workers)
            + ";\n"
              "worker_rlimit_nofile "
            + QByteArray::number(quint64(nofile))
            + ";\n"
              "pid "
            + dir
            + "/nginx.pid;\n"
              "error_log "
            + dir + "/error.log notice;\n";
    if (geteuid() == 0) // workers would run as nobody, without access to the private dirs
        conf += "user root;\n";
    conf += m_mainConfig;
    conf += "events { worker_connections " + connections
            + "; multi_accept on; }\n"
              "http {\n"
              "log_format fixture '$request_method $uri $server_protocol $status "
              "last-event-id=$http_last_event_id';\n"
              "access_log "
            + dir + "/access.log fixture;\n";
    for (const char *kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
        const QByteArray sub = QByteArray(kind) == "client_body" ? "body" : kind;
        conf += QByteArray(kind) + "_temp_path " + dir + "/tmp/" + sub + ";\n";
    }
    conf += "default_type application/octet-stream;\n"
            "types { text/event-stream sse; text/plain txt; text/html html; "
            "application/json json; }\n"
            "keepalive_requests 1000000;\n"
            "client_max_body_size 16m;\nclient_body_buffer_size 1m;\n"
            "nchan_shared_memory_size 256m;\n"
            "nchan_message_buffer_length 50000;\n"
            "nchan_message_timeout 1h;\n"
            "server {\n"
            "listen 127.0.0.1:"
            + QByteArray::number(m_port)
            + " backlog=4096;\n"
              "include "
            + dir + "/locations.conf;\n}\n";
    if (m_tls) {
        conf += "server {\n"
                "listen 127.0.0.1:"
                + QByteArray::number(m_tlsPort)
                + " ssl http2 backlog=4096;\n"
                  "ssl_certificate "
                + dir
                + "/tls/server.crt;\n"
                  "ssl_certificate_key "
                + dir
                + "/tls/server.key;\n"
                  "ssl_protocols TLSv1.2 TLSv1.3;\n"
                  "include "
                + dir + "/locations.conf;\n}\n";
    }
    conf += m_httpConfig + "}\n";
    return writeAll(m_dir->filePath(u"nginx.conf"_s), conf) || fail(u"cannot write nginx.conf"_s);
}

quint16 NginxFixture::port() const
{
    return m_port;
}

quint16 NginxFixture::tlsPort() const
{
    return m_tlsPort;
}

QUrl NginxFixture::url(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

QUrl NginxFixture::tlsUrl(const QString &path) const
{
    return QUrl(u"https://127.0.0.1:%1%2"_s.arg(m_tlsPort).arg(path));
}

QUrl NginxFixture::subscriberUrl(const QString &channel) const
{
    return url(u"/sub/"_s + QString::fromLatin1(QUrl::toPercentEncoding(channel)));
}

QUrl NginxFixture::publisherUrl(const QString &channel) const
{
    return url(u"/pub/"_s + QString::fromLatin1(QUrl::toPercentEncoding(channel)));
}

QString NginxFixture::locationsInclude() const
{
    return m_dir->filePath(u"locations.conf"_s);
}

QString NginxFixture::directory() const
{
    return m_dir->path();
}

QString NginxFixture::errorString() const
{
    return m_error;
}

QString NginxFixture::errorLog(qint64 offset) const
{
    QString text = QString::fromUtf8(readAll(m_dir->filePath(u"error.log"_s)).mid(offset));
    const QByteArray stderrText = readAll(m_dir->filePath(u"stderr.log"_s));
    if (!stderrText.isEmpty())
        text += u"--- stderr:\n"_s + QString::fromUtf8(stderrText);
    return text;
}

QString NginxFixture::accessLog() const
{
    return QString::fromUtf8(readAll(m_dir->filePath(u"access.log"_s)));
}

bool NginxFixture::fail(const QString &message)
{
    m_error = message;
    return false;
}
