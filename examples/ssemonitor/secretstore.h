// SPDX-License-Identifier: BSD-3-Clause
#ifndef SECRETSTORE_H
#define SECRETSTORE_H

#include <QtCore/qobject.h>
#include <QtCore/qvariantmap.h>
#include <QtQml/qqmlregistration.h>

// "Remember secrets in the system keychain": a URL's password and its secret headers, kept per
// URL (the history's entry, without the password) in the system keychain through QtKeychain
// (Debian: qtkeychain-qt6-dev; on Linux the Secret Service, e.g. GNOME Keyring or KWallet),
// only while the user has asked for it, and never anywhere else: QtKeychain's plain-text
// fallback stays off. Built without QtKeychain, `available` is false and `unavailableReason`
// says so; the monitor then offers the option disabled, with that reason.
class SecretStore : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool available READ isAvailable CONSTANT)
    Q_PROPERTY(QString unavailableReason READ unavailableReason CONSTANT)
    // The user's choice (kept with QSettings: a yes or no, no secret). Turning it off forgets
    // what was stored for the URLs of the history.
    Q_PROPERTY(bool remember READ remember WRITE setRemember NOTIFY rememberChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)

public:
    static constexpr QLatin1StringView Service {"QtSse ssemonitor"};

    explicit SecretStore(QObject *parent = nullptr);

    static bool isAvailable();
    static QString unavailableReason();
    bool remember() const { return m_remember; }
    void setRemember(bool remember);
    QString lastError() const { return m_lastError; }

    // Keeps {"password": ..., "headers": {name: value}} for key (a URL without its password);
    // an empty map forgets it. Only when remember is on; stored() or failed() follows.
    Q_INVOKABLE void save(const QString &key, const QVariantMap &secrets);
    // Reads what is kept for key: loaded() (an empty map when nothing is) or failed().
    Q_INVOKABLE void load(const QString &key);
    Q_INVOKABLE void forget(const QStringList &keys);

Q_SIGNALS:
    void rememberChanged();
    void lastErrorChanged();
    void stored(const QString &key);
    void loaded(const QString &key, const QVariantMap &secrets);
    void forgotten(const QString &key);
    void failed(const QString &key, const QString &error);

private:
    void setLastError(const QString &error);

    bool m_remember = false;
    QString m_lastError;
};

#endif // SECRETSTORE_H
