// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import QtSse

TestCase {
    id: tc
    name: "sseEvent"

    readonly property int timeout: 15000

    Component {
        id: sourceComponent
        SseSource {}
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function init() {
        server.reset()
    }

    // The events of this stream, as the QML handler receives them.
    function receive(stream, count) {
        server.enqueueEvents(stream, true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/e") })
        const events = createTemporaryObject(spyComponent, tc,
                                             { target: s, signalName: "eventReceived" })
        s.active = true
        tryCompare(events, "count", count, timeout)
        return events.signalArguments.map(args => args[0])
    }

    function test_fields() {
        const [e] = receive("event: price\nid: 42\ndata: line 1\ndata: line 2\n\n", 1)
        compare(e.type, "price")
        compare(e.data, "line 1\nline 2")
        compare(e.lastEventId, "42")
        compare(e.toString(), "sseEvent(price, line 1\nline 2)")
    }

    function test_json() {
        const [object, number, text, array, multiline] = receive(
            "data: {\"price\": 42.5, \"sym\": \"ACME\", \"tags\": [1, 2]}\n\n"
            + "data: 17\n\n" + "data: \"hi\"\n\n" + "data: [true, null]\n\n"
            + "data: {\"a\":\ndata: 1}\n\n", 5)
        verify(object.isJson)
        compare(object.jsonError, "")
        compare(object.json.price, 42.5)
        compare(object.json.sym, "ACME")
        compare(object.json.tags.length, 2)
        compare(number.json, 17)
        compare(text.json, "hi")
        compare(array.json[0], true)
        compare(array.json[1], null)
        compare(multiline.json.a, 1)
    }

    function test_invalidJson() {
        const [bad, empty, two] = receive("data: {\"price\": \n\n" + "data\n\n" + "data: 1 2\n\n", 3)
        for (const e of [bad, empty, two]) {
            verify(!e.isJson)
            compare(e.json, undefined) // no exception: a clear "not JSON"
            verify(e.jsonError.indexOf("offset") >= 0, e.jsonError)
            compare(e.json?.price, undefined)
        }
    }
}
