// SPDX-License-Identifier: BSD-3-Clause
#include "monitorbackend.h"

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qdir.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qsavefile.h>
#include <QtCore/qsettings.h>
#include <QtCore/qstandardpaths.h>
#include <QtGui/qclipboard.h>
#include <QtGui/qguiapplication.h>

using namespace Qt::StringLiterals;

namespace {
const QString HistoryKey = u"urlHistory"_s;
const QString PasswordMask = u"****"_s;

QString withoutPassword(const QString &text)
{
    QUrl url(text);
    if (!url.isValid() || url.password().isEmpty())
        return text;
    url.setPassword(QString());
    return url.toString();
}

QString timeText(const QVariant &time)
{
    return time.toDateTime().toString(Qt::ISODateWithMs);
}

// The file a dialog or a caller names: a file: URL, or a plain absolute path (which QML turns
// into a URL without a scheme). Empty for anything else.
QString localPath(const QUrl &file)
{
    if (file.isLocalFile())
        return file.toLocalFile();
    if (file.scheme().isEmpty() && QDir::isAbsolutePath(file.path()))
        return file.path();
    return QString();
}
} // namespace

MonitorBackend::MonitorBackend(QObject *parent) : QObject(parent)
{
    m_history = QSettings().value(HistoryKey).toStringList();
}

QString MonitorBackend::prettyJson(const QString &data) const
{
    const QString text = data.left(MaxDetailChars);
    const QStringView trimmed = QStringView(data).trimmed();
    if (data.size() <= MaxDetailChars && (trimmed.startsWith(u'{') || trimmed.startsWith(u'['))) {
        const QJsonDocument doc = QJsonDocument::fromJson(data.toUtf8());
        if (!doc.isNull())
            return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    }
    if (data.size() > MaxDetailChars)
        return text + u"\n\u2026 (%1 more characters)"_s.arg(data.size() - MaxDetailChars);
    return text;
}

bool MonitorBackend::isJson(const QString &data) const
{
    QJsonParseError error;
    QJsonDocument::fromJson(u"[%1]"_s.arg(data).toUtf8(), &error);
    return error.error == QJsonParseError::NoError;
}

QString MonitorBackend::jsonLine(const QVariantMap &event) const
{
    const QJsonObject object {{u"type"_s, event.value(u"type"_s).toString()},
                              {u"data"_s, event.value(u"data"_s).toString()},
                              {u"id"_s, event.value(u"id"_s).toString()},
                              {u"time"_s, timeText(event.value(u"receiveTime"_s))}};
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

int MonitorBackend::exportJsonLines(QObject *model, const QUrl &file)
{
    auto *items = qobject_cast<QAbstractItemModel *>(model);
    const QString path = localPath(file);
    if (!items || path.isEmpty()) {
        setLastError(tr("cannot export to %1").arg(file.toDisplayString()));
        return -1;
    }
    QHash<QByteArray, int> roles;
    const QHash<int, QByteArray> names = items->roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it)
        roles.insert(it.value(), it.key());

    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        setLastError(out.errorString());
        return -1;
    }
    const int rows = items->rowCount();
    for (int row = 0; row < rows; ++row) {
        const QModelIndex index = items->index(row, 0);
        const QJsonObject object {{u"type"_s, index.data(roles.value("type")).toString()},
                                  {u"data"_s, index.data(roles.value("data")).toString()},
                                  {u"id"_s, index.data(roles.value("id")).toString()},
                                  {u"time"_s, timeText(index.data(roles.value("receiveTime")))}};
        out.write(QJsonDocument(object).toJson(QJsonDocument::Compact));
        out.write("\n", 1);
    }
    if (!out.commit()) {
        setLastError(out.errorString());
        return -1;
    }
    setLastError(QString());
    return rows;
}

QUrl MonitorBackend::defaultRecordingFile() const
{
    QUrl file = defaultExportFile();
    QString path = file.toLocalFile();
    path.replace(path.lastIndexOf(u".jsonl"_s), 6, u".sserec"_s);
    return QUrl::fromLocalFile(path);
}

QString MonitorBackend::readableBytes(const QString &raw) const
{
    QString out;
    out.reserve(raw.size() + raw.size() / 8);
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw.at(i);
        if (c == u'\n') {
            out += u"\\n\n"_s;
        } else if (c == u'\r') {
            const bool crlf = i + 1 < raw.size() && raw.at(i + 1) == u'\n';
            out += crlf ? u"\\r\\n\n"_s : u"\\r\n"_s;
            i += crlf ? 1 : 0;
        } else if (c == u'\\') {
            out += u"\\\\"_s;
        } else if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            out += u"\\x%1"_s.arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out;
}

QUrl MonitorBackend::defaultExportFolder() const
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty() || !QDir(dir).exists())
        dir = QDir::homePath();
    return QUrl::fromLocalFile(dir);
}

QUrl MonitorBackend::defaultExportFile() const
{
    const QString name = u"ssemonitor-%1.jsonl"_s.arg(
            QDateTime::currentDateTime().toString(u"yyyyMMdd-hhmmss"_s));
    return QUrl::fromLocalFile(QDir(defaultExportFolder().toLocalFile()).filePath(name));
}

QString MonitorBackend::displayPath(const QUrl &file) const
{
    const QString path = localPath(file);
    return path.isEmpty() ? file.toDisplayString() : QDir::toNativeSeparators(path);
}

void MonitorBackend::copyText(const QString &text) const
{
    QGuiApplication::clipboard()->setText(text);
}

void MonitorBackend::addToHistory(const QString &url)
{
    const QString entry = withoutPassword(url.trimmed());
    if (entry.isEmpty() || (!m_history.isEmpty() && m_history.constFirst() == entry))
        return;
    m_history.removeAll(entry);
    m_history.prepend(entry);
    while (m_history.size() > MaxHistory)
        m_history.removeLast();
    QSettings().setValue(HistoryKey, m_history);
    Q_EMIT urlHistoryChanged();
}

QString MonitorBackend::maskPassword(const QString &text) const
{
    QUrl url(text);
    if (!url.isValid() || url.password().isEmpty())
        return text;
    url.setPassword(PasswordMask);
    return url.toString();
}

QString MonitorBackend::restorePassword(const QString &shown, const QString &real) const
{
    QUrl url(shown);
    const QUrl from(real);
    if (!url.isValid() || url.password() != PasswordMask || from.password().isEmpty()
        || url.scheme() != from.scheme() || url.userName() != from.userName()
        || url.host() != from.host() || url.port() != from.port())
        return shown;
    url.setPassword(from.password());
    return url.toString();
}

QString MonitorBackend::urlPassword(const QString &url) const
{
    return QUrl(url).password();
}

QString MonitorBackend::withoutPassword(const QString &url) const
{
    return ::withoutPassword(url);
}

QString MonitorBackend::withPassword(const QString &url, const QString &password) const
{
    QUrl u(url);
    if (!u.isValid() || u.userName().isEmpty() || password.isEmpty())
        return url;
    u.setPassword(password);
    return u.toString();
}

bool MonitorBackend::isSecretHeader(const QString &name) const
{
    const QString n = name.trimmed().toLower();
    return n == u"authorization" || n == u"proxy-authorization" || n.contains(u"cookie")
            || n.contains(u"token") || n.contains(u"key") || n.contains(u"secret")
            || n.contains(u"password");
}

QString MonitorBackend::formatBytes(double bytes) const
{
    if (bytes < 1024)
        return u"%1 B"_s.arg(qint64(bytes));
    if (bytes < 1024 * 1024)
        return u"%1 KiB"_s.arg(bytes / 1024, 0, 'f', 1);
    if (bytes < 1024.0 * 1024 * 1024)
        return u"%1 MiB"_s.arg(bytes / (1024 * 1024), 0, 'f', 1);
    return u"%1 GiB"_s.arg(bytes / (1024.0 * 1024 * 1024), 0, 'f', 2);
}

void MonitorBackend::setLastError(const QString &error)
{
    if (error == m_lastError)
        return;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}
