// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import QtSse

TestCase {
    id: tc
    name: "SseEventModel"
    width: 200
    height: 400
    when: windowShown

    readonly property int timeout: 15000

    Component {
        id: sourceComponent
        SseSource {
            reconnectionTime: 50
        }
    }

    Component {
        id: modelComponent
        SseEventModel {}
    }

    Component {
        id: listComponent
        ListView {
            width: 200
            height: 400
            delegate: Text {
                required property int index
                required property string type
                required property var event
                required property date receiveTime
                required property int size
                text: type + " " + event.data
            }
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function init() {
        server.reset()
    }

    function openModel(modelProperties) {
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/m") })
        const model = createTemporaryObject(modelComponent, tc, modelProperties)
        model.source = s
        s.active = true
        return { source: s, model: model }
    }

    function test_capacityDropsOldest() {
        server.enqueueBurst(12, "", true)
        const o = openModel({ capacity: 5 })
        tryCompare(o.model, "count", 5, timeout)
        tryCompare(o.source, "eventCount", 12, timeout)
        compare(o.model.count, 5)
        compare(o.model.get(0).data, "7")
        compare(o.model.get(4).data, "11")
        compare(o.model.latest.data, "11")

        o.model.capacity = 2
        compare(o.model.count, 2)
        compare(o.model.get(0).data, "10")
        o.model.capacity = 10
        compare(o.model.count, 2)
    }

    function test_roles() {
        server.enqueueEvents("event: price\nid: 9\ndata: {\"price\": 3}\n\n"
                             + "data: h\u00e9\n\n", true)
        const o = openModel({})
        tryCompare(o.model, "count", 2, timeout)
        const row = o.model.get(0)
        compare(row.type, "price")
        compare(row.data, "{\"price\": 3}")
        compare(row.id, "9")
        compare(row.size, 12)
        verify(row.receiveTime instanceof Date)
        verify(Math.abs(row.receiveTime.getTime() - Date.now()) < 60000)
        compare(row.event.json.price, 3)
        compare(o.model.get(1).size, 3) // bytes in UTF-8
        compare(o.model.get(1).id, "9") // the last event ID persists
        compare(Object.keys(o.model.get(5)).length, 0)

        const list = createTemporaryObject(listComponent, tc, { model: o.model })
        tryCompare(list, "count", 2, timeout)
        tryVerify(() => list.itemAtIndex(1) !== null, timeout)
        compare(list.itemAtIndex(0).text, "price {\"price\": 3}")
        compare(list.itemAtIndex(1).text, "message h\u00e9")
        compare(list.itemAtIndex(0).size, 12)
    }

    function test_typeFilter() {
        server.enqueueEvents("event: price\ndata: 1\n\nevent: news\ndata: n\n\n"
                             + "event: price\ndata: 2\n\ndata: m\n\n", true)
        const o = openModel({ typeFilter: ["price", "message"] })
        tryCompare(o.source, "eventCount", 4, timeout)
        tryCompare(o.model, "count", 3, timeout)
        compare(o.model.get(0).data, "1")
        compare(o.model.get(2).data, "m")

        o.model.typeFilter = ["price"] // rows it no longer accepts go
        compare(o.model.count, 2)
        compare(o.model.latest.data, "2")
        o.model.typeFilter = [] // every type again, for the next events
        server.enqueueEvents("event: news\ndata: n2\n\n", true)
        o.source.reconnectNow()
        tryCompare(o.model, "count", 3, timeout)
        compare(o.model.latest.type, "news")
    }

    function test_clear() {
        server.enqueueBurst(3, "tick", true)
        const o = openModel({})
        tryCompare(o.model, "count", 3, timeout)
        const resets = createTemporaryObject(spyComponent, tc,
                                             { target: o.model, signalName: "modelReset" })
        o.model.clear()
        compare(o.model.count, 0)
        compare(resets.count, 1)
        compare(o.model.latest.data, "")
    }

    function test_batchesInsertions() {
        server.enqueueBurst(2000, "tick", true)
        const o = openModel({ capacity: 500 })
        const inserts = createTemporaryObject(spyComponent, tc,
                                              { target: o.model, signalName: "rowsInserted" })
        const removes = createTemporaryObject(spyComponent, tc,
                                              { target: o.model, signalName: "rowsRemoved" })
        const resets = createTemporaryObject(spyComponent, tc,
                                             { target: o.model, signalName: "modelReset" })
        tryCompare(o.source, "eventCount", 2000, timeout)
        tryCompare(o.model, "count", 500, timeout)
        tryVerify(() => o.model.latest.data === "1999", timeout)
        compare(o.model.get(0).data, "1500")
        const notifications = inserts.count + removes.count + resets.count
        verify(notifications < 100, "notifications: " + notifications)
    }
}
