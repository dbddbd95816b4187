// SPDX-License-Identifier: BSD-3-Clause
// The nginx + nchan fixture (tests/shared/nginxfixture.h) that the interop tests build on:
// it starts, serves, publishes, restarts on the same ports and stops leaving no process behind.
#include "nginxfixture.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfileinfo.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qsslsocket.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <signal.h>

using namespace Qt::StringLiterals;

static constexpr int Timeout = 20000;

// A GET through QNetworkAccessManager; the body, or a null array with the error in *error.
static QByteArray get(const QUrl &url, QString *error = nullptr, int *status = nullptr)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setTransferTimeout(Timeout);
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(Timeout))
        return {};
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError) {
        if (error)
            *error = reply->errorString();
        return {};
    }
    return reply->readAll();
}

static bool refusesConnections(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return !socket.waitForConnected(5000)
            && socket.error() == QAbstractSocket::ConnectionRefusedError;
}

static bool canListenOn(quint16 port)
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, port);
}

class tst_NginxFixture : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { NGINX_FIXTURE_SKIP_IF_UNAVAILABLE(); }
    void lifecycle();
    void publishAndSubscribe();
    void batchIsFastAndOrdered();
    void tls();
    void destructorStops();
};

void tst_NginxFixture::lifecycle()
{
    NginxFixture nginx;
    QVERIFY(!nginx.isRunning());
    QVERIFY2(nginx.writeFile(u"hello.txt"_s, "hello from nginx\n"),
             qPrintable(nginx.errorString()));
    QVERIFY2(nginx.start(), qPrintable(nginx.errorString()));
    QVERIFY(nginx.isRunning());
    QVERIFY(nginx.port() > 0);
    const qint64 firstPid = nginx.pid();
    QVERIFY(firstPid > 0);
    QCOMPARE(::kill(pid_t(firstPid), 0), 0);

    QString error;
    QCOMPARE(get(nginx.url(u"/hello.txt"_s), &error), QByteArray("hello from nginx\n"));
    QCOMPARE(get(nginx.url(u"/nonexistent"_s), &error), QByteArray());

    const quint16 port = nginx.port();
    QVERIFY2(nginx.restart(), qPrintable(nginx.errorString()));
    QCOMPARE(nginx.port(), port);
    QVERIFY(nginx.pid() != firstPid);
    QCOMPARE(get(nginx.url(u"/hello.txt"_s), &error), QByteArray("hello from nginx\n"));
    const qint64 secondPid = nginx.pid();

    QVERIFY2(nginx.stop(), qPrintable(nginx.errorString()));
    QVERIFY(!nginx.isRunning());
    QCOMPARE(nginx.pid(), 0);
    // The whole process group is gone (master and workers), and the port is free.
    QCOMPARE(::kill(pid_t(secondPid), 0), -1);
    QCOMPARE(::kill(-pid_t(secondPid), 0), -1);
    QVERIFY(refusesConnections(port));
    QVERIFY(canListenOn(port));
    QVERIFY2(nginx.errorLog().contains(u"start worker process"_s), qPrintable(nginx.errorLog()));
    QVERIFY(!nginx.publish(u"c"_s, "x"));
    QVERIFY(nginx.errorString().contains(u"not running"_s));
    QVERIFY(nginx.stop()); // twice is fine
}

void tst_NginxFixture::publishAndSubscribe()
{
    NginxFixture nginx;
    QVERIFY2(nginx.start(), qPrintable(nginx.errorString()));
    QStringList ids;
    QVERIFY2(nginx.publish(u"chan"_s, "first", &ids), qPrintable(nginx.errorString()));
    QCOMPARE(ids.size(), 1);
    QVERIFY2(QRegularExpression(u"^\\d+:0$"_s).match(ids.first()).hasMatch(), qPrintable(ids[0]));
    QStringList more;
    QVERIFY(nginx.publish(u"chan"_s, "two\nlines", &more));

    // A subscriber (raw socket: a stream never ends) gets both, with nchan's ids, and with
    // Last-Event-ID only what follows.
    const auto subscribe = [&](const QByteArray &lastEventId, const QByteArray &expectedTail) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, nginx.port());
        if (!socket.waitForConnected(Timeout))
            return QByteArray("no connection");
        socket.write(
                "GET /sub/chan HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + (lastEventId.isEmpty() ? QByteArray() : "Last-Event-ID: " + lastEventId + "\r\n")
                + "\r\n");
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        while (!received.endsWith(expectedTail) && clock.elapsed() < Timeout
               && socket.waitForReadyRead(Timeout))
            received += socket.readAll();
        return received;
    };
    const QByteArray both = "id: " + ids[0].toLatin1()
            + "\ndata: first\n\nid: " + more[0].toLatin1() + "\ndata: two\ndata: lines\n\n";
    QByteArray received = subscribe({}, both);
    QVERIFY2(received.startsWith("HTTP/1.1 200 OK\r\n"), received.constData());
    QVERIFY2(received.contains("Content-Type: text/event-stream"), received.constData());
    QVERIFY2(received.endsWith(QByteArray("\r\n\r\n: hi\n\n" + both)), received.constData());
    const QByteArray second =
            "\r\n\r\n: hi\n\nid: " + more[0].toLatin1() + "\ndata: two\ndata: lines\n\n";
    received = subscribe(ids[0].toLatin1(), second);
    QVERIFY2(received.endsWith(second), received.constData());

    // A restart empties the channels (memory store).
    QVERIFY2(nginx.restart(), qPrintable(nginx.errorString()));
    QString error;
    int status = 0;
    get(nginx.publisherUrl(u"chan"_s), &error, &status);
    QCOMPARE(status, 404); // nchan: no such channel
    // The access log names the Last-Event-ID of each request (499: the client closed).
    QVERIFY(nginx.stop());
    QVERIFY2(nginx.accessLog().contains(u"GET /sub/chan HTTP/1.1 499 last-event-id=-\n"_s),
             qPrintable(nginx.accessLog()));
    QVERIFY2(nginx.accessLog().contains(u"GET /sub/chan HTTP/1.1 499 last-event-id="_s + ids[0]),
             qPrintable(nginx.accessLog()));
}

void tst_NginxFixture::batchIsFastAndOrdered()
{
    NginxFixture nginx;
    QVERIFY2(nginx.start(), qPrintable(nginx.errorString()));
    QList<QByteArray> messages;
    for (int i = 0; i < 10000; ++i)
        messages.append("message " + QByteArray::number(i));
    QElapsedTimer clock;
    clock.start();
    QStringList ids;
    QVERIFY2(nginx.publishBatch(u"batch"_s, messages, &ids), qPrintable(nginx.errorString()));
    const qint64 ms = clock.elapsed();
    qInfo("published 10000 messages in %lld ms", ms);
    QVERIFY2(ms < 15000, qPrintable(QString::number(ms))); // typically well under a second
    QCOMPARE(ids.size(), messages.size());
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), ids.size());
    // nchan's channel info confirms that all of them are stored.
    const QByteArray info = get(nginx.publisherUrl(u"batch"_s));
    QVERIFY2(info.contains("queued messages: 10000"), info.constData());
    QVERIFY2(info.contains(QByteArray("last message id: " + ids.last().toLatin1())),
             info.constData());
}

void tst_NginxFixture::tls()
{
    NginxFixture nginx;
    QVERIFY2(nginx.enableTls(), qPrintable(nginx.errorString()));
    QVERIFY(nginx.writeFile(u"hello.txt"_s, "over tls\n"));
    QVERIFY2(nginx.start(), qPrintable(nginx.errorString()));
    QVERIFY(nginx.tlsPort() > 0 && nginx.tlsPort() != nginx.port());
    QCOMPARE(nginx.caCertificates().size(), 1);
    QVERIFY(QFileInfo::exists(nginx.caCertificatePath()));
    // Untrusted by default; trusted with the fixture's CA.
    QString error;
    QCOMPARE(get(nginx.tlsUrl(u"/hello.txt"_s), &error), QByteArray());
    QVERIFY2(error.contains(u"certificate"_s, Qt::CaseInsensitive), qPrintable(error));
    QSslSocket socket;
    QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
    trusting.addCaCertificates(nginx.caCertificates());
    socket.setSslConfiguration(trusting);
    socket.setPeerVerifyName(u"127.0.0.1"_s);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, nginx.tlsPort());
    QVERIFY2(socket.waitForEncrypted(Timeout), qPrintable(socket.errorString()));
    socket.write("GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    while (socket.waitForReadyRead(Timeout))
        answer += socket.readAll();
    QVERIFY2(answer.endsWith("\r\n\r\nover tls\n"), answer.constData());
    // The listener offers HTTP/2 by ALPN.
    QSslSocket h2;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.addCaCertificates(nginx.caCertificates());
    config.setAllowedNextProtocols({QSslConfiguration::ALPNProtocolHTTP2});
    h2.setSslConfiguration(config);
    h2.connectToHostEncrypted(u"127.0.0.1"_s, nginx.tlsPort());
    QVERIFY2(h2.waitForEncrypted(Timeout), qPrintable(h2.errorString()));
    QCOMPARE(h2.sslConfiguration().nextNegotiatedProtocol(), QSslConfiguration::ALPNProtocolHTTP2);
}

void tst_NginxFixture::destructorStops()
{
    qint64 pid = 0;
    quint16 port = 0;
    {
        NginxFixture nginx;
        QVERIFY2(nginx.start(), qPrintable(nginx.errorString()));
        pid = nginx.pid();
        port = nginx.port();
    }
    QCOMPARE(::kill(-pid_t(pid), 0), -1);
    QVERIFY(refusesConnections(port));
}

QTEST_MAIN(tst_NginxFixture)
#include "tst_nginxfixture.moc"
