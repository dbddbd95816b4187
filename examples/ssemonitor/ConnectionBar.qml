// SPDX-License-Identifier: BSD-3-Clause
// URL (with history), method, headers, body and connect/disconnect. The request is applied on
// connect (or Enter in the URL field), not on every keystroke.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import SseMonitor

RowLayout {
    id: bar

    required property MonitorBackend backend
    property bool active: false
    property alias url: urlBox.editText
    property string method: "GET"
    property alias body: bodyArea.text

    signal connectRequested()
    signal disconnectRequested()

    function headers() { return headersEditor.headers() }
    function setHeaders(map) { headersEditor.setHeaders(map) }

    spacing: 6

    Label { text: qsTr("URL") }
    ComboBox {
        id: urlBox
        objectName: "urlField"
        Layout.fillWidth: true
        editable: true
        model: bar.backend.urlHistory
        onAccepted: bar.connectRequested()
        ToolTip.visible: hovered && editText !== ""
        ToolTip.text: qsTr("Enter connects; the list holds the last URLs you opened")
        ToolTip.delay: 800
    }
    ComboBox {
        id: methodBox
        objectName: "methodBox"
        implicitContentWidthPolicy: ComboBox.WidestText
        model: ["GET", "POST", "PUT", "PATCH", "DELETE"]
        currentIndex: Math.max(0, indexOfValue(bar.method))
        onActivated: bar.method = currentText
    }
    Button {
        id: headersButton
        objectName: "headersButton"
        text: headersEditor.count > 0 ? qsTr("Headers (%1)…").arg(headersEditor.count)
                                      : qsTr("Headers…")
        onClicked: headersPopup.open()
        ToolTip.visible: hovered && headersEditor.count > 0
        ToolTip.text: headersEditor.summary
        ToolTip.delay: 300
    }
    Button {
        objectName: "bodyButton"
        text: qsTr("Body…")
        enabled: bar.method !== "GET"
        onClicked: bodyPopup.open()
    }
    Button {
        id: connectButton
        objectName: "connectButton"
        text: bar.active ? qsTr("Disconnect") : qsTr("Connect")
        highlighted: !bar.active
        onClicked: bar.active ? bar.disconnectRequested() : bar.connectRequested()
    }

    Popup {
        id: headersPopup
        objectName: "headersPopup"
        parent: headersButton
        y: headersButton.height + 4
        x: Math.min(0, (bar.width - headersButton.x) - width - 8)
        width: 560
        padding: 12
        focus: true
        HeadersEditor {
            id: headersEditor
            objectName: "headersEditor"
            width: parent.width
        }
    }

    Popup {
        id: bodyPopup
        parent: headersButton
        y: headersButton.height + 4
        x: Math.min(0, (bar.width - headersButton.x) - width - 8)
        width: 560
        height: 260
        padding: 12
        focus: true
        ColumnLayout {
            anchors.fill: parent
            Label { text: qsTr("Request body (sent with %1)").arg(bar.method) }
            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    id: bodyArea
                    objectName: "bodyEditor"
                    font.family: "monospace"
                    placeholderText: "{\"model\": \"demo\", \"stream\": true, \"messages\": []}"
                    wrapMode: TextEdit.WrapAnywhere
                }
            }
        }
    }
}
