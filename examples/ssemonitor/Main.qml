// SPDX-License-Identifier: BSD-3-Clause
// The monitor's window: connection bar and state on top, the live event table on the left, the
// selected event and the rate plot on the right.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import QtSse
import SseMonitor

ApplicationWindow {
    id: window

    // Set by main.cpp (initial properties) from the command line.
    property string initialUrl: ""
    property string initialMethod: "GET"
    property var initialHeaders: ({})
    property string initialBody: ""
    property int capacity: 5000
    property int maxEventSize: 0 // 0: SseSource's default
    property url initialRecording: "" // --open
    // A recording shown offline (Open recording…) instead of the live capture.
    readonly property bool offline: recordingModel.loaded
    // What the stream said before the last error (SseSource.rawHistory(), taken at the error).
    property string rawAtError: ""

    width: 1280
    height: 800
    visible: true
    title: window.offline ? qsTr("SSE monitor: %1 (recording)").arg(backend.displayPath(recordingModel.file))
                          : source.active ? qsTr("SSE monitor: %1").arg(backend.maskPassword(String(source.url)))
                                          : qsTr("SSE monitor")

    // A new connection with what the connection bar says: the counters start again (Connect is
    // what "events received since Connect" counts from), a stream still open is replaced.
    function connectStream() {
        const url = connectionBar.typedUrl()
        if (url === "")
            return
        connectionBar.url = url
        source.url = url
        source.method = connectionBar.method
        source.headers = connectionBar.headers()
        source.body = connectionBar.method === "GET" ? "" : connectionBar.body
        source.close()
        recordingModel.clear() // back to live
        window.rawAtError = ""
        source.open()
        backend.addToHistory(url) // without its password
        window.rememberSecrets(url, source.headers) // only when asked, only in the keychain
        connectionBar.showUrl() // the history model changed under the combo box
        table.following = true
    }
    // Ctrl+Enter: what the connection button does, except that it stops a pending retry.
    function toggleConnection() {
        if (source.state === SseSource.Closed || source.state === SseSource.Failed)
            connectStream()
        else
            source.close()
    }
    function clearEvents() {
        eventModel.clear()
        recordingModel.clear()
        detail.event = null
        table.following = true
    }
    function openExportDialog() {
        // Set before it opens: the dialog starts in that folder with the name filled in.
        exportDialog.currentFolder = backend.defaultExportFolder()
        exportDialog.selectedFile = backend.defaultExportFile()
        exportDialog.open()
    }
    function toggleRecording() {
        if (recorder.recording) {
            const file = recorder.file
            const events = recorder.eventCount
            window.showMessage(recorder.stop()
                               ? qsTr("Recorded %1 events to %2").arg(events).arg(backend.displayPath(file))
                               : qsTr("Recording failed: %1").arg(recorder.errorString))
            return
        }
        recordDialog.currentFolder = backend.defaultExportFolder()
        recordDialog.selectedFile = backend.defaultRecordingFile()
        recordDialog.open()
    }
    function openRecordingDialog() {
        openDialog.currentFolder = backend.defaultExportFolder()
        openDialog.open()
    }
    function openRecording(file) {
        if (!recordingModel.load(file)) {
            window.showMessage(qsTr("Cannot open the recording: %1").arg(recordingModel.errorString))
            return false
        }
        source.close() // offline: the live stream stops
        detail.event = null
        table.following = false
        window.showMessage(qsTr("Opened %1").arg(backend.displayPath(file)))
        return true
    }
    function showMessage(text) {
        message.text = text
        messageTimer.restart()
    }

    MonitorBackend {
        id: backend
        objectName: "backend"
    }

    // "Remember secrets in the system keychain": saved at Connect, filled in when a URL is
    // picked from the list.
    SecretStore {
        id: secretStore
        objectName: "secretStore"
        onStored: (key) => window.showMessage(qsTr("Secrets for %1 kept in the system keychain")
                                                  .arg(key))
        onLoaded: (key, secrets) => {
            if (Object.keys(secrets).length === 0 || key !== connectionBar.typedUrl())
                return // nothing kept, or the user has moved on
            connectionBar.url = backend.withPassword(key, secrets.password || "")
            const headers = connectionBar.headers()
            const kept = secrets.headers || {}
            for (const name in kept)
                headers[name] = kept[name]
            connectionBar.setHeaders(headers)
            window.showMessage(qsTr("Secrets for %1 filled in from the system keychain").arg(key))
        }
        onFailed: (key, error) => window.showMessage(
                      qsTr("System keychain: %1 (secrets for %2 not kept)").arg(error).arg(key))
    }
    function rememberSecrets(url, headers) {
        if (!secretStore.remember)
            return
        const secrets = {}
        const password = backend.urlPassword(url)
        if (password !== "")
            secrets.password = password
        const secretHeaders = {}
        let any = false
        for (const name in headers) {
            if (backend.isSecretHeader(name)) {
                secretHeaders[name] = headers[name]
                any = true
            }
        }
        if (any)
            secrets.headers = secretHeaders
        if (Object.keys(secrets).length > 0)
            secretStore.save(backend.withoutPassword(url), secrets)
    }

    SseSource {
        id: source
        objectName: "source"
        maxEventSize: window.maxEventSize > 0 ? window.maxEventSize : 16 * 1024 * 1024
        // Resume verification: a resumed stream's repeats are dropped and counted, a jump in
        // integer ids is counted as a gap; both are shown in the status line.
        duplicateWindow: 1000
        sequenceField: "id"
        // What the stream said before an error, shown on request (Raw bytes…).
        rawHistorySize: 4096
        onErrorOccurred: window.rawAtError = source.rawHistory()
        onDuplicateDropped: (event) => status.lastResumeNote =
                qsTr("duplicate dropped: id %1").arg(event.lastEventId)
        onGapDetected: (expected, received) => status.lastResumeNote =
                qsTr("gap: expected id %1, received %2").arg(expected).arg(received)
    }

    // Record: what the source receives, into a recording file.
    MonitorRecorder {
        id: recorder
        objectName: "recorder"
        source: source
        onFailed: window.showMessage(qsTr("Recording stopped: %1").arg(recorder.errorString))
    }

    // Open recording…: a recording shown offline, in place of the live capture.
    RecordingModel {
        id: recordingModel
        objectName: "recordingModel"
    }

    // Everything captured (bounded); the table shows it through the filter.
    SseEventModel {
        id: eventModel
        objectName: "eventModel"
        source: source
        capacity: table.capacity
    }

    EventFilterModel {
        id: filterModel
        objectName: "filterModel"
        source: window.offline ? recordingModel : eventModel
        type: table.typeFilter
        searchText: table.searchText
    }

    // Counters and the last ID change with every event: the labels read them at 4 Hz.
    Timer {
        interval: 250
        running: true
        repeat: true
        triggeredOnStart: true
        onTriggered: {
            status.eventCount = source.eventCount
            status.byteCount = source.byteCount
            status.lastEventId = source.lastEventId
            status.duplicateCount = source.duplicateCount
            status.gapCount = source.gapCount
            status.now = Date.now()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 6

        ConnectionBar {
            id: connectionBar
            Layout.fillWidth: true
            backend: backend
            secrets: secretStore
            state: source.state
            onHistoryPicked: (url) => secretStore.load(url)
            onConnectRequested: window.connectStream()
            onDisconnectRequested: source.close()
            onRetryRequested: source.reconnectNow()
        }
        StatusLine {
            id: status
            Layout.fillWidth: true
            source: source
            backend: backend
            rawBytesAvailable: window.rawAtError !== ""
            onRawBytesRequested: rawBytesDialog.open()
        }
        // Open recording…: what is shown, and the way back to live.
        RowLayout {
            Layout.fillWidth: true
            visible: window.offline
            spacing: 10
            Label {
                objectName: "offlineLabel"
                Layout.fillWidth: true
                elide: Text.ElideMiddle
                font.bold: true
                color: "#6a1b9a"
                text: window.offline
                      ? qsTr("Recording %1: %2 events, %3 comments in %4 s, recorded %5%6")
                            .arg(backend.displayPath(recordingModel.file))
                            .arg(recordingModel.count)
                            .arg(recordingModel.commentCount)
                            .arg((recordingModel.durationMs / 1000).toFixed(1))
                            .arg(Qt.formatDateTime(recordingModel.recorded, "yyyy-MM-dd hh:mm:ss"))
                            .arg(String(recordingModel.streamUrl) !== ""
                                 ? qsTr(" from %1").arg(String(recordingModel.streamUrl)) : "")
                      : ""
            }
            Button {
                objectName: "liveButton"
                text: qsTr("Back to live")
                onClicked: recordingModel.clear()
            }
        }
        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: Qt.Horizontal

            EventTable {
                id: table
                objectName: "eventTable"
                SplitView.fillWidth: true
                SplitView.minimumWidth: 480
                model: filterModel
                capacity: window.capacity
                onEventSelected: (event) => detail.event = event
                onClearRequested: window.clearEvents()
                onExportRequested: window.openExportDialog()
                recording: recorder.recording
                onRecordRequested: window.toggleRecording()
                onOpenRecordingRequested: window.openRecordingDialog()
            }
            SplitView {
                orientation: Qt.Vertical
                SplitView.preferredWidth: 440
                SplitView.minimumWidth: 300

                Item {
                    SplitView.fillHeight: true
                    SplitView.minimumHeight: 160
                    DetailPane {
                        id: detail
                        objectName: "detailPane"
                        anchors { fill: parent; leftMargin: 10; bottomMargin: 8 }
                        backend: backend
                        onCopied: (what) => window.showMessage(qsTr("Copied %1").arg(what))
                    }
                }
                Item {
                    SplitView.preferredHeight: 300
                    SplitView.minimumHeight: 200
                    RatePlot {
                        objectName: "rates"
                        anchors { fill: parent; leftMargin: 10; topMargin: 8 }
                        source: source
                        backend: backend
                        offline: window.offline
                        recording: recordingModel
                    }
                }
            }
        }
    }

    footer: Frame {
        padding: 4
        RowLayout {
            anchors.fill: parent
            Label {
                id: message
                objectName: "message"
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            Label {
                text: qsTr("Ctrl+Enter connect/disconnect · Ctrl+P pause · Ctrl+L clear · "
                           + "Ctrl+F search · Ctrl+S export · Ctrl+R record · Ctrl+O open recording · "
                           + "Ctrl+Shift+C copy event")
                color: "gray"
            }
        }
        Timer {
            id: messageTimer
            interval: 6000
            onTriggered: message.text = ""
        }
    }

    Shortcut {
        sequences: ["Ctrl+Return", "Ctrl+Enter"]
        onActivated: window.toggleConnection()
    }
    Shortcut {
        sequence: "Ctrl+P"
        onActivated: table.paused = !table.paused
    }
    Shortcut {
        sequence: "Ctrl+L"
        onActivated: window.clearEvents()
    }
    Shortcut {
        sequence: "Ctrl+F"
        onActivated: table.focusSearch()
    }
    Shortcut {
        sequence: "Ctrl+S"
        onActivated: window.openExportDialog()
    }
    Shortcut {
        sequence: "Ctrl+R"
        onActivated: window.toggleRecording()
    }
    Shortcut {
        sequence: "Ctrl+O"
        onActivated: window.openRecordingDialog()
    }
    Shortcut {
        sequence: "Ctrl+Shift+C"
        onActivated: detail.copyEvent()
    }

    FileDialog {
        id: exportDialog
        objectName: "exportDialog"
        title: qsTr("Export the captured events as JSON lines")
        fileMode: FileDialog.SaveFile
        acceptLabel: qsTr("Export") // Qt 6.4's own dialog says "Open" otherwise
        nameFilters: [qsTr("JSON lines (*.jsonl)"), qsTr("All files (*)")]
        onAccepted: {
            const written = backend.exportJsonLines(window.offline ? recordingModel : eventModel,
                                                    selectedFile)
            window.showMessage(written < 0 ? qsTr("Export failed: %1").arg(backend.lastError)
                                           : qsTr("Exported %1 events to %2").arg(written)
                                                     .arg(backend.displayPath(selectedFile)))
        }
    }

    FileDialog {
        id: recordDialog
        objectName: "recordDialog"
        title: qsTr("Record the stream to a file")
        fileMode: FileDialog.SaveFile
        acceptLabel: qsTr("Record")
        nameFilters: [qsTr("QtSse recordings (*.sserec)"), qsTr("All files (*)")]
        onAccepted: {
            if (recorder.start(selectedFile))
                window.showMessage(qsTr("Recording to %1").arg(backend.displayPath(selectedFile)))
            else
                window.showMessage(qsTr("Cannot record: %1").arg(recorder.errorString))
        }
    }

    FileDialog {
        id: openDialog
        objectName: "openRecordingDialog"
        title: qsTr("Open a recording")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("QtSse recordings (*.sserec)"), qsTr("All files (*)")]
        onAccepted: window.openRecording(selectedFile)
    }

    // The bytes received before the last error, readable (line ends and control characters
    // shown).
    Dialog {
        id: rawBytesDialog
        objectName: "rawBytesDialog"
        title: qsTr("The last %1 characters received before the error").arg(window.rawAtError.length)
        anchors.centerIn: parent
        width: Math.min(window.width - 80, 900)
        height: Math.min(window.height - 80, 600)
        modal: true
        standardButtons: Dialog.Close
        ScrollView {
            anchors.fill: parent
            TextArea {
                objectName: "rawBytesText"
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                font.family: "monospace"
                text: backend.readableBytes(window.rawAtError)
            }
        }
    }

    Component.onCompleted: {
        connectionBar.url = window.initialUrl
        connectionBar.showUrl()
        connectionBar.method = window.initialMethod
        connectionBar.body = window.initialBody
        connectionBar.setHeaders(window.initialHeaders)
        if (String(window.initialRecording) !== "")
            window.openRecording(window.initialRecording)
        else if (window.initialUrl !== "")
            window.connectStream()
    }
}
