// SPDX-License-Identifier: BSD-3-Clause
#ifndef MONITORBACKEND_H
#define MONITORBACKEND_H

#include <QtCore/qobject.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariantmap.h>
#include <QtQml/qqmlregistration.h>

// What is awkward in QML: JSON pretty-printing, export to a file, the clipboard, the URL
// history (kept with QSettings), the secret-header rule and byte counts for people.
class MonitorBackend : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QStringList urlHistory READ urlHistory NOTIFY urlHistoryChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)

public:
    static constexpr int MaxHistory = 20;
    static constexpr int MaxDetailChars = 256 * 1024; // the detail pane shows at most this

    explicit MonitorBackend(QObject *parent = nullptr);

    QStringList urlHistory() const { return m_history; }
    QString lastError() const { return m_lastError; }

    // The data indented when it is a JSON object or array, as it is otherwise; cut after
    // MaxDetailChars characters.
    Q_INVOKABLE QString prettyJson(const QString &data) const;
    Q_INVOKABLE bool isJson(const QString &data) const;
    // One event (the roles of a model row) as a JSON line: {"type","data","id","time"}.
    Q_INVOKABLE QString jsonLine(const QVariantMap &event) const;
    // Every row of a model with type/data/id/receiveTime roles as JSON lines; the number of
    // events written, or -1 (lastError says why). The file is a file: URL (a file dialog's
    // selectedFile) or an absolute path.
    Q_INVOKABLE int exportJsonLines(QObject *model, const QUrl &file);
    Q_INVOKABLE QUrl defaultExportFolder() const; // Documents, or home without one
    Q_INVOKABLE QUrl defaultExportFile() const; // ssemonitor-<date>-<time>.jsonl there
    Q_INVOKABLE QUrl defaultRecordingFile() const; // ssemonitor-<date>-<time>.sserec there
    // Raw stream bytes (SseSource.rawHistory()) for people: one line per line of the stream,
    // each ending with its line end made visible (\n, \r\n, \r), control characters as \xNN
    // and U+FFFD (invalid UTF-8) as it is.
    Q_INVOKABLE QString readableBytes(const QString &raw) const;
    Q_INVOKABLE QString displayPath(const QUrl &file) const; // the path of a local file
    Q_INVOKABLE void copyText(const QString &text) const;
    // Stored without the password of a user:password@ URL.
    Q_INVOKABLE void addToHistory(const QString &url);
    // The URL as shown: user:****@ for user:password@ (unchanged without a password).
    Q_INVOKABLE QString maskPassword(const QString &url) const;
    // The shown URL with the password that **** stands for, taken from real when the scheme,
    // user, host and port are the same; shown as it is otherwise (a new password, no password,
    // another server).
    Q_INVOKABLE QString restorePassword(const QString &shown, const QString &real) const;
    // Authorization, Cookie and any name containing "token", "key", "secret" or "password".
    Q_INVOKABLE bool isSecretHeader(const QString &name) const;
    // The password of a user:password@ URL ("" without one); the URL without it; the URL with
    // this password (for what the system keychain kept).
    Q_INVOKABLE QString urlPassword(const QString &url) const;
    Q_INVOKABLE QString withoutPassword(const QString &url) const;
    Q_INVOKABLE QString withPassword(const QString &url, const QString &password) const;
    Q_INVOKABLE QString formatBytes(double bytes) const;

Q_SIGNALS:
    void urlHistoryChanged();
    void lastErrorChanged();

private:
    void setLastError(const QString &error);

    QStringList m_history;
    QString m_lastError;
};

#endif // MONITORBACKEND_H
