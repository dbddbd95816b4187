// SPDX-License-Identifier: BSD-3-Clause
#include "secretstore.h"

#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qsettings.h>

#ifdef QTSSE_HAVE_QTKEYCHAIN
#  include <qt6keychain/keychain.h>
#endif

using namespace Qt::StringLiterals;

namespace {
const QString RememberKey = u"rememberSecrets"_s;
} // namespace

SecretStore::SecretStore(QObject *parent) : QObject(parent)
{
    m_remember = isAvailable() && QSettings().value(RememberKey, false).toBool();
}

bool SecretStore::isAvailable()
{
#ifdef QTSSE_HAVE_QTKEYCHAIN
    return true;
#else
    return false;
#endif
}

QString SecretStore::unavailableReason()
{
    return isAvailable() ? QString()
                         : tr("this monitor was built without QtKeychain "
                              "(Debian: qtkeychain-qt6-dev), so secrets are never stored");
}

void SecretStore::setRemember(bool remember)
{
    remember = remember && isAvailable();
    if (m_remember == remember)
        return;
    m_remember = remember;
    QSettings().setValue(RememberKey, remember);
    if (!remember) {
        // What was stored goes with the choice.
        forget(QSettings().value(u"urlHistory"_s).toStringList());
    }
    Q_EMIT rememberChanged();
}

void SecretStore::save(const QString &key, const QVariantMap &secrets)
{
    if (!m_remember)
        return;
    if (secrets.isEmpty()) {
        forget({key});
        return;
    }
#ifdef QTSSE_HAVE_QTKEYCHAIN
    auto *job = new QKeychain::WritePasswordJob(Service, this);
    job->setInsecureFallback(false); // never a plain-text file instead
    job->setKey(key);
    job->setTextData(QString::fromUtf8(
            QJsonDocument(QJsonObject::fromVariantMap(secrets)).toJson(QJsonDocument::Compact)));
    connect(job, &QKeychain::Job::finished, this, [this, job, key] {
        if (job->error() != QKeychain::NoError) {
            setLastError(job->errorString());
            Q_EMIT failed(key, job->errorString());
            return;
        }
        setLastError(QString());
        Q_EMIT stored(key);
    });
    job->start();
#else
    Q_UNUSED(key);
#endif
}

void SecretStore::load(const QString &key)
{
    if (!m_remember)
        return;
#ifdef QTSSE_HAVE_QTKEYCHAIN
    auto *job = new QKeychain::ReadPasswordJob(Service, this);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, job, key] {
        if (job->error() == QKeychain::EntryNotFound) {
            Q_EMIT loaded(key, {});
            return;
        }
        if (job->error() != QKeychain::NoError) {
            setLastError(job->errorString());
            Q_EMIT failed(key, job->errorString());
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(job->textData().toUtf8());
        Q_EMIT loaded(key, doc.object().toVariantMap());
    });
    job->start();
#else
    Q_UNUSED(key);
#endif
}

void SecretStore::forget(const QStringList &keys)
{
#ifdef QTSSE_HAVE_QTKEYCHAIN
    for (const QString &key : keys) {
        auto *job = new QKeychain::DeletePasswordJob(Service, this);
        job->setInsecureFallback(false);
        job->setKey(key);
        connect(job, &QKeychain::Job::finished, this, [this, job, key] {
            if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound) {
                setLastError(job->errorString());
                Q_EMIT failed(key, job->errorString());
                return;
            }
            Q_EMIT forgotten(key);
        });
        job->start();
    }
#else
    Q_UNUSED(keys);
#endif
}

void SecretStore::setLastError(const QString &error)
{
    if (m_lastError == error)
        return;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}
