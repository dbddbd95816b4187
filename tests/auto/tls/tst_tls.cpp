// SPDX-License-Identifier: BSD-3-Clause
// SseClient and the ssecat CLI against nginx over https (tests/shared/nginxfixture.h). The
// server certificate (CN/SAN 127.0.0.1, localhost) is signed by a private CA that the fixture
// makes with the openssl CLI: untrusted by default, the stream fails for good with TlsError; with
// the CA added, or with certificate checks switched off, the events arrive. The stream is either
// a static text/event-stream file (Content-Length) or an nchan channel (never ends). nginx
// offers HTTP/2 by ALPN on this listener, which QNetworkAccessManager uses by default.
#include "directenvironment.h"
#include "nginxfixture.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>
#include <QtNetwork/qsslcertificate.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;

static constexpr int Timeout = 20000; // generous: the suite must pass on a loaded machine

enum class Trust { Default, CaCertificate, IgnoreErrors };
Q_DECLARE_METATYPE(Trust)

static const QByteArray StreamFile = "retry: 20000\n"
                                     "id: 1\ndata: one\n\n"
                                     ": a comment\n"
                                     "id: 2\nevent: update\ndata: {\"n\":2}\n\n";

class tst_Tls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void client_data();
    void client();
    void ssecat_data();
    void ssecat();

private:
    void addRows();
    // The path to subscribe to, with two events (ids in expectedIds) waiting there.
    QString prepareSource(const QString &source, QStringList *expectedIds);
    std::unique_ptr<NginxFixture> m_nginx;
    int m_channels = 0;
};

void tst_Tls::initTestCase()
{
    NGINX_FIXTURE_SKIP_IF_UNAVAILABLE();
    m_nginx = std::make_unique<NginxFixture>();
    QVERIFY2(m_nginx->enableTls(), qPrintable(m_nginx->errorString()));
    QVERIFY(m_nginx->writeFile(u"stream.sse"_s, StreamFile));
    QVERIFY2(m_nginx->start(), qPrintable(m_nginx->errorString()));
}

void tst_Tls::cleanupTestCase()
{
    if (m_nginx)
        QVERIFY2(m_nginx->stop(), qPrintable(m_nginx->errorString()));
}

void tst_Tls::addRows()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<Trust>("trust");
    for (const QString &source : {u"file"_s, u"nchan"_s}) {
        QTest::addRow("%s, untrusted by default", qPrintable(source)) << source << Trust::Default;
        QTest::addRow("%s, private CA added", qPrintable(source)) << source << Trust::CaCertificate;
        QTest::addRow("%s, errors ignored", qPrintable(source)) << source << Trust::IgnoreErrors;
    }
}

QString tst_Tls::prepareSource(const QString &source, QStringList *ids)
{
    if (source == u"file"_s) {
        *ids = {u"1"_s, u"2"_s};
        return u"/stream.sse"_s;
    }
    const QString channel = u"tls-"_s + QString::number(++m_channels); // a fresh one per row
    QStringList first, second;
    if (!m_nginx->publish(channel, "one", &first)
        || !m_nginx->publish(channel, "{\"n\":2}", &second))
        return {};
    *ids = first + second;
    return u"/sub/"_s + channel;
}

void tst_Tls::client_data()
{
    addRows();
}

void tst_Tls::client()
{
    QFETCH(QString, source);
    QFETCH(Trust, trust);
    QStringList ids;
    const QString path = prepareSource(source, &ids);
    QVERIFY2(!path.isEmpty(), qPrintable(m_nginx->errorString()));

    SseClient client(m_nginx->tlsUrl(path));
    client.setReconnectionTime(20000); // the file stream ends: no reconnect while we look
    if (trust == Trust::CaCertificate)
        client.addCaCertificates(m_nginx->caCertificates());
    if (trust == Trust::IgnoreErrors)
        client.setIgnoreSslErrors(true);
    QSignalSpy events(&client, &SseClient::eventReceived);
    QSignalSpy closed(&client, &SseClient::closed);
    QSignalSpy retries(&client, &SseClient::reconnectScheduled);
    client.open();

    if (trust == Trust::Default) {
        QVERIFY(closed.wait(Timeout));
        QCOMPARE(client.state(), SseClient::Failed);
        QCOMPARE(client.error(), SseClient::TlsError);
        QVERIFY2(client.errorString().contains(u"certificate"_s, Qt::CaseInsensitive),
                 qPrintable(client.errorString()));
        QCOMPARE(events.size(), 0);
        QCOMPARE(retries.size(), 0); // an untrusted certificate is not retried
        qInfo("errorString: %s", qPrintable(client.errorString()));
        return;
    }
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 2, Timeout);
    const auto first = events.at(0).at(0).value<SseEvent>();
    const auto second = events.at(1).at(0).value<SseEvent>();
    QCOMPARE(first.data(), u"one"_s);
    QCOMPARE(first.lastEventId(), ids.at(0));
    QCOMPARE(second.data(), u"{\"n\":2}"_s);
    QCOMPARE(second.lastEventId(), ids.at(1));
    QCOMPARE(second.type(), source == u"file"_s ? u"update"_s : u"message"_s);
    QCOMPARE(client.error(), SseClient::NoError);
    QCOMPARE(closed.size(), 0);
    client.close();
    QCOMPARE(client.state(), SseClient::Closed);
    // QNetworkAccessManager negotiated HTTP/2 (ALPN) with nginx; nginx logs a request when it
    // ends (the nchan stream: when the client closes it).
    const QString logged = u"GET "_s + path + u" HTTP/2.0 "_s;
    QTRY_VERIFY2_WITH_TIMEOUT(m_nginx->accessLog().contains(logged),
                              qPrintable(m_nginx->accessLog()), Timeout);
}

void tst_Tls::ssecat_data()
{
    addRows();
}

// ssecat with and without --cacert FILE and -k: the same outcomes as the client's.
void tst_Tls::ssecat()
{
#ifndef SSECAT_PATH
    QSKIP("ssecat is not built (QTSSE_BUILD_EXAMPLES=OFF)");
#else
    QFETCH(QString, source);
    QFETCH(Trust, trust);
    QStringList ids;
    const QString path = prepareSource(source, &ids);
    QVERIFY2(!path.isEmpty(), qPrintable(m_nginx->errorString()));

    QStringList arguments = {u"--max-events"_s, u"2"_s, u"--max-time"_s, u"30"_s};
    if (trust == Trust::CaCertificate)
        arguments << u"--cacert"_s << m_nginx->caCertificatePath();
    if (trust == Trust::IgnoreErrors)
        arguments << u"-k"_s;
    arguments << m_nginx->tlsUrl(path).toString();
    QProcess ssecat;
    ssecat.setProcessEnvironment(directEnvironment()); // 127.0.0.1 directly
    ssecat.start(QStringLiteral(SSECAT_PATH), arguments);
    // nginx is another process: blocking here starves nothing.
    QVERIFY2(ssecat.waitForFinished(Timeout + 30000), "ssecat did not finish");
    const QByteArray out = ssecat.readAllStandardOutput();
    const QByteArray err = ssecat.readAllStandardError();
    const QByteArray describe = "exit code " + QByteArray::number(ssecat.exitCode())
            + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    QCOMPARE(ssecat.exitStatus(), QProcess::NormalExit);

    if (trust == Trust::Default) {
        QVERIFY2(ssecat.exitCode() == 1, describe.constData());
        QVERIFY2(out.isEmpty(), describe.constData());
        QVERIFY2(err.toLower().contains("certificate"), describe.constData());
        return;
    }
    QVERIFY2(ssecat.exitCode() == 0, describe.constData());
    const QList<QByteArray> lines = out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject event = QJsonDocument::fromJson(lines.at(i)).object();
        QCOMPARE(event.value(u"id"_s).toString(), ids.at(i));
        QCOMPARE(event.value(u"data"_s).toString(), i == 0 ? u"one"_s : u"{\"n\":2}"_s);
    }
#endif
}

QTEST_MAIN(tst_Tls)
#include "tst_tls.moc"
