// SPDX-License-Identifier: BSD-3-Clause
// The monitor (examples/ssemonitor) driven as a user drives it: on a private Xvfb display, with
// real X input from xdotool (clicks at the positions of rows, buttons and fields computed with
// mapToGlobal(), the mouse wheel, typed text and keyboard shortcuts), against sse-demo-server
// (a process). Nothing is invoked or set inside the monitor: the test only reads properties to
// see what happened. Each test is a finding of issue 13:
//   commandLineWithoutDisplay   --help and usage errors need no display
//   clickSelectsRowAfterScrolling  a click selects the row under the pointer, also scrolled
//   exportThroughDialog         Ctrl+S, the file dialog typed into, the file written
//   buttonFollowsState          Connect / Disconnect / Retry now, the error, one event count
//   passwordMasked              user:****@ on screen, no password in the stored history
//   selectionLeavesWithItsEvent  at capacity, the highlight stays on the clicked event, and
//                               leaves the table when that event is dropped (not to another)
// Screenshots: ${CMAKE_BINARY_DIR}/ssemonitor-input-*.png.
#include "monitorapp.h"
#include "quickwindowdriver.h"
#include "xvfbdisplay.h"
#include "xvfbtestmain.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qsettings.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

#include <sys/prctl.h>

#include <csignal>

Q_IMPORT_QML_PLUGIN(SseMonitorPlugin)

using namespace Qt::StringLiterals;

static constexpr int Timeout = 20000; // generous: the suite must pass on a loaded machine

class tst_SseMonitorInput : public QObject, private QuickWindowDriver
{
    Q_OBJECT

public:
    tst_SseMonitorInput() : QuickWindowDriver(QStringLiteral(SCREENSHOT_DIR "/ssemonitor-input-"))
    {
    }

private Q_SLOTS:
    void initTestCase();
    void commandLineWithoutDisplay();
    void clickSelectsRowAfterScrolling();
    void exportThroughDialog();
    void buttonFollowsState();
    void passwordMasked();
    void selectionLeavesWithItsEvent();
    void cleanupTestCase();

private:
    int state() const { return find(u"source"_s)->property("state").toInt(); }
    // Into the URL field, replacing its text, then Return.
    bool typeUrl(const QString &url) { return retype(u"urlField"_s, url); }
    QList<QQuickItem *> visibleItems() const; // in the window, popups included

    QProcess m_server;
    QUrl m_streamUrl;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

// SseSource.State
enum { Closed = 0, Connecting, Open, Reconnecting, Failed };

QList<QQuickItem *> tst_SseMonitorInput::visibleItems() const
{
    QList<QQuickItem *> items;
    QList<QQuickItem *> pending {m_window->contentItem()};
    while (!pending.isEmpty()) {
        QQuickItem *item = pending.takeLast();
        if (!item->isVisible())
            continue;
        items.append(item);
        pending.append(item->childItems());
    }
    return items;
}

void tst_SseMonitorInput::initTestCase()
{
    QVERIFY2(XInput::run({u"version"_s}), "xdotool is needed (Debian package xdotool)");

    m_server.setProgram(QStringLiteral(DEMO_SERVER_PATH));
    m_server.setArguments({u"--quiet"_s});
    m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_server.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_server.start();
    QVERIFY2(m_server.waitForStarted(Timeout), qPrintable(m_server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_server.canReadLine(), Timeout);
    m_streamUrl = QUrl(QString::fromUtf8(m_server.readLine().trimmed()));
    QVERIFY(m_streamUrl.isValid());

    MonitorOptions options;
    options.url = m_streamUrl;
    options.url.setQuery(u"rate=100"_s);
    options.capacity = 100000; // no row dropped at the top while the test runs
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_window = loadMonitor(*m_engine, options);
    QVERIFY(m_window);
    QVERIFY(activateByClick(u"detailPane"_s, Timeout));
}

void tst_SseMonitorInput::commandLineWithoutDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s);
    env.remove(u"WAYLAND_DISPLAY"_s);
    env.insert(u"QT_QPA_PLATFORM"_s, u"xcb"_s); // a GUI application would abort without display
    QProcess monitor;
    monitor.setProcessEnvironment(env);

    monitor.start(QStringLiteral(SSEMONITOR_PATH), {u"--help"_s});
    QVERIFY(monitor.waitForFinished(Timeout));
    QCOMPARE(monitor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(monitor.exitCode(), 0);
    const QByteArray usage = monitor.readAllStandardOutput();
    QVERIFY2(usage.contains("Usage:") && usage.contains("--header"), usage.constData());

    monitor.start(QStringLiteral(SSEMONITOR_PATH), {u"--no-such-option"_s});
    QVERIFY(monitor.waitForFinished(Timeout));
    QCOMPARE(monitor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(monitor.exitCode(), 2);
    const QByteArray error = monitor.readAllStandardError();
    QVERIFY2(error.contains("no-such-option") && error.contains("--help"), error.constData());
    QVERIFY(monitor.readAllStandardOutput().isEmpty());

    monitor.start(QStringLiteral(SSEMONITOR_PATH), {u"http://a/"_s, u"http://b/"_s});
    QVERIFY(monitor.waitForFinished(Timeout));
    QCOMPARE(monitor.exitCode(), 2);
}

void tst_SseMonitorInput::clickSelectsRowAfterScrolling()
{
    auto *list = item(u"eventList"_s);
    QTRY_VERIFY_WITH_TIMEOUT(list->property("count").toInt() > 300, Timeout);
    // Stop the stream (a click on Disconnect): the rows stay where they are.
    QCOMPARE(text(u"connectButton"_s), u"Disconnect"_s);
    QVERIFY(clickItem(u"connectButton"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Closed), Timeout);
    // The table followed the tail: scrolled far down.
    QTRY_VERIFY_WITH_TIMEOUT(list->property("atYEnd").toBool(), Timeout);
    QVERIFY(list->property("contentY").toReal() > 2000);

    QObject *filtered = find(u"filterModel"_s);
    const auto clickRowAt = [&](qreal fraction) {
        QQuickItem *row = visibleRow(u"eventList"_s, fraction);
        QVERIFY2(row, "no row there");
        const int index = row->property("index").toInt();
        QVariantMap event;
        QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, event),
                                  Q_ARG(int, index));
        QVERIFY(XInput::click(centre(row)));
        QTRY_COMPARE_WITH_TIMEOUT(list->property("currentIndex").toInt(), index, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(text(u"detailId"_s), event.value(u"id"_s).toString(), Timeout);
        QCOMPARE(text(u"detailType"_s), event.value(u"type"_s).toString());
    };
    clickRowAt(0.5);
    if (QTest::currentTestFailed())
        return;
    screenshot(u"row-clicked"_s);

    // Scrolled up with the wheel (no longer at the end), another row.
    const qreal before = list->property("contentY").toReal();
    QVERIFY(XInput::wheel(centre(list), -5));
    QTRY_VERIFY_WITH_TIMEOUT(list->property("contentY").toReal() < before - 50, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!list->property("moving").toBool(), Timeout);
    QVERIFY(!list->property("atYEnd").toBool());
    clickRowAt(0.25);
    if (QTest::currentTestFailed())
        return;

    // The arrow keys move the selection from there.
    const int current = list->property("currentIndex").toInt();
    QVERIFY(XInput::key(u"Down"_s));
    QTRY_COMPARE_WITH_TIMEOUT(list->property("currentIndex").toInt(), current + 1, Timeout);
    QVariantMap next;
    QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, next),
                              Q_ARG(int, current + 1));
    QTRY_COMPARE_WITH_TIMEOUT(text(u"detailId"_s), next.value(u"id"_s).toString(), Timeout);
}

void tst_SseMonitorInput::exportThroughDialog()
{
    const int captured = find(u"eventModel"_s)->property("count").toInt();
    QVERIFY(captured > 300);
    QVERIFY(XInput::moveTo(centre(item(u"detailPane"_s))));
    QVERIFY(XInput::key(u"ctrl+s"_s));
    QTRY_VERIFY_WITH_TIMEOUT(findObject(m_window, u"fileNameTextField"_s), Timeout);
    QQuickItem *name = item(u"fileNameTextField"_s);
    QTRY_VERIFY_WITH_TIMEOUT(name->isVisible() && name->width() > 0, Timeout);
    QObject *dialog = find(u"exportDialog"_s);
    const QString folder = dialog->property("currentFolder").toUrl().toLocalFile();
    QVERIFY2(QDir(folder).exists(), qPrintable(folder));
    screenshot(u"export-dialog"_s);

    QVERIFY(XInput::click(centre(name)));
    QVERIFY(XInput::key(u"ctrl+a"_s));
    QVERIFY(XInput::type(u"capture.jsonl"_s));
    QTRY_COMPARE_WITH_TIMEOUT(name->property("text").toString(), u"capture.jsonl"_s, Timeout);
    screenshot(u"export-typed"_s);
    // Qt 6.4's dialog does not accept on Return: the user clicks its Export button.
    QQuickItem *accept = nullptr;
    const QList<QQuickItem *> items = visibleItems();
    for (QQuickItem *button : items) {
        if (button->inherits("QQuickAbstractButton")
            && button->property("text").toString() == u"Export"_s)
            accept = button;
    }
    QVERIFY2(accept, "no Export button in the dialog");
    QVERIFY(XInput::click(centre(accept)));

    const QString path = QDir(folder).filePath(u"capture.jsonl"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(QFile::exists(path), qPrintable(text(u"message"_s)), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(text(u"message"_s).startsWith(u"Exported"_s), Timeout);
    QVERIFY2(text(u"message"_s).contains(path), qPrintable(text(u"message"_s)));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), captured); // the stream is closed: nothing new
}

void tst_SseMonitorInput::buttonFollowsState()
{
    QCOMPARE(state(), int(Closed));
    QCOMPARE(text(u"connectButton"_s), u"Connect"_s);
    QCOMPARE(text(u"stateLabel"_s), u"Disconnected"_s);

    // A URL that answers 404: Failed, the button connects, the error is shown.
    QUrl missing = m_streamUrl;
    missing.setPath(u"/missing"_s);
    QVERIFY(typeUrl(missing.toString()));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Failed), Timeout);
    QCOMPARE(text(u"stateLabel"_s), u"Failed"_s);
    QCOMPARE(text(u"connectButton"_s), u"Connect"_s);
    QTRY_VERIFY_WITH_TIMEOUT(text(u"errorLabel"_s).contains(u"404"_s), Timeout);
    screenshot(u"failed"_s);

    // A stream that ends after 2 s and asks for a minute before the retry: the error clears
    // when it opens; then Reconnecting, and "Retry now" connects at once.
    QUrl dropping = m_streamUrl;
    dropping.setQuery(u"rate=50&drop=2&retry=60000"_s);
    QObject *source = find(u"source"_s);
    QSignalSpy opened(source, SIGNAL(opened()));
    QVERIFY(typeUrl(dropping.toString()));
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(text(u"errorLabel"_s), QString(), Timeout);
    QCOMPARE(text(u"connectButton"_s), u"Disconnect"_s);

    // One event count on screen, labelled, restarting with each Connect.
    QTRY_VERIFY_WITH_TIMEOUT(text(u"totalsLabel"_s).contains(u"events received since Connect"_s),
                             Timeout);
    const auto countTexts = [this] {
        // Texts with a number of events, or a heading of one.
        QStringList found;
        const QList<QQuickItem *> all = visibleItems();
        for (QQuickItem *label : all) {
            if (!label->inherits("QQuickText"))
                continue;
            const QString shown = label->property("text").toString();
            if (shown == u"Events"_s
                || ((shown.contains(u" events"_s) || shown.contains(u"captured"_s)
                     || shown.contains(u"shown"_s))
                    && !shown.contains(u"events/s"_s)
                    && shown.contains(QRegularExpression(u"\\d"_s))))
                found.append(shown);
        }
        return found;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(countTexts().size() == 1, qPrintable(countTexts().join(u" | "_s)),
                              Timeout);

    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Reconnecting), Timeout);
    QCOMPARE(text(u"connectButton"_s), u"Retry now"_s);
    const QDateTime next = source->property("nextRetryTime").toDateTime();
    QVERIFY2(QDateTime::currentDateTime().msecsTo(next) > Timeout + 2000,
             "the retry is not far enough away to tell Retry now from the timer");
    screenshot(u"reconnecting"_s);
    QVERIFY(clickItem(u"connectButton"_s));
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 2, Timeout);

    // A stream that stays open (the one above ends every 2 s): Disconnect, then Ctrl+Enter
    // connects again (and the count restarts).
    QUrl steady = m_streamUrl;
    steady.setQuery(u"rate=200"_s);
    QVERIFY(typeUrl(steady.toString()));
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 3, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Open), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(source->property("eventCount").toDouble() > 1000, Timeout);
    QCOMPARE(text(u"connectButton"_s), u"Disconnect"_s);
    QVERIFY(clickItem(u"connectButton"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Closed), Timeout);
    QCOMPARE(text(u"connectButton"_s), u"Connect"_s);
    QTRY_COMPARE_WITH_TIMEOUT(text(u"stateLabel"_s), u"Disconnected"_s, Timeout);
    const double received = source->property("eventCount").toDouble();

    QVERIFY(XInput::moveTo(centre(item(u"detailPane"_s))));
    QVERIFY(XInput::key(u"ctrl+Return"_s));
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 4, Timeout);
    QVERIFY(source->property("eventCount").toDouble() < received); // 200/s: not 1000 yet
    // On screen too (the label reads the counters at 4 Hz).
    const auto shownCount = [this] {
        const QString shown = text(u"totalsLabel"_s);
        return shown.left(shown.indexOf(u' ')).remove(u',').toDouble();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(shownCount() < received, qPrintable(text(u"totalsLabel"_s)), Timeout);
    QVERIFY(XInput::key(u"ctrl+Return"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Closed), Timeout);
}

void tst_SseMonitorInput::passwordMasked()
{
    QUrl secret = m_streamUrl;
    secret.setUserName(u"alice"_s);
    secret.setPassword(u"hunter2"_s);
    secret.setQuery(u"rate=20"_s);
    QObject *source = find(u"source"_s);
    QVERIFY(typeUrl(secret.toString()));
    QTRY_VERIFY_WITH_TIMEOUT(state() == Open || state() == Failed, Timeout);

    QUrl masked = secret;
    masked.setPassword(u"****"_s);
    QUrl withoutPassword = secret;
    withoutPassword.setPassword(QString());
    // Connected with the password; shown without it.
    QCOMPARE(source->property("url").toUrl(), secret);
    QTRY_COMPARE_WITH_TIMEOUT(find(u"urlField"_s)->property("editText").toString(),
                              masked.toString(), Timeout);
    QVERIFY(!m_window->title().contains(u"hunter2"_s));
    screenshot(u"password-masked"_s);

    // The history (and its file) holds the URL without the password.
    const QStringList history = find(u"backend"_s)->property("urlHistory").toStringList();
    QCOMPARE(history.value(0), withoutPassword.toString());
    QVERIFY(!history.join(u' ').contains(u"hunter2"_s));
    QSettings settings;
    QFile file(settings.fileName());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    const QByteArray stored = file.readAll();
    QVERIFY2(stored.contains("alice@") && !stored.contains("hunter2"), stored.constData());

    // Editing the masked URL keeps the password it stands for.
    QQuickItem *field = item(u"urlField"_s);
    QVERIFY(XInput::click(field->mapToGlobal(QPointF(40, field->height() / 2)).toPoint()));
    QVERIFY(XInput::key(u"End BackSpace BackSpace"_s));
    QVERIFY(XInput::type(u"30"_s));
    QVERIFY(XInput::key(u"Return"_s));
    QUrl edited = secret;
    edited.setQuery(u"rate=30"_s);
    QTRY_COMPARE_WITH_TIMEOUT(source->property("url").toUrl(), edited, Timeout);
    masked.setQuery(u"rate=30"_s);
    QTRY_COMPARE_WITH_TIMEOUT(find(u"urlField"_s)->property("editText").toString(),
                              masked.toString(), Timeout);
    file.seek(0);
    QVERIFY(!file.readAll().contains("hunter2"));
}

void tst_SseMonitorInput::selectionLeavesWithItsEvent()
{
    // The stream of passwordMasked goes on (30 events/s); keep 40 of them, typed into the box.
    QVERIFY(retype(u"capacityBox"_s, u"40"_s));
    QTRY_COMPARE_WITH_TIMEOUT(find(u"eventModel"_s)->property("capacity").toInt(), 40, Timeout);
    auto *list = item(u"eventList"_s);
    QTRY_COMPARE_WITH_TIMEOUT(list->property("count").toInt(), 40, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(list->property("atYEnd").toBool(), Timeout);

    // A click on one of the newest rows (rows move up as others arrive: whichever was hit is
    // the one the detail pane shows).
    QQuickItem *row = visibleRow(u"eventList"_s, 0.9);
    QVERIFY2(row, "no row there");
    const QString before = text(u"detailId"_s);
    QVERIFY(XInput::click(centre(row)));
    QTRY_VERIFY_WITH_TIMEOUT(text(u"detailId"_s) != before, Timeout);
    const QString clicked = text(u"detailId"_s);
    QObject *filtered = find(u"filterModel"_s);
    const auto highlightedId = [&] {
        QVariantMap event;
        QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, event),
                                  Q_ARG(int, list->property("currentIndex").toInt()));
        return event.value(u"id"_s).toString();
    };
    // Rows dropped above it: the highlight moves up with it.
    QTRY_COMPARE_WITH_TIMEOUT(highlightedId(), clicked, Timeout);
    // It is dropped in turn (40 more events): no row is highlighted then, rather than the one
    // that took its place; the detail pane keeps it.
    QTRY_COMPARE_WITH_TIMEOUT(list->property("currentIndex").toInt(), -1, Timeout);
    QCOMPARE(text(u"detailId"_s), clicked);
    QVERIFY(list->property("count").toInt() == 40);
}

void tst_SseMonitorInput::cleanupTestCase()
{
    m_engine.reset();
    if (m_server.state() != QProcess::NotRunning) {
        m_server.terminate();
        if (!m_server.waitForFinished(5000))
            m_server.kill();
        m_server.waitForFinished(5000);
    }
}

// HOME is a temporary directory, so the history (~/.config) and the export's default folder are
// the test's own.
QTSSE_XVFB_TEST_MAIN(tst_SseMonitorInput,
                     XvfbTestOptions("tst_ssemonitor_input").namingApplication())

#include "tst_ssemonitor_input.moc"
