// SPDX-License-Identifier: BSD-3-Clause
// The monitor's Record and Open recording (issue 13 item 3), and what it shows of a resumed
// stream and of an error (issue 15 items 4 and 6), driven as a user drives it: real X input
// (xdotool) on a private Xvfb display, against SseTestServer in this process. Nothing is
// invoked inside the monitor; the test reads properties and files to see what happened.
//   recordThroughDialog      Record…, the save dialog typed into, a stream, Stop recording: the
//                            file holds the stream's bytes as sent (CRLF, a BOM, an unknown
//                            field) and its clean end, with the events at their times
//   openRecordingOffline     Ctrl+O, the file picked in the open dialog: the table, the detail
//                            pane, the search and the plot show the recording
//   openBadRecording         a file that is not a recording: a clear message, nothing replaced
//   duplicatesGapsAndRawBytes  a resumed stream that repeats an event and skips two, then an
//                            event too large: the counts on screen, Raw bytes… shows what came
// Screenshots: ${CMAKE_BINARY_DIR}/ssemonitor-input-record*.png, -recording-offline.png,
// -raw-bytes.png.
#include "monitorapp.h"
#include "quickwindowdriver.h"
#include "ssetestserver.h"
#include "sserecording.h"
#include "xvfbdisplay.h"
#include "xvfbtestmain.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtNetwork/qnetworkproxy.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qtest.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(SseMonitorPlugin)

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;

static constexpr int Timeout = 20000; // generous: the suite must pass on a loaded machine
static constexpr int MaxEventSize = 1024; // --max-event-size of the monitor under test
static constexpr int PauseMs = 300;

class tst_SseMonitorRecord : public QObject, private QuickWindowDriver
{
    Q_OBJECT

public:
    tst_SseMonitorRecord() : QuickWindowDriver(QStringLiteral(SCREENSHOT_DIR "/ssemonitor-input-"))
    {
    }

private Q_SLOTS:
    void initTestCase();
    void recordThroughDialog();
    void openRecordingOffline();
    void openBadRecording();
    void duplicatesGapsAndRawBytes();
    void cleanupTestCase();

private:
    int state() const { return find(u"source"_s)->property("state").toInt(); }
    bool typeUrl(const QString &url) { return retype(u"urlField"_s, url); }
    QQuickItem *visibleButton(const QString &text) const; // a button (or delegate) saying text
    bool pickInOpenDialog(const QString &fileName); // Ctrl+O, the file clicked, Open clicked

    SseTestServer m_server;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QString m_recordingPath;
    QList<SseEvent> m_sent; // the events of the recorded stream
};

enum { Closed = 0, Connecting, Open, Reconnecting, Failed }; // SseSource.State

QQuickItem *tst_SseMonitorRecord::visibleButton(const QString &text) const
{
    QList<QQuickItem *> pending {m_window->contentItem()};
    while (!pending.isEmpty()) {
        QQuickItem *item = pending.takeLast();
        if (!item->isVisible())
            continue;
        // A file dialog's delegate names its file in fileName.
        if (item->inherits("QQuickAbstractButton")
            && (item->property("text").toString() == text
                || item->property("fileName").toString() == text))
            return item;
        pending.append(item->childItems());
    }
    return nullptr;
}

bool tst_SseMonitorRecord::pickInOpenDialog(const QString &fileName)
{
    QObject *dialog = find(u"openRecordingDialog"_s);
    if (!XInput::moveTo(centre(item(u"detailPane"_s))) || !XInput::key(u"ctrl+o"_s))
        return false;
    QQuickItem *file = nullptr;
    QDeadlineTimer deadline(Timeout);
    while (!(file = visibleButton(fileName)) && !deadline.hasExpired())
        QTest::qWait(20);
    if (!file || !XInput::click(centre(file)))
        return false;
    // Selected: the dialog's Open button takes it.
    deadline = QDeadlineTimer(Timeout);
    while (dialog->property("selectedFile").toUrl().fileName() != fileName
           && !deadline.hasExpired())
        QTest::qWait(20);
    if (dialog->property("selectedFile").toUrl().fileName() != fileName)
        return false;
    QQuickItem *open = visibleButton(u"Open"_s);
    return open && XInput::click(centre(open));
}

void tst_SseMonitorRecord::initTestCase()
{
    QVERIFY2(XInput::run({u"version"_s}), "xdotool is needed (Debian package xdotool)");
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    QVERIFY(m_server.listen());

    MonitorOptions options;
    options.maxEventSize = MaxEventSize;
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_window = loadMonitor(*m_engine, options);
    QVERIFY(m_window);
    QVERIFY(activateByClick(u"detailPane"_s, Timeout));
}

void tst_SseMonitorRecord::recordThroughDialog()
{
    // Record… before connecting: the recording takes whatever the source receives from now.
    QCOMPARE(text(u"recordButton"_s), u"Record…"_s);
    QVERIFY(clickItem(u"recordButton"_s));
    QTRY_VERIFY_WITH_TIMEOUT(findObject(m_window, u"fileNameTextField"_s), Timeout);
    QQuickItem *name = item(u"fileNameTextField"_s);
    QTRY_VERIFY_WITH_TIMEOUT(name->isVisible() && name->width() > 0, Timeout);
    const QString folder = find(u"recordDialog"_s)->property("currentFolder").toUrl().toLocalFile();
    QVERIFY2(QDir(folder).exists(), qPrintable(folder));
    QVERIFY(XInput::click(centre(name)));
    QVERIFY(XInput::key(u"ctrl+a"_s));
    QVERIFY(XInput::type(u"capture.sserec"_s));
    QTRY_COMPARE_WITH_TIMEOUT(name->property("text").toString(), u"capture.sserec"_s, Timeout);
    screenshot(u"record-dialog"_s);
    QQuickItem *accept = visibleButton(u"Record"_s);
    QVERIFY2(accept, "no Record button in the dialog");
    QVERIFY(XInput::click(centre(accept)));
    QObject *recorder = find(u"recorder"_s);
    QTRY_VERIFY_WITH_TIMEOUT(recorder->property("recording").toBool(), Timeout);
    QCOMPARE(text(u"recordButton"_s), u"Stop recording"_s);
    m_recordingPath = QDir(folder).filePath(u"capture.sserec"_s);

    // The stream: a comment, retry:, 30 events (types, multi-line data, one without an id:
    // field) in three bursts 300 ms apart; then the end, and 204 on the reconnect.
    Response r = Response::sse().chunked();
    QByteArray sentBytes = "\xEF\xBB\xBF: recorded by the monitor\r\nretry: 300\r\nfoo\r\n\r\n";
    r.send(sentBytes);
    m_sent.clear();
    for (int i = 1; i <= 30; ++i) {
        const QString type = i % 3 == 0 ? u"tick"_s : u"message"_s;
        const QString data = i % 4 == 0 ? u"event %1\nsecond line"_s.arg(i) : u"event %1"_s.arg(i);
        const bool hasId = i != 17;
        const QString id = hasId ? QString::number(i) : m_sent.last().lastEventId();
        m_sent.append(SseEvent(type, data, id));
        QByteArray bytes = hasId ? "id: " + QByteArray::number(i) + '\n' : QByteArray();
        if (type != u"message"_s)
            bytes += "event: " + type.toUtf8() + '\n';
        for (const QString &line : data.split(u'\n'))
            bytes += "data: " + line.toUtf8() + '\n';
        r.send(bytes + '\n');
        sentBytes += bytes + '\n';
        if (i % 10 == 0 && i < 30)
            r.pause(PauseMs);
    }
    m_server.enqueue(r.close());
    m_server.enqueue(Response::status(204, "No Content"));
    QVERIFY(typeUrl(m_server.url(u"/recorded"_s).toString()));
    QObject *events = find(u"eventModel"_s);
    QTRY_COMPARE_WITH_TIMEOUT(events->property("count").toInt(), 30, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Closed), Timeout);
    // Event 17 has no id: field: from 16 to 18 is a jump in the integer ids, shown as a gap.
    QTRY_COMPARE_WITH_TIMEOUT(text(u"resumeCheckLabel"_s), u"0 duplicates dropped · 1 gaps"_s,
                              Timeout);

    QVERIFY(clickItem(u"recordButton"_s)); // Stop recording
    QTRY_VERIFY_WITH_TIMEOUT(!recorder->property("recording").toBool(), Timeout);
    QCOMPARE(text(u"recordButton"_s), u"Record…"_s);
    QTRY_COMPARE_WITH_TIMEOUT(text(u"message"_s),
                              u"Recorded 30 events to %1"_s.arg(m_recordingPath), Timeout);

    QString error;
    const std::optional<SseRecording> recording = SseRecording::read(m_recordingPath, &error);
    QVERIFY2(recording, qPrintable(error));
    QCOMPARE(recording->url, m_server.url(u"/recorded"_s));
    QCOMPARE(recording->maxEventSize, MaxEventSize); // the monitor's SseSource's
    // The raw stream, byte for byte, and its clean end (the 204 opened no stream).
    QCOMPARE(recording->version, 2);
    QCOMPARE(recording->segments.size(), 1);
    QCOMPARE(recording->segments.at(0).stream(), sentBytes);
    QCOMPARE(recording->segments.at(0).end, SseRecording::End::Clean);
    QList<SseRecordedItem> recorded;
    bool comment = false, retry = false;
    for (const SseRecordedItem &item : parseRecordedItems(*recording)) {
        if (item.kind == SseRecordedItem::Event)
            recorded.append(item);
        comment |= item.kind == SseRecordedItem::Comment
                && item.comment == u" recorded by the monitor"_s;
        retry |= item.kind == SseRecordedItem::Retry && item.retryMs == 300;
    }
    QVERIFY(comment);
    QVERIFY(retry);
    QCOMPARE(recorded.size(), m_sent.size());
    for (qsizetype i = 0; i < m_sent.size(); ++i) {
        QCOMPARE(recorded.at(i).event.type(), m_sent.at(i).type());
        QCOMPARE(recorded.at(i).event.data(), m_sent.at(i).data());
        QCOMPARE(recorded.at(i).event.lastEventId(), m_sent.at(i).lastEventId());
    }
    // The server's pauses, in the arrival times. An arrival gap is the pause plus the second
    // event's delay less the first's: on a loaded machine a little less than the pause.
    for (int after : {10, 20}) {
        const qint64 gap = recorded.at(after).timeMs - recorded.at(after - 1).timeMs;
        QVERIFY2(gap >= PauseMs / 2, qPrintable(u"gap after %1: %2 ms"_s.arg(after).arg(gap)));
    }
}

void tst_SseMonitorRecord::openRecordingOffline()
{
    QVERIFY2(!m_recordingPath.isEmpty(), "recordThroughDialog made no recording");
    QVERIFY(clickItem(u"clearButton"_s)); // nothing of the live capture left on screen
    QTRY_COMPARE_WITH_TIMEOUT(find(u"filterModel"_s)->property("count").toInt(), 0, Timeout);

    QVERIFY(pickInOpenDialog(u"capture.sserec"_s));
    QObject *model = find(u"recordingModel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(model->property("loaded").toBool(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(item(u"offlineLabel"_s)->isVisible(), Timeout);
    QVERIFY2(text(u"offlineLabel"_s).contains(u"30 events, 1 comments"_s),
             qPrintable(text(u"offlineLabel"_s)));
    QVERIFY(text(u"offlineLabel"_s).contains(m_recordingPath));
    QObject *filtered = find(u"filterModel"_s);
    QTRY_COMPARE_WITH_TIMEOUT(filtered->property("count").toInt(), 30, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(text(u"plotTitle"_s).startsWith(u"Recording"_s), Timeout);

    // A click on a row: the detail pane shows that event, received when the file says.
    QQuickItem *row = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((row = visibleRow(u"eventList"_s, 0.1)), Timeout);
    const int index = row->property("index").toInt();
    QVERIFY(XInput::click(centre(row)));
    QTRY_COMPARE_WITH_TIMEOUT(text(u"detailId"_s), m_sent.at(index).lastEventId(), Timeout);
    QCOMPARE(text(u"detailType"_s), m_sent.at(index).type());
    QString error;
    const std::optional<SseRecording> recording = SseRecording::read(m_recordingPath, &error);
    QVERIFY2(recording, qPrintable(error));
    QList<qint64> times;
    for (const SseRecordedItem &item : parseRecordedItems(*recording)) {
        if (item.kind == SseRecordedItem::Event)
            times.append(item.timeMs);
    }
    QVariantMap shown;
    QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, shown), Q_ARG(int, index));
    QCOMPARE(shown.value(u"receiveTime"_s).toDateTime().toUTC(),
             recording->recorded.addMSecs(times.at(index)));

    // The search works on it as on a live capture: "second line" is in every fourth event.
    QVERIFY(XInput::key(u"ctrl+f"_s));
    QVERIFY(XInput::type(u"second line"_s));
    QTRY_COMPARE_WITH_TIMEOUT(filtered->property("count").toInt(), 7, Timeout);
    // The highlight stays on the clicked event, not on its row number: on no row while the
    // search hides it (the detail pane keeps it), on it again once the search is cleared.
    QObject *list = find(u"eventList"_s);
    const QString clickedId = m_sent.at(index).lastEventId();
    const auto highlightedId = [&] {
        QVariantMap row;
        QMetaObject::invokeMethod(filtered, "get", Q_RETURN_ARG(QVariantMap, row),
                                  Q_ARG(int, list->property("currentIndex").toInt()));
        return row.value(u"id"_s).toString();
    };
    if (m_sent.at(index).data().contains(u"second line"_s))
        QTRY_COMPARE_WITH_TIMEOUT(highlightedId(), clickedId, Timeout);
    else
        QTRY_COMPARE_WITH_TIMEOUT(list->property("currentIndex").toInt(), -1, Timeout);
    QCOMPARE(text(u"detailId"_s), clickedId);
    screenshot(u"recording-offline"_s);
    QVERIFY(XInput::key(u"Escape"_s)); // clears the search
    QTRY_COMPARE_WITH_TIMEOUT(filtered->property("count").toInt(), 30, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(list->property("currentIndex").toInt(), index, Timeout);
}

void tst_SseMonitorRecord::openBadRecording()
{
    QVERIFY2(!m_recordingPath.isEmpty(), "recordThroughDialog made no recording");
    QFile bad(QFileInfo(m_recordingPath).dir().filePath(u"broken.sserec"_s));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("SSE-RECORDING 1\n{\"recorded\":\"2026-12-07T05:00:00Z\"}\n0 100\ncut short");
    bad.close();
    QVERIFY(pickInOpenDialog(u"broken.sserec"_s));
    QTRY_VERIFY_WITH_TIMEOUT(text(u"message"_s).startsWith(u"Cannot open the recording: "_s),
                             Timeout);
    QVERIFY2(text(u"message"_s).contains(u"truncated: chunk 1"_s), qPrintable(text(u"message"_s)));
    // What was shown stays.
    QVERIFY(find(u"recordingModel"_s)->property("loaded").toBool());
    QCOMPARE(find(u"filterModel"_s)->property("count").toInt(), 30);
    QVERIFY(text(u"offlineLabel"_s).contains(u"capture.sserec"_s));

    QVERIFY(clickItem(u"liveButton"_s)); // Back to live
    QTRY_VERIFY_WITH_TIMEOUT(!find(u"recordingModel"_s)->property("loaded").toBool(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!item(u"offlineLabel"_s)->isVisible(), Timeout);
}

void tst_SseMonitorRecord::duplicatesGapsAndRawBytes()
{
    QVERIFY(!item(u"rawBytesButton"_s)->isVisible());
    // 1 and 2; the stream ends; the resumed stream repeats 2 (the same event again), jumps to 5, then sends an event
    // larger than the monitor's --max-event-size: an error. The next attempt gets 204.
    m_server.enqueue(Response::sse()
                             .chunked()
                             .send("retry: 200\n\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n")
                             .close());
    m_server.enqueue(Response::sse()
                             .chunked()
                             .send("id: 2\ndata: two\n\nid: 5\ndata: five\n\n")
                             .pause(100)
                             .send(": then\r\ndata: " + QByteArray(2 * MaxEventSize, 'x') + "\n\n")
                             .pause(5000));
    m_server.enqueue(Response::status(204, "No Content"));
    QVERIFY(typeUrl(m_server.url(u"/resumed"_s).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(text(u"resumeCheckLabel"_s), u"1 duplicates dropped · 1 gaps"_s,
                              Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(item(u"rawBytesButton"_s)->isVisible(), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Closed), Timeout); // after the 204
    QCOMPARE(find(u"eventModel"_s)->property("count").toInt(), 3); // one, two, five

    QVERIFY(clickItem(u"rawBytesButton"_s));
    QQuickItem *raw = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((raw = item(u"rawBytesText"_s)) && raw->isVisible(), Timeout);
    const QString shown = raw->property("text").toString();
    // What came before the error, line ends visible: the repeated event, the jump, the comment
    // with its CR LF, the start of the large event.
    QVERIFY2(shown.count(u"id: 2\\n\ndata: two\\n\n"_s) == 2, qPrintable(shown.left(300)));
    QVERIFY2(shown.contains(u"id: 5\\n\ndata: five\\n\n"_s), qPrintable(shown.left(300)));
    QVERIFY2(shown.contains(u": then\\r\\n\ndata: xxxx"_s), qPrintable(shown.left(300)));
    screenshot(u"raw-bytes"_s);
    QVERIFY(XInput::key(u"Escape"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!find(u"rawBytesDialog"_s)->property("visible").toBool(), Timeout);
}

void tst_SseMonitorRecord::cleanupTestCase()
{
    m_engine.reset();
}

// HOME is a temporary directory, so the settings and the dialogs' default folder are the test's.
QTSSE_XVFB_TEST_MAIN(tst_SseMonitorRecord,
                     XvfbTestOptions("tst_ssemonitor_record").namingApplication())

#include "tst_ssemonitor_record.moc"
