// SPDX-License-Identifier: BSD-3-Clause
// NginxFixture: a private CA and a server certificate made with the openssl CLI.
#include "nginxfixture.h"

#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtNetwork/qsslcertificate.h>

using namespace Qt::StringLiterals;

static const char OpensslConfig[] = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = 127.0.0.1
[ca_dn]
CN = QtSse NginxFixture test CA
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
)";

bool NginxFixture::enableTls()
{
    if (m_tls)
        return true;
    if (m_port != 0)
        return fail(u"enableTls() must come before the first start()"_s);
    const QString tlsDir = m_dir->filePath(u"tls"_s);
    QFile config(tlsDir + u"/openssl.cnf"_s);
    if (!config.open(QIODevice::WriteOnly) || config.write(OpensslConfig) < 0)
        return fail(u"cannot write "_s + config.fileName());
    config.close();
    const QStringList ecKey = {u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                               u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s};
    const QList<QStringList> steps = {
            // The CA: self-signed.
            QStringList {u"req"_s, u"-x509"_s} + ecKey
                    + QStringList {u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.crt"_s, u"-days"_s,
                                   u"7"_s, u"-config"_s, u"openssl.cnf"_s, u"-subj"_s,
                                   u"/CN=QtSse NginxFixture test CA"_s, u"-extensions"_s,
                                   u"v3_ca"_s},
            // The server key and its signing request.
            QStringList {u"req"_s, u"-new"_s} + ecKey
                    + QStringList {u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.csr"_s,
                                   u"-config"_s, u"openssl.cnf"_s},
            // The server certificate, signed by the CA, for 127.0.0.1 and localhost.
            {u"x509"_s, u"-req"_s, u"-in"_s, u"server.csr"_s, u"-CA"_s, u"ca.crt"_s, u"-CAkey"_s,
             u"ca.key"_s, u"-CAcreateserial"_s, u"-out"_s, u"server.crt"_s, u"-days"_s, u"7"_s,
             u"-extfile"_s, u"openssl.cnf"_s, u"-extensions"_s, u"v3_server"_s},
    };
    for (const QStringList &arguments : steps) {
        QProcess openssl;
        openssl.setWorkingDirectory(tlsDir);
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(u"openssl"_s, arguments);
        if (!openssl.waitForFinished(30000) || openssl.exitStatus() != QProcess::NormalExit
            || openssl.exitCode() != 0) {
            return fail(
                    u"openssl %1 failed (%2): %3"_s.arg(arguments.join(u' '), openssl.errorString(),
                                                        QString::fromLocal8Bit(openssl.readAll())));
        }
    }
    m_tls = true;
    return true;
}

QString NginxFixture::caCertificatePath() const
{
    return m_tls ? m_dir->filePath(u"tls/ca.crt"_s) : QString();
}

QList<QSslCertificate> NginxFixture::caCertificates() const
{
    return m_tls ? QSslCertificate::fromPath(caCertificatePath()) : QList<QSslCertificate>();
}
