// SPDX-License-Identifier: BSD-3-Clause
// URL (with history), method, headers, body and Connect / Disconnect / Retry now. The request
// is applied on connect (or Enter in the URL field), not on every keystroke. A password in the
// URL (user:password@) is shown as user:****@; the real URL is kept for the connection.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtSse
import SseMonitor

RowLayout {
    id: bar

    required property MonitorBackend backend
    required property SecretStore secrets
    property int state: SseSource.Closed // the source's
    // Connect when there is no stream, Retry now while waiting to reconnect, Disconnect else.
    readonly property bool canConnect: state === SseSource.Closed || state === SseSource.Failed
    property string url: "" // the URL to connect to, password included
    property string method: "GET"
    property alias body: bodyArea.text

    signal connectRequested()
    signal disconnectRequested()
    signal retryRequested()
    signal historyPicked(string url) // an entry of the URL list, chosen

    // The field shows url with its password masked.
    function showUrl() { urlBox.editText = bar.backend.maskPassword(bar.url) }
    // What the field says, with the password that user:****@ stands for (the same user, host
    // and port as url).
    function typedUrl() { return bar.backend.restorePassword(urlBox.editText.trim(), bar.url) }
    function headers() { return headersEditor.headers() }
    function setHeaders(map) { headersEditor.setHeaders(map) }

    spacing: 6
    onUrlChanged: showUrl()

    Label { text: qsTr("URL") }
    ComboBox {
        id: urlBox
        objectName: "urlField"
        Layout.fillWidth: true
        editable: true
        model: bar.backend.urlHistory
        onAccepted: bar.connectRequested()
        onActivated: (index) => bar.historyPicked(textAt(index))
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
    CheckBox {
        objectName: "rememberSecretsBox"
        text: bar.secrets.available ? qsTr("Remember secrets in the system keychain")
                                    : qsTr("Remember secrets (unavailable)")
        enabled: bar.secrets.available
        checked: bar.secrets.remember
        onToggled: bar.secrets.remember = checked
        ToolTip.visible: hovered
        ToolTip.text: bar.secrets.available
                      ? qsTr("A URL's password and its secret headers are kept in the system "
                             + "keychain, per URL, and filled in when you pick the URL from the "
                             + "list; never in a file. Off: nothing is kept, and what was is "
                             + "removed.")
                      : bar.secrets.unavailableReason
        ToolTip.delay: 500
    }
    Button {
        id: connectButton
        objectName: "connectButton"
        text: bar.canConnect ? qsTr("Connect")
                             : bar.state === SseSource.Reconnecting ? qsTr("Retry now")
                                                                    : qsTr("Disconnect")
        highlighted: bar.canConnect
        onClicked: {
            if (bar.canConnect)
                bar.connectRequested()
            else if (bar.state === SseSource.Reconnecting)
                bar.retryRequested()
            else
                bar.disconnectRequested()
        }
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
