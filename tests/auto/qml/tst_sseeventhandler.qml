// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import QtSse

TestCase {
    id: tc
    name: "SseEventHandler"

    readonly property int timeout: 15000
    readonly property string mixed: "event: price\ndata: 1\n\n" + "event: news\ndata: n1\n\n"
                                    + "event: price\ndata: 2\n\n" + "data: plain\n\n"

    Component {
        id: sourceComponent
        SseSource {
            id: src
            property var order: []
            reconnectionTime: 50
            onEventReceived: (event) => order.push("source:" + event.type)
            SseEventHandler {
                type: "price"
                onEventReceived: (event) => src.order.push("price:" + event.data)
            }
            SseEventHandler {
                type: "news"
            }
            SseEventHandler {} // type "message" by default
        }
    }

    // A handler that changes the handlers while an event is being delivered.
    Component {
        id: changingComponent
        SseSource {
            id: changing
            property var log: []
            reconnectionTime: 50
            SseEventHandler {
                id: first
                type: "price"
                onEventReceived: (event) => {
                    changing.log.push("first:" + event.data)
                    if (event.data === "1")
                        third.type = "price" // from the next event on
                    else if (event.data === "2")
                        changing.handlers = [first, third] // second: not for this event
                }
            }
            SseEventHandler {
                id: second
                type: "price"
                onEventReceived: (event) => changing.log.push("second:" + event.data)
            }
            SseEventHandler {
                id: third
                type: "news"
                onEventReceived: (event) => changing.log.push("third:" + event.data)
            }
        }
    }

    // Slots that end the stream while an event is being delivered.
    Component {
        id: closingComponent
        SseSource {
            id: closing
            property var log: []
            property string closeOn: ""
            property bool reconnectInstead: false
            reconnectionTime: 50
            onEventReceived: (event) => {
                log.push("source:" + event.data)
                if (event.data === closeOn) {
                    if (reconnectInstead)
                        reconnectNow()
                    else
                        close()
                }
            }
            SseEventHandler {
                type: "price"
                onEventReceived: (event) => {
                    closing.log.push("first:" + event.data)
                    if (event.data === "2")
                        closing.active = false
                }
            }
            SseEventHandler {
                type: "price"
                onEventReceived: (event) => closing.log.push("second:" + event.data)
            }
        }
    }

    Component {
        id: handlerComponent
        SseEventHandler {}
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, tc, { target: target, signalName: signalName })
    }

    function init() {
        server.reset()
    }

    // The source with its three declared handlers, open, and the first batch received.
    function openSource() {
        server.enqueueEvents(mixed, true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/h"), active: true })
        const all = spy(s, "eventReceived")
        tryCompare(all, "count", 4, timeout)
        return { source: s, all: all }
    }

    // Another batch of the same events on a new connection; returns when all arrived.
    function nextBatch(opened) {
        const expected = opened.all.count + 4
        server.enqueueEvents(mixed, true)
        opened.source.reconnectNow()
        tryCompare(opened.all, "count", expected, timeout)
    }

    function handlersOf(s) {
        const list = []
        for (let i = 0; i < s.handlers.length; ++i)
            list.push(s.handlers[i])
        return list
    }

    function test_perTypeHandlers() {
        server.enqueueEvents(mixed, true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/h") })
        compare(s.handlers.length, 3)
        const price = spy(s.handlers[0], "eventReceived")
        const news = spy(s.handlers[1], "eventReceived")
        const message = spy(s.handlers[2], "eventReceived")
        compare(s.handlers[2].type, "message")
        s.active = true
        tryCompare(message, "count", 1, timeout)
        compare(price.count, 2)
        compare(price.signalArguments[0][0].data, "1")
        compare(price.signalArguments[1][0].data, "2")
        compare(price.signalArguments[1][0].type, "price")
        compare(news.count, 1)
        compare(news.signalArguments[0][0].data, "n1")
        compare(message.signalArguments[0][0].data, "plain")
        // The source's own signal first, then the handlers of the type.
        compare(s.order.slice(0, 3), ["source:price", "price:1", "source:news"])
    }

    // Consecutive events of one type reuse the handlers found for the first: a change in the
    // middle of an event holds from the handler after it, and for the next event.
    function test_changesDuringDelivery() {
        server.enqueueEvents("event: price\ndata: 1\n\nevent: price\ndata: 2\n\n"
                             + "event: price\ndata: 3\n\n", true)
        const s = createTemporaryObject(changingComponent, tc, { url: server.url("/c") })
        const all = spy(s, "eventReceived")
        s.active = true
        tryCompare(all, "count", 3, timeout)
        compare(s.log, ["first:1", "second:1",
                        "first:2", "third:2",
                        "first:3", "third:3"])
    }

    // dataReceived: the same events as eventReceived, as strings; muted with enabled too.
    function test_dataReceived() {
        server.enqueueEvents("event: price\nid: 7\ndata: 1\n\nevent: price\ndata: 2\ndata: 3\n\n"
                             + "event: news\nid: \ndata: n\n\nevent: price\ndata: 4\n\n", true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/data") })
        const price = s.handlers[0]
        const data = spy(price, "dataReceived")
        const events = spy(price, "eventReceived")
        s.active = true
        tryCompare(data, "count", 3, timeout)
        compare(events.count, 3)
        const received = []
        for (let i = 0; i < data.count; ++i)
            received.push(data.signalArguments[i][0] + "|" + data.signalArguments[i][1])
        compare(received, ["1|7", "2\n3|7", "4|"])

        price.enabled = false
        nextBatch({ source: s, all: spy(s, "eventReceived") })
        compare(data.count, 3)
    }

    // After close(), active = false or reconnectNow() in a slot, the event goes no further:
    // neither to the handlers of its type nor to the ones after the handler that did it.
    function test_closeDuringDelivery_data() {
        return [
            { tag: "close() in the source's handler", closeOn: "1", reconnect: false,
              log: ["source:1"] },
            { tag: "reconnectNow() in the source's handler", closeOn: "1", reconnect: true,
              log: ["source:1"] },
            { tag: "active = false in a handler", closeOn: "", reconnect: false,
              log: ["source:1", "first:1", "second:1", "source:2", "first:2"] },
        ]
    }

    function test_closeDuringDelivery(data) {
        server.enqueueEvents("event: price\ndata: 1\n\nevent: price\ndata: 2\n\n"
                             + "event: price\ndata: 3\n\n", true)
        if (data.reconnect)
            server.enqueueSilent() // the reconnection waits: nothing more arrives
        const s = createTemporaryObject(closingComponent, tc, { url: server.url("/close"),
                                                                closeOn: data.closeOn,
                                                                reconnectInstead: data.reconnect })
        s.active = true
        tryVerify(() => s.log.length > 0, timeout)
        if (data.reconnect)
            tryCompare(server, "requestCount", 2, timeout)
        else
            tryCompare(s, "state", SseSource.Closed, timeout)
        wait(50) // nothing else is delivered (the rest of the stream is dropped by the client)
        compare(s.log, data.log)
    }

    function test_typeChangeReregisters() {
        const o = openSource()
        const first = o.source.handlers[0]
        const handled = spy(first, "eventReceived")
        first.type = "news"
        nextBatch(o)
        compare(handled.count, 1)
        compare(handled.signalArguments[0][0].data, "n1")
        first.type = ""
        nextBatch(o)
        compare(handled.count, 1)
    }

    function test_enabled() {
        const o = openSource()
        const news = o.source.handlers[1]
        const handled = spy(news, "eventReceived")
        news.enabled = false
        nextBatch(o)
        compare(handled.count, 0)
        news.enabled = true
        nextBatch(o)
        compare(handled.count, 1)
    }

    function test_removeFromList() {
        const o = openSource()
        const [price, news, message] = handlersOf(o.source)
        const priceSpy = spy(price, "eventReceived")
        const newsSpy = spy(news, "eventReceived")
        o.source.handlers = [news]
        compare(o.source.handlers.length, 1)
        nextBatch(o)
        compare(priceSpy.count, 0)
        compare(newsSpy.count, 1)

        o.source.handlers = [news, price, price] // listed twice: registered once
        nextBatch(o)
        compare(priceSpy.count, 2)
        compare(newsSpy.count, 2)
        verify(message !== null)
    }

    function test_addAndDestroyDynamically() {
        const o = openSource()
        const extra = handlerComponent.createObject(tc, { type: "price" })
        const extraSpy = spy(extra, "eventReceived")
        o.source.handlers = handlersOf(o.source).concat([extra])
        compare(o.source.handlers.length, 4)
        nextBatch(o)
        compare(extraSpy.count, 2)

        extra.destroy()
        tryCompare(o.source.handlers, "length", 3, timeout) // it leaves the list when deleted
        const priceSpy = spy(o.source.handlers[0], "eventReceived")
        nextBatch(o)
        compare(priceSpy.count, 2)
    }
}
