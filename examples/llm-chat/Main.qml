// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtSse
import "Requests.js" as Requests

ApplicationWindow {
    id: window

    required property int initialProvider
    required property string initialModel
    required property string endpointUrl // given on the command line: used as it is
    required property string demoBaseUrl // --demo: the local server's base URL
    required property string apiKey // in memory only

    readonly property bool demo: demoBaseUrl.length > 0
    readonly property int provider: providerBox.currentIndex

    width: 900
    height: 640
    visible: true
    title: "llm-chat — " + (demo ? "sse-demo-server (offline)" : Requests.providers[provider].name)

    ListModel {
        id: turns // {role, text}: the conversation so far, without the reply on its way
    }

    SseLlmSource {
        id: llm
        objectName: "llm"
        dialect: window.provider + 1 // SseLlmSource.OpenAIChatCompletions ... Gemini
        onFinished: window.keepReply()
        onErrorOccurred: window.keepReply()
        onAborted: window.keepReply()
    }

    function send() {
        const prompt = promptField.text.trim()
        if (prompt.length === 0 || llm.streaming)
            return
        turns.append({ role: "user", text: prompt })
        promptField.clear()
        const history = []
        for (let i = 0; i < turns.count; ++i)
            history.push({ role: turns.get(i).role, text: turns.get(i).text })
        const model = modelField.text.trim()
        llm.url = Requests.endpoint(provider, model, demoBaseUrl, endpointUrl)
        llm.apiKey = apiKey.length > 0 ? apiKey : (demo ? "demo" : "")
        llm.body = Requests.body(provider, model, history)
        llm.start()
    }

    // The reply becomes part of the conversation, whatever ended it.
    function keepReply() {
        if (llm.text.length > 0)
            turns.append({ role: "assistant", text: llm.text })
    }

    function describeToolCalls(calls) {
        const parts = []
        for (let i = 0; i < calls.length; ++i) {
            const c = calls[i]
            parts.push(c.name + (c.complete ? JSON.stringify(c.arguments ?? c.argumentsText)
                                            : "(…)"))
        }
        return parts.length > 0 ? qsTr("Tool calls: %1").arg(parts.join(", ")) : ""
    }

    function describeError() {
        const type = llm.errorType.length > 0 ? " (" + llm.errorType + ")" : ""
        switch (llm.error) {
        case SseLlmSource.NetworkError:
            return qsTr("Could not get a reply: %1%2").arg(llm.errorString).arg(type)
        case SseLlmSource.ProviderError:
            return qsTr("The provider stopped the reply with an error: %1%2")
                    .arg(llm.errorString).arg(type)
        case SseLlmSource.IncompleteStreamError:
            return qsTr("The reply was cut off before its end: %1").arg(llm.errorString)
        case SseLlmSource.ProtocolError:
            return qsTr("The reply was not in the %1 format: %2")
                    .arg(Requests.providers[provider].name).arg(llm.errorString)
        }
        return ""
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.margins: 4
            Label { text: qsTr("Provider") }
            ComboBox {
                id: providerBox
                objectName: "providerBox"
                enabled: !llm.streaming
                Layout.preferredWidth: 240
                model: Requests.providers.map(p => p.name)
                currentIndex: window.initialProvider
                onActivated: modelField.text = Requests.providers[currentIndex].model
            }
            Label { text: qsTr("Model") }
            TextField {
                id: modelField
                objectName: "modelField"
                enabled: !llm.streaming
                Layout.preferredWidth: 220
                text: window.initialModel.length > 0
                      ? window.initialModel : Requests.providers[window.initialProvider].model
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignRight
                elide: Text.ElideLeft
                opacity: 0.7
                text: window.demo ? qsTr("offline demo")
                                  : (window.apiKey.length > 0 ? qsTr("key set")
                                                              : qsTr("no key"))
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 8

        ListView {
            id: conversation
            objectName: "conversation"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 8
            model: turns
            delegate: Pane {
                id: row
                required property string role
                required property string text
                width: ListView.view.width
                padding: 8
                background: Rectangle {
                    color: row.role === "user" ? row.palette.base : row.palette.alternateBase
                    radius: 4
                }
                ColumnLayout {
                    width: parent.width
                    Label { text: row.role; font.bold: true }
                    Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: row.text }
                }
            }
            onCountChanged: positionViewAtEnd()
        }

        // The reply on its way, below the conversation: bound to the stream's text.
        Pane {
            id: replyPane
            Layout.fillWidth: true
            Layout.maximumHeight: window.height / 2
            visible: llm.streaming
            padding: 8
            background: Rectangle { color: replyPane.palette.alternateBase; radius: 4 }
            ColumnLayout {
                width: parent.width
                Label { text: qsTr("assistant"); font.bold: true }
                Label {
                    objectName: "replyText"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    elide: Text.ElideLeft
                    text: llm.streaming ? llm.text + " ▌" : ""
                }
            }
        }
    }

    footer: Pane {
        ColumnLayout {
            anchors.fill: parent
            RowLayout {
                TextField {
                    id: promptField
                    objectName: "promptField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Ask something (Enter sends)")
                    focus: true
                    onAccepted: window.send()
                }
                Button {
                    objectName: "sendButton"
                    text: qsTr("Send")
                    enabled: !llm.streaming && promptField.text.trim().length > 0
                    onClicked: window.send()
                }
                Button {
                    objectName: "stopButton"
                    text: qsTr("Stop")
                    enabled: llm.streaming
                    onClicked: llm.abort()
                }
            }
            Label {
                objectName: "usageLabel"
                opacity: 0.8
                text: llm.totalTokens >= 0
                      ? qsTr("Tokens: %1 in · %2 out · %3 total%4")
                        .arg(llm.inputTokens).arg(llm.outputTokens).arg(llm.totalTokens)
                        .arg(llm.model.length > 0 ? " — " + llm.model : "")
                      : (llm.streaming ? qsTr("Streaming…") : "")
            }
            Label {
                objectName: "toolCallsLabel"
                Layout.fillWidth: true
                elide: Text.ElideRight
                visible: text.length > 0
                text: window.describeToolCalls(llm.toolCalls)
            }
            Label {
                objectName: "statusLabel"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: llm.state === SseLlmSource.Failed ? "#b00020" : window.palette.windowText
                text: llm.state === SseLlmSource.Failed ? window.describeError()
                    : llm.state === SseLlmSource.Aborted ? qsTr("Stopped; the reply so far is kept.")
                    : llm.state === SseLlmSource.Finished && llm.finishReason.length > 0
                      ? qsTr("Done (%1).").arg(llm.finishReason) : ""
            }
        }
    }
}
