// SPDX-License-Identifier: BSD-3-Clause
// The README's QML example, linted by the qmllint test so that it stays valid.
import QtQuick
import QtSse

Item {
    id: root

    property string token: "secret"
    property real price: 0

    SseSource {
        id: prices
        url: "https://example.test/prices"
        headers: ({ "Authorization": "Bearer " + root.token }) // a new token reconnects
        active: root.visible
        onEventReceived: (event) => console.log(event.type, event.data)

        SseEventHandler {
            type: "price"
            onEventReceived: (event) => {
                if (event.isJson)
                    root.price = event.json.price
                else
                    console.warn("not JSON:", event.jsonError)
            }
        }
    }

    ListView {
        anchors.fill: parent
        model: SseEventModel {
            source: prices
            capacity: 100
            typeFilter: ["price", "news"]
        }
        delegate: Text {
            required property string type
            required property date receiveTime
            required property sseEvent event
            text: Qt.formatTime(receiveTime) + " " + type + ": " + event.data
            renderType: Text.NativeRendering // rows redrawn every frame: see the README
        }
    }

    Text {
        text: prices.state === SseSource.Open ? root.price.toFixed(2) : prices.errorString
    }
}
