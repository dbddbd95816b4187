// SPDX-License-Identifier: BSD-3-Clause
// "Remember secrets in the system keychain" (issue 13 item 2), driven with real X input on a
// private Xvfb display against SseTestServer. Run twice by ctest:
// - tst_ssemonitor_keychain: in a private D-Bus session with a private GNOME Keyring (the
//   Secret Service), started by with-keyring.sh (QTSSE_TEST_KEYRING=1). Checked on: the
//   password and the secret header go to the keyring and nowhere else (ssemonitor.conf holds
//   neither, nor do the keyring's files in clear); picked from the URL list, they are filled in
//   again and sent; checked off, they are removed from the keyring.
// - tst_ssemonitor_keychain_absent: no D-Bus session, so no keychain service: checked on,
//   Connect says that the secrets were not kept, and still nothing is written in clear.
#include "monitorapp.h"
#include "quickwindowdriver.h"
#include "ssetestserver.h"
#include "xvfbdisplay.h"
#include "xvfbtestmain.h"

#include <QtCore/qdiriterator.h>
#include <QtCore/qfile.h>
#include <QtCore/qsettings.h>
#include <QtNetwork/qnetworkproxy.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qtest.h>

#include <qt6keychain/keychain.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(SseMonitorPlugin)

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;

static constexpr int Timeout = 20000;
static const QString Password = u"hunter2-secret"_s;
static const QByteArray ApiKey = "key-123-secret";

class tst_SseMonitorKeychain : public QObject, private QuickWindowDriver
{
    Q_OBJECT

public:
    tst_SseMonitorKeychain()
        : QuickWindowDriver(QStringLiteral(SCREENSHOT_DIR "/ssemonitor-input-"))
    {
    }

private Q_SLOTS:
    void initTestCase();
    void rememberedOnlyInKeychain();
    void filledInFromTheList();
    void uncheckedForgets();
    void noKeychainService();
    void cleanupTestCase();

private:
    bool typeUrl(const QString &url) { return retype(u"urlField"_s, url); }
    QUrl secretUrl() const;
    // What the keychain holds for key: its text, or "" with *found false.
    static QString readKeychain(const QString &key, bool *found, QString *error);
    // ssemonitor.conf and every file under the test's HOME, in one string, for "never in clear".
    static QByteArray everythingOnDisk();

    bool m_keyring = qgetenv("QTSSE_TEST_KEYRING") == "1";
    SseTestServer m_server;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

QUrl tst_SseMonitorKeychain::secretUrl() const
{
    QUrl url = m_server.url(u"/kept"_s);
    url.setUserName(u"alice"_s);
    url.setPassword(Password);
    return url;
}

QString tst_SseMonitorKeychain::readKeychain(const QString &key, bool *found, QString *error)
{
    QKeychain::ReadPasswordJob job(u"QtSse ssemonitor"_s);
    job.setAutoDelete(false);
    job.setInsecureFallback(false);
    job.setKey(key);
    bool done = false;
    QObject::connect(&job, &QKeychain::Job::finished, &job, [&] { done = true; });
    job.start();
    QDeadlineTimer deadline(Timeout);
    while (!done && !deadline.hasExpired())
        QTest::qWait(10);
    *found = done && job.error() == QKeychain::NoError;
    *error = done ? job.errorString() : u"no answer"_s;
    return *found ? job.textData() : QString();
}

QByteArray tst_SseMonitorKeychain::everythingOnDisk()
{
    QByteArray all;
    QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            all += file.fileName().toUtf8() + ":\n" + file.readAll() + '\n';
    }
    return all;
}

void tst_SseMonitorKeychain::initTestCase()
{
    QVERIFY2(XInput::run({u"version"_s}), "xdotool is needed (Debian package xdotool)");
    if (m_keyring)
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "no D-Bus session");
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    QVERIFY(m_server.listen());
    // Every request: a stream that stays open a while (the test only looks at the requests).
    m_server.setHandler([](const SseTestServer::Request &) {
        return Response::sse().chunked().send("data: hello\n\n").pause(60000).close();
    });

    MonitorOptions options;
    options.headers.insert(u"X-Api-Key"_s, QString::fromLatin1(ApiKey)); // as -H gives it
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_window = loadMonitor(*m_engine, options);
    QVERIFY(m_window);
    QVERIFY(activateByClick(u"detailPane"_s, Timeout));
    QObject *box = find(u"rememberSecretsBox"_s);
    QCOMPARE(box->property("text").toString(), u"Remember secrets in the system keychain"_s);
    QVERIFY(box->property("enabled").toBool());
    QVERIFY(!box->property("checked").toBool()); // off unless asked
}

void tst_SseMonitorKeychain::rememberedOnlyInKeychain()
{
    if (!m_keyring)
        QSKIP("needs the private keyring (tst_ssemonitor_keychain)");
    QVERIFY(clickItem(u"rememberSecretsBox"_s));
    QTRY_VERIFY_WITH_TIMEOUT(find(u"secretStore"_s)->property("remember").toBool(), Timeout);

    QVERIFY(typeUrl(secretUrl().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(text(u"message"_s).startsWith(u"Secrets for "_s), Timeout);
    const QString key =
            m_server.url(u"/kept"_s).toString().replace(u"http://"_s, u"http://alice@"_s);
    QCOMPARE(text(u"message"_s), u"Secrets for %1 kept in the system keychain"_s.arg(key));
    QCOMPARE(m_server.requests().last().header("X-Api-Key"), ApiKey);
    screenshot(u"keychain-kept"_s);

    bool found = false;
    QString error;
    const QString kept = readKeychain(key, &found, &error);
    QVERIFY2(found, qPrintable(error));
    QVERIFY2(kept.contains(Password) && kept.contains(QString::fromLatin1(ApiKey)),
             qPrintable(kept));
    // Nowhere in clear: not in ssemonitor.conf (which holds the choice and the URL without its
    // password), not in the keyring's own files.
    QSettings settings;
    settings.sync();
    QVERIFY(settings.value(u"rememberSecrets"_s).toBool());
    const QByteArray disk = everythingOnDisk();
    QVERIFY2(disk.contains("rememberSecrets"), disk.constData());
    QVERIFY2(!disk.contains(Password.toUtf8()) && !disk.contains(ApiKey), disk.constData());
}

void tst_SseMonitorKeychain::filledInFromTheList()
{
    if (!m_keyring)
        QSKIP("needs the private keyring (tst_ssemonitor_keychain)");
    // Another URL, and the key's value removed in the headers editor: the secrets are gone from
    // the window.
    QVERIFY(clickItem(u"headersButton"_s));
    QQuickItem *value = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
            (value = qobject_cast<QQuickItem *>(findObject(m_window, u"headerValue0"_s)))
                    && value->isVisible(),
            Timeout);
    QVERIFY(XInput::click(centre(value)));
    QVERIFY(XInput::key(u"ctrl+a BackSpace Escape"_s));
    QTRY_COMPARE_WITH_TIMEOUT(value->property("text").toString(), QString(), Timeout);
    QVERIFY(typeUrl(m_server.url(u"/other"_s).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_server.requests().last().target == "/other", Timeout);
    QVERIFY(m_server.requests().last().header("X-Api-Key").isEmpty());
    QCOMPARE(find(u"source"_s)->property("url").toUrl(), m_server.url(u"/other"_s));

    QCOMPARE(text(u"connectButton"_s), u"Disconnect"_s);
    QVERIFY(clickItem(u"connectButton"_s));
    QTRY_COMPARE_WITH_TIMEOUT(text(u"connectButton"_s), u"Connect"_s, Timeout);

    // Picked from the list (its arrow, then the entry): password and key are filled in.
    QQuickItem *field = item(u"urlField"_s);
    QVERIFY(XInput::click(
            field->mapToGlobal(QPointF(field->width() - 10, field->height() / 2)).toPoint()));
    const QString entry =
            m_server.url(u"/kept"_s).toString().replace(u"http://"_s, u"http://alice@"_s);
    QQuickItem *choice = nullptr;
    QDeadlineTimer deadline(Timeout);
    while (!choice && !deadline.hasExpired()) {
        QList<QQuickItem *> pending {m_window->contentItem()};
        while (!pending.isEmpty() && !choice) {
            QQuickItem *i = pending.takeLast();
            if (!i->isVisible())
                continue;
            if (i->inherits("QQuickAbstractButton") && i->property("text").toString() == entry)
                choice = i;
            pending.append(i->childItems());
        }
        if (!choice)
            QTest::qWait(20);
    }
    if (!choice)
        screenshot(u"keychain-list-failure"_s);
    QVERIFY2(choice, qPrintable(u"no list entry "_s + entry));
    QVERIFY(XInput::click(centre(choice)));
    QTRY_VERIFY_WITH_TIMEOUT(text(u"message"_s).contains(u"filled in from the system keychain"_s),
                             Timeout);
    // Shown masked; sent for real.
    QUrl masked = secretUrl();
    masked.setPassword(u"****"_s);
    QCOMPARE(find(u"urlField"_s)->property("editText").toString(), masked.toString());
    QVERIFY(clickItem(u"connectButton"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_server.requests().last().target == "/kept", Timeout);
    QCOMPARE(find(u"source"_s)->property("url").toUrl(), secretUrl());
    QCOMPARE(m_server.requests().last().header("X-Api-Key"), ApiKey);
    // (The password goes with the URL; QNetworkAccessManager sends it when challenged.)
}

void tst_SseMonitorKeychain::uncheckedForgets()
{
    if (!m_keyring)
        QSKIP("needs the private keyring (tst_ssemonitor_keychain)");
    const QString key =
            m_server.url(u"/kept"_s).toString().replace(u"http://"_s, u"http://alice@"_s);
    bool found = false;
    QString error;
    readKeychain(key, &found, &error);
    QVERIFY2(found, qPrintable(error));
    QVERIFY(clickItem(u"rememberSecretsBox"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!find(u"secretStore"_s)->property("remember").toBool(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT((readKeychain(key, &found, &error), !found), Timeout);
    QSettings settings;
    settings.sync();
    QCOMPARE(settings.value(u"rememberSecrets"_s).toBool(), false);
}

void tst_SseMonitorKeychain::noKeychainService()
{
    if (m_keyring)
        QSKIP("runs without a keychain service (tst_ssemonitor_keychain_absent)");
    QVERIFY(clickItem(u"rememberSecretsBox"_s));
    QTRY_VERIFY_WITH_TIMEOUT(find(u"secretStore"_s)->property("remember").toBool(), Timeout);
    QVERIFY(typeUrl(secretUrl().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(text(u"message"_s).startsWith(u"System keychain: "_s), Timeout);
    QVERIFY2(text(u"message"_s).contains(u"not kept"_s), qPrintable(text(u"message"_s)));
    screenshot(u"keychain-absent"_s);
    // The stream itself is unaffected: it connected with the secrets.
    QTRY_VERIFY_WITH_TIMEOUT(m_server.requests().size() > 0, Timeout);
    QCOMPARE(m_server.requests().last().header("X-Api-Key"), ApiKey);
    const QByteArray disk = everythingOnDisk();
    QVERIFY2(!disk.contains(Password.toUtf8()) && !disk.contains(ApiKey), disk.constData());
}

void tst_SseMonitorKeychain::cleanupTestCase()
{
    m_engine.reset();
}

// HOME (and so ssemonitor.conf) a temporary directory, and no D-Bus session. With the keyring,
// HOME, XDG_DATA_HOME and the session were set by with-keyring.sh before the keyring daemon
// started: they are kept.
static XvfbTestOptions keychainOptions()
{
    XvfbTestOptions options("tst_ssemonitor_keychain");
    options.namingApplication();
    if (qgetenv("QTSSE_TEST_KEYRING") == "1")
        options.withHomeKept();
    else
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    return options;
}

QTSSE_XVFB_TEST_MAIN(tst_SseMonitorKeychain, keychainOptions())

#include "tst_ssemonitor_keychain.moc"
