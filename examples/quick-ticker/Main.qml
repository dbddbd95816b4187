// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtSse

Window {
    id: window

    required property url streamUrl

    width: 520
    height: 640
    visible: true
    title: qsTr("QtSse ticker: %1").arg(String(window.streamUrl))

    SseSource {
        id: source
        url: window.streamUrl
        active: true

        // Per-type handling: the latest log line, without an if/else over event.type.
        SseEventHandler {
            type: "log"
            onEventReceived: (event) => lastLog.text = event.data.replace(/\n/g, " \u23ce ")
        }
    }

    // The live list: the 200 most recent events, whatever their type.
    SseEventModel {
        id: recent
        source: source
        capacity: 200
    }

    // The value bound to the latest "price" event ({"symbol", "price", "change"} from
    // sse-demo-server): a one-row model filtered by type.
    SseEventModel {
        id: lastPrice
        source: source
        capacity: 1
        typeFilter: ["price"]
    }

    Column {
        id: header
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 12 }
        spacing: 4

        Text {
            readonly property var quote: lastPrice.latest.json
            width: parent.width
            elide: Text.ElideRight
            font.pixelSize: 32
            font.bold: true
            color: quote && quote.change < 0 ? "firebrick" : "seagreen"
            text: quote ? "%1 %2 (%3%4)".arg(quote.symbol).arg(Number(quote.price).toFixed(2))
                                        .arg(quote.change >= 0 ? "+" : "")
                                        .arg(Number(quote.change).toFixed(2))
                        : qsTr("waiting for a price…")
        }
        Text {
            width: parent.width
            elide: Text.ElideRight
            color: source.state === SseSource.Open ? "seagreen" : "firebrick"
            text: {
                switch (source.state) {
                case SseSource.Connecting: return qsTr("connecting…")
                case SseSource.Open: return qsTr("open: %1 events").arg(source.eventCount)
                case SseSource.Reconnecting:
                    return qsTr("reconnecting (attempt %1)").arg(source.reconnectAttempt)
                case SseSource.Failed: return qsTr("failed: %1").arg(source.errorString)
                default: return qsTr("closed")
                }
            }
        }
        Text {
            id: lastLog
            width: parent.width
            elide: Text.ElideRight
            maximumLineCount: 1
            textFormat: Text.PlainText // stream data is never markup
            color: "gray"
        }
    }

    ListView {
        id: list
        anchors {
            left: parent.left; right: parent.right; top: header.bottom; bottom: parent.bottom
            margins: 12
        }
        clip: true
        model: recent
        // Newest at the bottom, followed unless the user scrolled up.
        onCountChanged: if (atYEnd || !moving) positionViewAtEnd()
        delegate: Text {
            required property string type
            required property date receiveTime
            required property sseEvent event
            width: ListView.view.width
            elide: Text.ElideRight
            maximumLineCount: 1
            textFormat: Text.PlainText
            font.family: "monospace"
            text: Qt.formatTime(receiveTime, "hh:mm:ss.zzz") + "  " + type + "  "
                  + event.data.replace(/\n/g, " \u23ce ")
        }
    }
}
