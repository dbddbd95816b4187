// SPDX-License-Identifier: BSD-3-Clause
// Request headers as name/value rows. Values of headers whose names look secret
// (Authorization, Cookie, *token*, *key*, *secret*, *password*) are masked unless revealed.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ColumnLayout {
    id: editor

    readonly property int count: rows.count
    // "Name: value" lines with the secret values masked (for the tooltip of the button).
    readonly property string summary: {
        editor.revision // re-evaluated on every edit
        const parts = []
        for (let i = 0; i < rows.count; ++i) {
            const row = rows.get(i)
            parts.push(row.name + ": " + (editor.isSecret(row.name) ? "••••••" : row.value))
        }
        return parts.join("\n")
    }
    property int revision: 0

    function isSecret(name) {
        return /^(proxy-)?authorization$|cookie|token|key|secret|password/i.test(name.trim())
    }
    function headers() {
        const map = {}
        for (let i = 0; i < rows.count; ++i) {
            const row = rows.get(i)
            if (row.name.trim() !== "")
                map[row.name.trim()] = row.value
        }
        return map
    }
    function setHeaders(map) {
        rows.clear()
        for (const name in map)
            rows.append({ name: name, value: String(map[name]), revealed: false })
    }

    spacing: 6

    ListModel { id: rows }
    Connections {
        target: rows
        function onDataChanged() { ++editor.revision }
        function onRowsInserted() { ++editor.revision }
        function onRowsRemoved() { ++editor.revision }
    }

    Label {
        text: qsTr("Request headers (applied on connect)")
        font.bold: true
    }
    Label {
        visible: rows.count === 0
        text: qsTr("No headers. Add one, e.g. Authorization: Bearer …")
        color: "gray"
    }
    ListView {
        Layout.fillWidth: true
        Layout.preferredHeight: contentHeight
        interactive: false
        spacing: 4
        model: rows
        // Qt 6.4's qmllint sees nothing outside a delegate with required properties: the
        // delegate edits its row through `model` and repeats the secret rule.
        delegate: RowLayout {
            id: row
            required property int index
            required property string name
            required property string value
            required property bool revealed
            required property var model
            readonly property bool secret:
                /^(proxy-)?authorization$|cookie|token|key|secret|password/i.test(name.trim())
            width: ListView.view.width

            TextField {
                objectName: "headerName" + row.index
                Layout.preferredWidth: 170
                placeholderText: qsTr("Name")
                text: row.name
                onTextEdited: row.model.name = text
            }
            TextField {
                objectName: "headerValue" + row.index
                Layout.fillWidth: true
                placeholderText: qsTr("Value")
                text: row.value
                echoMode: row.secret && !row.revealed ? TextInput.Password : TextInput.Normal
                onTextEdited: row.model.value = text
            }
            Button {
                objectName: "headerReveal" + row.index
                text: row.revealed ? qsTr("Hide") : qsTr("Show")
                enabled: row.secret
                onClicked: row.model.revealed = !row.revealed
            }
            Button {
                text: "✕"
                onClicked: row.ListView.view.model.remove(row.index)
            }
        }
    }
    Button {
        text: qsTr("Add header")
        onClicked: rows.append({ name: "", value: "", revealed: false })
    }
}
