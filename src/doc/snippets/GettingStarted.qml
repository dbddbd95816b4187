// SPDX-License-Identifier: BSD-3-Clause
// "Getting started in QML" (gettingstarted-qml.qdoc), linted by the qmllint test.
//! [imports]
import QtQuick
import QtSse
//! [imports]

Item {
    id: root
    width: 400
    height: 300

    property real price: 0

    //! [source]
    SseSource {
        id: stream
        url: "http://127.0.0.1:8080/stream"
        active: root.visible // connects when shown, closes when hidden
        onEventReceived: (event) => console.log(event.type, event.data, event.lastEventId)
        onErrorOccurred: console.warn(stream.errorString)

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
    //! [source]

    //! [model]
    ListView {
        anchors.fill: parent
        model: SseEventModel {
            source: stream
            capacity: 200
            typeFilter: ["log"]
        }
        delegate: Text {
            required property string type
            required property sseEvent event
            text: type + ": " + event.data
        }
    }
    //! [model]

    //! [state]
    Text {
        anchors.bottom: parent.bottom
        text: stream.state === SseSource.Open
              ? "price " + root.price.toFixed(2) + ", " + stream.eventCount + " events"
              : stream.state === SseSource.Reconnecting ? "reconnecting: " + stream.errorString
                                                        : "not connected"
    }
    //! [state]
}
