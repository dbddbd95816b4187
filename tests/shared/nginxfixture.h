// SPDX-License-Identifier: BSD-3-Clause
#ifndef NGINXFIXTURE_H
#define NGINXFIXTURE_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>

#include <memory>

QT_BEGIN_NAMESPACE
class QProcess;
class QSslCertificate;
class QTemporaryDir;
QT_END_NAMESPACE

// A private nginx (Debian nginx-light) with the nchan module, for tests against a real
// production SSE server. Link the QtSseNginxFixture library (tests/shared/CMakeLists.txt).
//
// Each fixture writes its own configuration into a QTemporaryDir (pid file, error and access
// logs, every *_temp_path, a document root), listens on free 127.0.0.1 ports only, and runs
// nginx in the foreground (daemon off, one master + worker_processes workers) as a child
// process in its own process group. stop() sends SIGTERM to that PID and waits for it to exit
// (nginx's master exits only after its workers): afterwards the ports are free. The destructor
// always stops nginx; if the test process dies, nginx gets SIGTERM too (PR_SET_PDEATHSIG).
//
// Usage:
//     NGINX_FIXTURE_SKIP_IF_UNAVAILABLE();   // QSKIP naming scripts/setup.sh if not installed
//     NginxFixture nginx;
//     nginx.enableTls();                      // optional, before start()
//     QVERIFY2(nginx.start(), qPrintable(nginx.errorString()));
//     SseClient client(nginx.subscriberUrl(u"ch"_s));   // http://127.0.0.1:PORT/sub/ch
//     client.open();
//     QStringList ids;
//     QVERIFY2(nginx.publish(u"ch"_s, "hello", &ids), qPrintable(nginx.errorString()));
//     // ids.first() is the id nchan gave the message (e.g. "1795658428:0"), the same as the
//     // subscriber's SseEvent::lastEventId(). On failure print nginx.errorLog().
//
// nchan as configured here:
//  - GET /sub/<channel> is an EventSource subscriber (`nchan_subscriber eventsource`): a
//    close-delimited text/event-stream ("Connection: keep-alive", neither chunked nor a length)
//    that starts with the comment ": hi", then one event per message: "id: <time>:<tag>" and
//    "data:" lines (a message with newlines gives several data lines). No pings.
//  - POST /pub/<channel> publishes the body as one message (201/202); GET shows channel info.
//  - A channel keeps 50,000 messages for an hour. A subscriber without Last-Event-ID gets the
//    stored messages from the oldest (`nchan_subscriber_first_message oldest`), then new ones.
//  - Message ids are "<unix seconds>:<n>", n counting from 0 within a second. Last-Event-ID
//    resumes after that message. Messages live in memory only: a restart() empties every channel.
//    Measured (nchan 1.3.6) after a restart within the same second, when new ids ("T:0",
//    "T:1", ...) sort below the client's Last-Event-ID ("T:2"): a subscriber that arrives while
//    the channel is still empty gets every new message; one that arrives after messages were
//    published skips every message whose id sorts below its Last-Event-ID. So after a restart,
//    let the client reconnect before publishing, or publish only in a later second (tst_nchan).
//  - The same locations are on the https server (enableTls()).
//
// Scale: worker_connections and worker_rlimit_nofile are raised to the hard RLIMIT_NOFILE
// (minus a margin), listen backlog 4096, keepalive_requests 1,000,000 (pipelined publishing).
// publishBatch() pipelines all POSTs on one keep-alive connection, in order; 10,000 small
// messages take well under a second here.
//
// All blocking helpers (start, stop, restart) block the calling thread without an event loop;
// publish() and publishBatch() run a local QEventLoop while they wait, so in-process servers,
// proxies and clients of the test keep working meanwhile.
class NginxFixture
{
public:
    NginxFixture();
    ~NginxFixture(); // stop()

    // Empty if nginx and the nchan module are installed; else a message naming scripts/setup.sh.
    static QString unavailableReason();
    // $QTSSE_NGINX, else /usr/sbin/nginx, else nginx on PATH; empty if missing.
    static QString nginxPath();
    // $QTSSE_NCHAN_MODULE, else /usr/lib/nginx/modules/ngx_nchan_module.so; empty if missing.
    static QString nchanModulePath();
    static quint16 freePort(); // a port that was free on 127.0.0.1 a moment ago (0 on failure)

    // --- Configuration: call before start(); a restart() uses it as it was at start().
    // Text inside http { }, e.g. another server block (use freePort() and locationsInclude()).
    void addHttpConfig(const QByteArray &text);
    // Text inside the plain (and, with TLS, the https) server block, e.g. extra locations.
    void addServerConfig(const QByteArray &text);
    // Text in the main (top-level) context, e.g. "timer_resolution 10ms;". Directives the
    // fixture already sets (worker_processes: see setWorkerProcesses) must not be repeated.
    void addMainConfig(const QByteArray &text);
    void setWorkerProcesses(int count); // default 1
    // Writes a file into the document root, served at /<relativePath> by nginx's static module
    // (with Content-Length); ".sse" files are served as text/event-stream.
    bool writeFile(const QString &relativePath, const QByteArray &contents);
    // Makes a private CA and a server certificate for 127.0.0.1 and localhost with the openssl
    // CLI and adds an https server (`listen ... ssl http2`) on tlsPort() with the same locations.
    bool enableTls();

    // --- Lifecycle.
    bool start(); // picks the ports at the first start; waits until nginx serves requests
    bool stop(); // SIGTERM to the master PID, wait for exit (SIGKILL to its group after 15 s)
    bool restart(); // stop() + start() on the SAME ports
    bool isRunning() const;
    qint64 pid() const; // master process id, 0 when not running

    // --- Addresses (valid after the first start()).
    quint16 port() const; // plain HTTP/1.1 server
    quint16 tlsPort() const; // https server, 0 without enableTls()
    QUrl url(const QString &path = QStringLiteral("/")) const; // http://127.0.0.1:port/path
    QUrl tlsUrl(const QString &path = QStringLiteral("/")) const; // https://127.0.0.1:tlsPort/path
    QUrl subscriberUrl(const QString &channel) const; // url("/sub/<channel>")
    QUrl publisherUrl(const QString &channel) const; // url("/pub/<channel>")
    QString locationsInclude() const; // "include <file>;" target with the /sub, /pub locations
    QString directory() const; // the fixture's temporary directory

    // --- TLS material (after enableTls()).
    QString caCertificatePath() const; // PEM of the private CA that signed the server certificate
    QList<QSslCertificate> caCertificates() const;

    // --- nchan publishing (HTTP POSTs to /pub/<channel> on port()).
    // Publishes one message; ids (optional) receives the message id nchan assigned.
    bool publish(const QString &channel, const QByteArray &data, QStringList *ids = nullptr,
                 int timeoutMs = 20000);
    // Publishes the messages in order, pipelined on one keep-alive connection. ids (optional)
    // receives one id per message. False if any POST was not answered 201/202.
    bool publishBatch(const QString &channel, const QList<QByteArray> &messages,
                      QStringList *ids = nullptr, int timeoutMs = 60000);

    // --- Diagnostics.
    QString errorString() const; // why the last start/stop/publish failed
    // nginx's error log from this byte offset on (default: all starts), plus its stderr.
    QString errorLog(qint64 offset = 0) const;
    // One line per finished request, e.g. "GET /sub/ch HTTP/1.1 499 last-event-id=1795658428:3"
    // (the Last-Event-ID header or "-"; 499 = the client closed; HTTP/2.0 over TLS via ALPN).
    // A subscriber's line is written when its stream ends (e.g. at stop()).
    QString accessLog() const;

private:
    bool writeConfig();
    bool launch(bool pickPorts);
    bool waitUntilServing(int timeoutMs);
    bool pipelinePost(const QString &channel, const QList<QByteArray> &messages, QStringList *ids,
                      int timeoutMs);
    bool fail(const QString &message);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_mainConfig, m_httpConfig, m_serverConfig;
    QByteArray m_readyToken;
    QString m_error;
    qint64 m_logOffset = 0; // size of error.log when nginx was last launched
    int m_workers = 1;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    bool m_tls = false;
};

// In a test function: skip (QSKIP, so include <QtTest>) when nginx or nchan is missing.
#define NGINX_FIXTURE_SKIP_IF_UNAVAILABLE() \
  do { \
    const QString nginxFixtureWhy = NginxFixture::unavailableReason(); \
    if (!nginxFixtureWhy.isEmpty()) \
      QSKIP(qPrintable(nginxFixtureWhy)); \
  } while (false)

#endif // NGINXFIXTURE_H
