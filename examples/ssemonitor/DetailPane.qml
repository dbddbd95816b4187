// SPDX-License-Identifier: BSD-3-Clause
// The selected event: its fields and the full data, indented when it is JSON. It keeps a copy
// of the event, so it stays while the table scrolls or the row is dropped.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import SseMonitor

ColumnLayout {
    id: pane

    required property MonitorBackend backend
    property var event: null // the roles of the selected row (EventFilterModel.get())
    readonly property bool isJson: pane.event !== null && pane.backend.isJson(pane.event.data)

    signal copied(string what)

    function copyData() {
        if (pane.event === null)
            return
        pane.backend.copyText(pane.event.data)
        pane.copied(qsTr("the event data"))
    }
    function copyEvent() {
        if (pane.event === null)
            return
        pane.backend.copyText(pane.backend.jsonLine(pane.event))
        pane.copied(qsTr("the event as a JSON line"))
    }

    spacing: 4

    Label {
        text: qsTr("Selected event")
        font.bold: true
    }
    GridLayout {
        Layout.fillWidth: true
        columns: 4
        columnSpacing: 10
        rowSpacing: 2
        visible: pane.event !== null
        Label { text: qsTr("Type"); color: "gray" }
        Label {
            objectName: "detailType"
            Layout.fillWidth: true
            text: pane.event ? pane.event.type : ""
            font.bold: true
            elide: Text.ElideRight
        }
        Label { text: qsTr("ID"); color: "gray" }
        Label {
            objectName: "detailId"
            Layout.fillWidth: true
            text: pane.event && pane.event.id !== "" ? pane.event.id : "–"
            elide: Text.ElideRight
        }
        Label { text: qsTr("Received"); color: "gray" }
        Label {
            text: pane.event ? Qt.formatDateTime(pane.event.receiveTime, "yyyy-MM-dd hh:mm:ss.zzz")
                             : ""
        }
        Label { text: qsTr("Size"); color: "gray" }
        Label {
            objectName: "detailFormat"
            text: pane.event ? qsTr("%1 bytes · %2").arg(pane.event.size)
                                                    .arg(pane.isJson ? "JSON" : qsTr("text"))
                             : ""
        }
    }
    Label {
        visible: pane.event === null
        text: qsTr("Click an event in the table (or use the arrow keys).")
        color: "gray"
    }
    ScrollView {
        Layout.fillWidth: true
        Layout.fillHeight: true
        TextArea {
            objectName: "detailText"
            readOnly: true
            selectByMouse: true
            textFormat: TextEdit.PlainText
            wrapMode: TextEdit.WrapAnywhere
            font.family: "monospace"
            text: pane.event ? pane.backend.prettyJson(pane.event.data) : ""
        }
    }
    RowLayout {
        Button {
            objectName: "copyDataButton"
            text: qsTr("Copy data")
            enabled: pane.event !== null
            onClicked: pane.copyData()
        }
        Button {
            objectName: "copyEventButton"
            text: qsTr("Copy as JSON line")
            enabled: pane.event !== null
            onClicked: pane.copyEvent()
        }
    }
}
