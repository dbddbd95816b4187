// SPDX-License-Identifier: BSD-3-Clause
// The connection state in colour and words, the reconnect attempt with a countdown to the next
// retry (Retry now is the connection bar's button), the last error (SseSource clears it when a
// stream opens), the last event ID, and the one event count on screen: events received since
// Connect (SseSource's counters restart with each open()). Counters are sampled by the window
// (4 Hz).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtSse
import SseMonitor

RowLayout {
    id: line

    required property SseSource source
    required property MonitorBackend backend
    property double eventCount: 0
    property double byteCount: 0
    property string lastEventId: ""
    property double duplicateCount: 0
    property double gapCount: 0
    property string lastResumeNote: "" // the last duplicate or gap, in words
    property bool rawBytesAvailable: false

    signal rawBytesRequested()
    property double now: Date.now()

    readonly property color stateColor: {
        switch (line.source.state) {
        case SseSource.Open: return "#2e9d4f"
        case SseSource.Connecting: return "#d08a00"
        case SseSource.Reconnecting: return "#d08a00"
        case SseSource.Failed: return "#c62828"
        default: return "#808080"
        }
    }
    readonly property string stateText: {
        // Held before the next attempt (SseSource.networkAware, pauseWhenSuspended): no
        // request goes out, and no retry time is set.
        if (line.source.waitingForNetwork)
            return qsTr("Waiting for the network…")
        if (line.source.paused)
            return qsTr("Paused (application in the background)")
        switch (line.source.state) {
        case SseSource.Open: return qsTr("Open")
        case SseSource.Connecting:
            return line.source.waitingForConnection ? qsTr("Waiting for a free connection…")
                                                    : qsTr("Connecting…")
        case SseSource.Reconnecting: return qsTr("Reconnecting")
        case SseSource.Failed: return qsTr("Failed")
        default: return line.source.active ? qsTr("Closed (stream ended)") : qsTr("Disconnected")
        }
    }
    readonly property string retryText: {
        if (line.source.state !== SseSource.Reconnecting || line.source.waitingForNetwork
                || line.source.paused)
            return ""
        const next = line.source.nextRetryTime.getTime()
        const seconds = isNaN(next) ? 0 : Math.max(0, (next - line.now) / 1000)
        return qsTr("attempt %1 · next retry in %2 s").arg(line.source.reconnectAttempt)
                                                      .arg(seconds.toFixed(1))
    }

    spacing: 10

    Rectangle {
        implicitWidth: 14
        implicitHeight: 14
        radius: 7
        color: line.stateColor
    }
    Label {
        objectName: "stateLabel"
        text: line.stateText
        color: line.stateColor
        font.bold: true
    }
    Label {
        objectName: "retryLabel"
        visible: text !== ""
        text: line.retryText
    }
    Button {
        objectName: "stopButton"
        visible: line.source.state === SseSource.Reconnecting
        text: qsTr("Stop retrying")
        flat: true
        onClicked: line.source.close()
    }
    Label {
        objectName: "errorLabel"
        Layout.fillWidth: true
        Layout.minimumWidth: 80
        elide: Text.ElideRight
        color: "#c62828"
        text: line.source.errorString !== ""
              ? qsTr("last error: %1").arg(line.source.errorString)
                + (line.source.httpStatus > 0 ? qsTr(" (HTTP %1)").arg(line.source.httpStatus) : "")
              : ""
    }
    Button {
        objectName: "rawBytesButton"
        visible: line.rawBytesAvailable
        text: qsTr("Raw bytes…")
        flat: true
        onClicked: line.rawBytesRequested()
    }
    Label {
        objectName: "resumeCheckLabel"
        text: qsTr("%1 duplicates dropped · %2 gaps")
                  .arg(line.duplicateCount.toLocaleString(Qt.locale("C"), "f", 0))
                  .arg(line.gapCount.toLocaleString(Qt.locale("C"), "f", 0))
        color: line.duplicateCount > 0 || line.gapCount > 0 ? "#d08a00" : "gray"
        ToolTip.visible: resumeHover.hovered && line.lastResumeNote !== ""
        ToolTip.text: line.lastResumeNote
        HoverHandler { id: resumeHover }
    }
    Label {
        objectName: "lastIdLabel"
        text: qsTr("last event ID: %1").arg(line.lastEventId === "" ? "–" : line.lastEventId)
    }
    Label {
        objectName: "totalsLabel"
        text: qsTr("%1 events received since Connect · %2")
                  .arg(line.eventCount.toLocaleString(Qt.locale("C"), "f", 0))
                  .arg(line.backend.formatBytes(line.byteCount))
        color: "gray"
    }
}
