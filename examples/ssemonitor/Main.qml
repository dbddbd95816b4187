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

    width: 1280
    height: 800
    visible: true
    title: source.active ? qsTr("SSE monitor: %1").arg(backend.maskPassword(String(source.url)))
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
        source.open()
        backend.addToHistory(url) // without its password
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
        detail.event = null
        table.following = true
    }
    function openExportDialog() {
        // Set before it opens: the dialog starts in that folder with the name filled in.
        exportDialog.currentFolder = backend.defaultExportFolder()
        exportDialog.selectedFile = backend.defaultExportFile()
        exportDialog.open()
    }
    function showMessage(text) {
        message.text = text
        messageTimer.restart()
    }

    MonitorBackend {
        id: backend
        objectName: "backend"
    }

    SseSource {
        id: source
        objectName: "source"
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
        source: eventModel
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
            state: source.state
            onConnectRequested: window.connectStream()
            onDisconnectRequested: source.close()
            onRetryRequested: source.reconnectNow()
        }
        StatusLine {
            id: status
            Layout.fillWidth: true
            source: source
            backend: backend
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
                           + "Ctrl+F search · Ctrl+S export · Ctrl+Shift+C copy event")
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
            const written = backend.exportJsonLines(eventModel, selectedFile)
            window.showMessage(written < 0 ? qsTr("Export failed: %1").arg(backend.lastError)
                                           : qsTr("Exported %1 events to %2").arg(written)
                                                     .arg(backend.displayPath(selectedFile)))
        }
    }

    Component.onCompleted: {
        connectionBar.url = window.initialUrl
        connectionBar.showUrl()
        connectionBar.method = window.initialMethod
        connectionBar.body = window.initialBody
        connectionBar.setHeaders(window.initialHeaders)
        if (window.initialUrl !== "")
            window.connectStream()
    }
}
