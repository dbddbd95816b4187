// SPDX-License-Identifier: BSD-3-Clause
// An application's QML file, outside the project's source tree as far as qmllint can tell
// (the qmllint_installed test copies it to a scratch directory): it uses every QtSse type the
// way an application does, and must lint without a warning against the INSTALLED module.
import QtQuick
import QtSse

Rectangle {
    id: root
    width: 320
    height: 240

    property string token: "demo"
    property real lastPrice: 0

    SseSource {
        id: ticker
        url: "http://127.0.0.1:8080/stream"
        headers: ({ "Authorization": "Bearer " + root.token })
        active: root.visible
        maxRetries: 5
        idleTimeout: 30000
        httpProtocol: SseSource.AutoProtocol
        duplicateWindow: 100
        onEventReceived: (event) => console.log(event.type, event.lastEventId)
        onErrorOccurred: (error) => console.warn(error, ticker.errorString, ticker.httpStatus)
        onReconnectScheduled: (attempt, delayMs) => console.log("retry", attempt, delayMs)

        SseEventHandler {
            type: "price"
            onEventReceived: (event) => {
                if (event.isJson)
                    root.lastPrice = event.json.price
            }
        }
    }

    ListView {
        anchors.fill: parent
        model: SseEventModel {
            id: events
            source: ticker
            capacity: 50
            typeFilter: ["price", "tick"]
        }
        delegate: Text {
            required property string type
            required property date receiveTime
            required property sseEvent event
            text: Qt.formatTime(receiveTime) + " " + type + " " + event.data
        }
    }

    Text {
        anchors.bottom: parent.bottom
        text: (ticker.state === SseSource.Open ? "open" : ticker.errorString) + ", "
              + ticker.eventCount + " events, latest " + events.latest.data
    }

    MouseArea {
        anchors.fill: parent
        onDoubleClicked: ticker.reconnectNow()
    }
}
