// SPDX-License-Identifier: BSD-3-Clause
// The monitor (examples/ssemonitor) in a real window against sse-demo-server (a process):
// connects, waits for events in the table, filters, pauses, clears, shows a price event as
// indented JSON, masks a secret header, and saves a screenshot. Everything is found by
// objectName; every wait is a QTRY_* that runs the event loop.
#include "monitorapp.h"
#include "quickwindowdriver.h"

#include <QtCore/qfile.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtGui/qclipboard.h>
#include <QtGui/qguiapplication.h>
#include <QtGui/qimage.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qtest.h>

#include <memory>

#ifdef Q_OS_LINUX
#  include <sys/prctl.h>

#  include <csignal>
#endif

Q_IMPORT_QML_PLUGIN(SseMonitorPlugin)

using namespace Qt::StringLiterals;

static constexpr int Timeout = 20000; // generous: the suite must pass on a loaded machine

class tst_SseMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void eventsAppear();
    void filter();
    void pauseStopsFollowing();
    void clear();
    void detailShowsPrettyJson();
    void copyAndExport();
    void secretHeadersMasked();
    void screenshot();
    void cleanupTestCase();

private:
    QObject *find(const QString &name) const;
    int prop(const QString &object, const char *name) const
    {
        return find(object)->property(name).toInt();
    }
    int lastVisibleRow() const;
    void click(const QString &name);

    QProcess m_server;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

// The object called name; a failure (and an empty stand-in) when there is none.
QObject *tst_SseMonitor::find(const QString &name) const
{
    QObject *object = findObject(m_window, name);
    if (!object) {
        static QObject missing;
        QTest::qFail(qPrintable(u"no object named "_s + name), __FILE__, __LINE__);
        return &missing;
    }
    return object;
}

int tst_SseMonitor::lastVisibleRow() const
{
    QObject *list = find(u"eventList"_s);
    const qreal y = list->property("contentY").toReal() + list->property("height").toReal() - 4;
    int row = -1;
    QMetaObject::invokeMethod(list, "indexAt", Q_RETURN_ARG(int, row), Q_ARG(qreal, 10),
                              Q_ARG(qreal, y));
    return row;
}

void tst_SseMonitor::click(const QString &name)
{
    auto *item = qobject_cast<QQuickItem *>(find(name));
    QVERIFY(item && item->isVisible());
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
}

void tst_SseMonitor::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the URL history goes to a test location
    QCoreApplication::setOrganizationName(u"QtSse"_s);
    QCoreApplication::setApplicationName(u"tst_ssemonitor"_s);

    m_server.setProgram(QStringLiteral(DEMO_SERVER_PATH));
    m_server.setArguments({u"--quiet"_s});
    m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
#ifdef Q_OS_LINUX
    // Should this test crash, the server goes too (ctest would wait for its open pipes).
    m_server.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    m_server.start();
    QVERIFY2(m_server.waitForStarted(Timeout), qPrintable(m_server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_server.canReadLine(), Timeout);
    const QUrl streamUrl(QString::fromUtf8(m_server.readLine().trimmed()));
    QVERIFY(streamUrl.isValid());

    MonitorOptions options;
    options.url = streamUrl;
    options.url.setQuery(u"rate=200"_s); // 200 events/s: enough rows to scroll quickly
    options.headers = {{u"Authorization"_s, u"Bearer secret-token"_s},
                       {u"Accept-Language"_s, u"en"_s}};
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_window = loadMonitor(*m_engine, options);
    QVERIFY(m_window);
    QVERIFY(QTest::qWaitForWindowExposed(m_window, Timeout));
}

void tst_SseMonitor::eventsAppear()
{
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"filterModel"_s, "count") > 0, Timeout);
    QCOMPARE(find(u"stateLabel"_s)->property("text").toString(), u"Open"_s);
    // The table follows the tail once there are more rows than fit.
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"eventList"_s, "count") > 100, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(lastVisibleRow() >= prop(u"eventList"_s, "count") - 20, Timeout);
}

void tst_SseMonitor::filter()
{
    QObject *search = find(u"searchField"_s);
    search->setProperty("text", u"PRICE"_s); // case-insensitive, in type, data or id
    QObject *filtered = find(u"filterModel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(filtered->property("count").toInt() > 0, Timeout);
    QVERIFY(filtered->property("count").toInt() < prop(u"eventModel"_s, "count"));
    QVariantMap row;
    QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, row), Q_ARG(int, 0));
    QCOMPARE(row.value(u"type"_s).toString(), u"price"_s);

    // By type: the combo box lists the types seen so far.
    search->setProperty("text", QString());
    QObject *typeBox = find(u"typeFilter"_s);
    int tick = -1;
    QMetaObject::invokeMethod(typeBox, "find", Q_RETURN_ARG(int, tick), Q_ARG(QString, u"tick"_s));
    QVERIFY(tick > 0);
    typeBox->setProperty("currentIndex", tick);
    QCOMPARE(filtered->property("type").toString(), u"tick"_s);
    const int ticks = filtered->property("count").toInt();
    QVERIFY(ticks > 0);
    for (int i = 0; i < ticks; i += 7) {
        QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, row), Q_ARG(int, i));
        QCOMPARE(row.value(u"type"_s).toString(), u"tick"_s);
    }
    typeBox->setProperty("currentIndex", 0);
    QTRY_COMPARE_WITH_TIMEOUT(filtered->property("count").toInt(), prop(u"eventModel"_s, "count"),
                              Timeout);
}

void tst_SseMonitor::pauseStopsFollowing()
{
    QTRY_VERIFY_WITH_TIMEOUT(lastVisibleRow() >= prop(u"eventList"_s, "count") - 20, Timeout);
    click(u"pauseButton"_s);
    QVERIFY(find(u"pauseButton"_s)->property("checked").toBool());
    const int shown = lastVisibleRow();
    const int count = prop(u"eventList"_s, "count");
    // Still receiving, no longer scrolling.
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"eventList"_s, "count") > count + 200, Timeout);
    QVERIFY(find(u"source"_s)->property("active").toBool());
    // The rows that arrived since are below the view: it stayed where it was.
    const int now = lastVisibleRow();
    QVERIFY2(now >= 0 && now < count + 20 && now < prop(u"eventList"_s, "count") - 150,
             qPrintable(u"row %1 shown at the pause, %2 now, of %3"_s.arg(shown).arg(now).arg(
                     prop(u"eventList"_s, "count"))));
    QVERIFY(!find(u"eventList"_s)->property("atYEnd").toBool());

    click(u"pauseButton"_s); // resume: back to the tail
    QVERIFY(!find(u"pauseButton"_s)->property("checked").toBool());
    QTRY_VERIFY_WITH_TIMEOUT(lastVisibleRow() >= prop(u"eventList"_s, "count") - 20, Timeout);
}

void tst_SseMonitor::clear()
{
    // The stream goes on: QTest's click processes events, so rows may arrive during it. Cleared
    // means that no row from before the click is left.
    QObject *source = find(u"source"_s);
    const qint64 before = source->property("eventCount").toLongLong();
    QVERIFY(prop(u"eventModel"_s, "count") > 0);
    click(u"clearButton"_s);
    const int arrived = int(source->property("eventCount").toLongLong() - before);
    QVERIFY2(prop(u"eventModel"_s, "count") <= arrived,
             qPrintable(u"%1 rows after clear, %2 events arrived meanwhile"_s
                                .arg(prop(u"eventModel"_s, "count"))
                                .arg(arrived)));
    QCOMPARE(prop(u"eventList"_s, "count"), prop(u"eventModel"_s, "count"));
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"eventList"_s, "count") > 50, Timeout); // and it fills again
}

void tst_SseMonitor::detailShowsPrettyJson()
{
    QObject *filtered = find(u"filterModel"_s);
    int row = -1;
    QTRY_VERIFY_WITH_TIMEOUT(
            (QMetaObject::invokeMethod(filtered, "lastRowOfType", Q_RETURN_ARG(int, row),
                                       Q_ARG(QString, u"price"_s)),
             row >= 0),
            Timeout);
    QVERIFY(QMetaObject::invokeMethod(find(u"eventTable"_s), "selectRow", Q_ARG(QVariant, row)));
    QCOMPARE(find(u"detailType"_s)->property("text").toString(), u"price"_s);
    QVERIFY(find(u"detailFormat"_s)->property("text").toString().contains(u"JSON"_s));
    const QString text = find(u"detailText"_s)->property("text").toString();
    QVERIFY2(text.startsWith(u"{\n    \""_s), qPrintable(text));
    QVERIFY2(text.contains(u"\n    \"price\": "_s), qPrintable(text));
    QVERIFY2(text.contains(u"\n    \"symbol\": \""_s), qPrintable(text));
}

void tst_SseMonitor::copyAndExport()
{
    // The price event selected above, as a JSON line on the clipboard.
    QVERIFY(QMetaObject::invokeMethod(find(u"detailPane"_s), "copyEvent"));
    const QJsonObject copied =
            QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8()).object();
    QCOMPARE(copied.value(u"type"_s).toString(), u"price"_s);
    QVERIFY(copied.contains(u"data"_s) && copied.contains(u"id"_s) && copied.contains(u"time"_s));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"events.jsonl"_s);
    int written = -1;
    QVERIFY(QMetaObject::invokeMethod(
            find(u"backend"_s), "exportJsonLines", Q_RETURN_ARG(int, written),
            Q_ARG(QObject *, find(u"eventModel"_s)), Q_ARG(QUrl, QUrl::fromLocalFile(path))));
    QVERIFY(written > 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), written + 1); // the last line ends with a newline too
    const QJsonObject first = QJsonDocument::fromJson(lines.constFirst()).object();
    QCOMPARE(QStringList(first.keys()), QStringList({u"data"_s, u"id"_s, u"time"_s, u"type"_s}));
}

void tst_SseMonitor::secretHeadersMasked()
{
    click(u"headersButton"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
            m_window->findChild<QObject *>(u"headersPopup"_s)->property("opened").toBool(),
            Timeout);
    // The rows are sorted by name: Accept-Language, Authorization. The list makes its delegates
    // when it lays itself out, which may come after the popup says it is open.
    QTRY_VERIFY_WITH_TIMEOUT(findObject(m_window, u"headerValue1"_s), Timeout);
    QObject *plain = find(u"headerValue0"_s);
    QObject *secret = find(u"headerValue1"_s);
    QCOMPARE(find(u"headerName1"_s)->property("text").toString(), u"Authorization"_s);
    const int password = 2, normal = 0; // TextInput.Password, TextInput.Normal
    QCOMPARE(plain->property("echoMode").toInt(), normal);
    QCOMPARE(secret->property("echoMode").toInt(), password);
    QVERIFY(!find(u"headersEditor"_s)->property("summary").toString().contains(u"secret-token"_s));
    QVERIFY(QMetaObject::invokeMethod(find(u"headerReveal1"_s), "clicked"));
    QCOMPARE(secret->property("echoMode").toInt(), normal);
    QVERIFY(QMetaObject::invokeMethod(find(u"headerReveal1"_s), "clicked"));
    QCOMPARE(secret->property("echoMode").toInt(), password);
    QTest::keyClick(m_window, Qt::Key_Escape); // closes the popup
    QTRY_VERIFY_WITH_TIMEOUT(
            !m_window->findChild<QObject *>(u"headersPopup"_s)->property("visible").toBool(),
            Timeout);
}

void tst_SseMonitor::screenshot()
{
    // A full table following the tail, with the price event still in the detail pane.
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"eventList"_s, "count") > 400, Timeout);
    // A few seconds of the rate plot; the mouse away from the buttons (no tooltip).
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"rates"_s, "sampleCount") >= 5, Timeout);
    QTest::mouseMove(m_window, QPoint(m_window->width() / 3, m_window->height() - 60));
    QTRY_VERIFY_WITH_TIMEOUT(prop(u"eventList"_s, "count") > 800, Timeout);
    const QImage image = m_window->grabWindow();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(QStringLiteral(SCREENSHOT_PATH)));
    qInfo("screenshot: %s (%dx%d)", SCREENSHOT_PATH, image.width(), image.height());
}

void tst_SseMonitor::cleanupTestCase()
{
    m_engine.reset();
    if (m_server.state() != QProcess::NotRunning) {
        m_server.terminate();
        if (!m_server.waitForFinished(5000))
            m_server.kill();
        m_server.waitForFinished(5000);
    }
}

QTEST_MAIN(tst_SseMonitor)
#include "tst_ssemonitor.moc"
