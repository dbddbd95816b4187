// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import QtSse

TestCase {
    id: tc
    name: "SseSource"

    readonly property int timeout: 15000

    Component {
        id: sourceComponent
        SseSource {
            reconnectionTime: 50
            jitterEnabled: false
        }
    }

    // active is written before url and headers: it must wait for the component to complete.
    Component {
        id: declaredComponent
        SseSource {
            active: true
            url: server.url("/declared")
            headers: ({ "X-Token": "abc" })
        }
    }

    // A source whose request properties are bound to its parent's.
    Component {
        id: boundComponent
        Item {
            id: holder
            property string path: "/first"
            property string token: "t1"
            property bool on: true
            readonly property SseSource source: bound
            SseSource {
                id: bound
                url: server.url(holder.path)
                headers: ({ "Authorization": "Bearer " + holder.token })
                active: holder.on
                reconnectionTime: 50
                jitterEnabled: false
            }
        }
    }

    Component {
        id: modelComponent
        SseEventModel {}
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

    function test_activeWaitsForComponentComplete() {
        server.enqueueEvents("data: a\n\n", true)
        const s = createTemporaryObject(declaredComponent, tc)
        tryCompare(s, "state", SseSource.Open, timeout)
        compare(server.requestCount, 1)
        compare(server.target(0), "/declared")
        compare(server.header(0, "X-Token"), "abc")
    }

    function test_inactiveUntilOpened() {
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/later") })
        compare(s.active, false)
        compare(s.state, SseSource.Closed)
        server.enqueueEvents("id: 3\ndata: a\n\n", true)
        const events = spy(s, "eventReceived")
        s.open()
        compare(s.active, true)
        tryCompare(events, "count", 1, timeout)
        compare(s.state, SseSource.Open)
        compare(s.lastEventId, "3")
        compare(server.requestCount, 1)
    }

    function test_closeAndReconnectNow() {
        server.enqueueEvents("id: 3\ndata: a\n\n", true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/s"), active: true })
        const events = spy(s, "eventReceived")
        const disconnects = spy(s, "disconnected")
        tryCompare(events, "count", 1, timeout)

        server.enqueueEvents("data: b\n\n", true)
        s.reconnectNow()
        tryCompare(events, "count", 2, timeout)
        compare(server.requestCount, 2)
        compare(server.header(1, "Last-Event-ID"), "3") // the same stream, resumed
        compare(disconnects.count, 1)
        compare(s.active, true)

        const closes = spy(s, "closed")
        s.close()
        compare(s.active, false)
        compare(s.state, SseSource.Closed)
        compare(closes.count, 1)
        tryCompare(server, "openConnections", 0, timeout)
    }

    // batchedDelivery: the events of a read in one eventsReceived(events) and one
    // batchReceived(types, data, lastEventIds), as well as one eventReceived(event) each; in
    // order, none twice, none lost across reads.
    function test_batchedDelivery() {
        let stream = ""
        for (let i = 0; i < 50; ++i) {
            stream += (i % 3 ? "" : "event: third\n") + (i % 5 ? "id: " + i + "\n" : "")
                      + "data: {\"n\": " + i + "}\n\n"
        }
        server.enqueueEvents(stream, true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/batch"),
                                                               batchedDelivery: true })
        const batches = spy(s, "eventsReceived")
        const lists = spy(s, "batchReceived")
        const single = spy(s, "eventReceived")
        let singles = [], seen = [], seenLists = []
        s.eventReceived.connect((event) =>
            singles.push(event.type + ":" + event.json.n + ":" + event.lastEventId))
        s.eventsReceived.connect((events) => {
            for (let i = 0; i < events.length; ++i)
                seen.push(events[i].type + ":" + events[i].json.n + ":" + events[i].lastEventId)
        })
        s.batchReceived.connect((types, data, ids) => {
            compare(types.length, data.length)
            compare(ids.length, data.length)
            for (let i = 0; i < data.length; ++i)
                seenLists.push(types[i] + ":" + JSON.parse(data[i]).n + ":" + ids[i])
        })
        s.open()
        tryCompare(single, "count", 50, timeout)
        tryVerify(() => seenLists.length === 50, timeout)
        let expected = []
        let id = ""
        for (let i = 0; i < 50; ++i) {
            if (i % 5)
                id = "" + i
            expected.push((i % 3 ? "message" : "third") + ":" + i + ":" + id)
        }
        compare(singles, expected)
        compare(seen, expected)
        compare(seenLists, expected)
        verify(batches.count >= 1 && batches.count <= 50)
        compare(lists.count, batches.count)
        s.batchedDelivery = false
        server.enqueueEvents("data: later\n\n", true)
        s.reconnectNow()
        tryCompare(single, "count", 51, timeout)
        wait(50)
        compare(seen.length, 50) // off: no more batches
        compare(seenLists.length, 50)
    }

    function test_activeBinding() {
        server.enqueueEvents("data: a\n\n", true)
        const h = createTemporaryObject(boundComponent, tc)
        const s = h.source
        tryCompare(s, "state", SseSource.Open, timeout)

        h.on = false
        compare(s.active, false)
        compare(s.state, SseSource.Closed)
        tryCompare(server, "openConnections", 0, timeout)

        h.path = "/while-inactive" // no request while inactive
        compare(server.requestCount, 1)
        server.enqueueEvents("data: b\n\n", true)
        h.on = true
        tryCompare(s, "state", SseSource.Open, timeout)
        compare(server.requestCount, 2)
        compare(server.target(1), "/while-inactive")
    }

    function test_urlBindingStartsNewStream() {
        server.enqueueEvents("id: 1\ndata: a\n\n", true)
        server.enqueueEvents("id: 2\ndata: b\n\n", true)
        const h = createTemporaryObject(boundComponent, tc)
        const s = h.source
        const events = spy(s, "eventReceived")
        tryCompare(events, "count", 1, timeout)
        compare(s.lastEventId, "1")
        compare(server.target(0), "/first")
        compare(server.header(0, "Authorization"), "Bearer t1")

        h.path = "/second"
        tryCompare(events, "count", 2, timeout)
        compare(events.signalArguments[1][0].data, "b")
        compare(server.requestCount, 2)
        compare(server.target(1), "/second")
        verify(!server.hasHeader(1, "Last-Event-ID")) // another stream: not resumed
        compare(s.lastEventId, "2")
        compare(s.state, SseSource.Open)
    }

    function test_headersBindingResumes() {
        server.enqueueEvents("id: 7\ndata: a\n\n", true)
        server.enqueueEvents("data: b\n\n", true)
        const h = createTemporaryObject(boundComponent, tc)
        const s = h.source
        const events = spy(s, "eventReceived")
        tryCompare(events, "count", 1, timeout)

        h.token = "t2" // a refreshed token: the same stream, with Last-Event-ID
        tryCompare(events, "count", 2, timeout)
        compare(server.requestCount, 2)
        compare(server.target(1), "/first")
        compare(server.header(1, "Authorization"), "Bearer t2")
        compare(server.header(1, "Last-Event-ID"), "7")
    }

    function test_bindingChangesCoalesce() {
        server.enqueueEvents("data: a\n\n", true)
        server.enqueueEvents("data: b\n\n", true)
        const h = createTemporaryObject(boundComponent, tc)
        const s = h.source
        const events = spy(s, "eventReceived")
        tryCompare(events, "count", 1, timeout)

        h.path = "/p2"
        h.token = "t2"
        h.path = "/p3"
        // One reconnection, with the final values: the server sees one new request, which a
        // second reconnection would have aborted before its event.
        tryCompare(events, "count", 2, timeout)
        compare(server.requestCount, 2)
        compare(server.target(1), "/p3")
        compare(server.header(1, "Authorization"), "Bearer t2")
        compare(s.state, SseSource.Open)
    }

    function test_bindingRetriesFailedSource() {
        server.enqueueStatus(404, "no such stream")
        server.enqueueEvents("data: a\n\n", true)
        const h = createTemporaryObject(boundComponent, tc, { path: "/missing" })
        const s = h.source
        tryCompare(s, "state", SseSource.Failed, timeout)
        compare(s.error, SseSource.HttpStatusError)
        compare(s.httpStatus, 404)
        verify(s.errorString.indexOf("no such stream") >= 0, s.errorString)
        compare(s.active, true) // the intent stays; state says what happened

        const errors = spy(s, "errorChanged")
        h.path = "/found"
        tryCompare(s, "state", SseSource.Open, timeout)
        compare(server.target(1), "/found")
        compare(s.error, SseSource.NoError)
        compare(s.errorString, "")
        verify(errors.count > 0)
    }

    // The C++ client's state, all of it: readyState, errorBody, the server's retry:, and a
    // lastEventId binding (forwarded from the client only while something listens).
    Component {
        id: stateComponent
        Item {
            property alias source: src
            property string boundId: src.lastEventId
            SseSource {
                id: src
                reconnectionTime: 50
                jitterEnabled: false
            }
        }
    }

    function test_clientStateProperties() {
        server.enqueueStatus(404, "no such stream")
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/missing") })
        compare(s.readyState, SseSource.CLOSED)
        compare(s.serverReconnectionTime, -1)
        s.open()
        tryCompare(s, "state", SseSource.Failed, timeout)
        compare(s.readyState, SseSource.CLOSED)
        compare(s.errorBody, "no such stream")

        server.enqueueEvents("retry: 700\nid: 5\ndata: a\n\nid: 6\ndata: b\n\n", true)
        const h = createTemporaryObject(stateComponent, tc)
        const t = h.source
        t.url = server.url("/found")
        t.open()
        compare(t.readyState, SseSource.CONNECTING)
        tryCompare(t, "readyState", SseSource.OPEN, timeout)
        tryCompare(t, "serverReconnectionTime", 700, timeout)
        compare(t.reconnectionTime, 50) // the application's setting stays
        tryCompare(h, "boundId", "6", timeout)
        compare(t.errorBody, "")
    }

    // Resume in QML: the last event ID as a query parameter, duplicates dropped, gaps told.
    function test_resumeProperties() {
        server.enqueueEvents("id: 1\ndata: a\n\nid: 2\ndata: b\n\n", false)
        server.enqueueEvents("id: 2\ndata: b\n\nid: 5\ndata: e\n\n", true)
        const s = createTemporaryObject(sourceComponent, tc, {
            url: server.url("/resume"), resumeQueryParameter: "after", duplicateWindow: 10,
            sequenceField: "id"
        })
        compare(s.resumeQueryParameter, "after")
        compare(s.duplicateWindow, 10)
        compare(s.sequenceField, "id")
        compare(s.lastEventIdSettingsKey, "")
        const events = spy(s, "eventReceived")
        const duplicates = spy(s, "duplicateDropped")
        const gaps = spy(s, "gapDetected")
        s.open()
        tryCompare(events, "count", 3, timeout)
        compare(events.signalArguments[2][0].data, "e")
        compare(duplicates.count, 1)
        compare(duplicates.signalArguments[0][0].lastEventId, "2")
        compare(gaps.count, 1)
        compare(gaps.signalArguments[0][0], 3)
        compare(gaps.signalArguments[0][1], 5)
        compare(s.duplicateCount, 1)
        compare(s.gapCount, 1)
        compare(server.target(1), "/resume?after=2")
        compare(server.hasHeader(1, "Last-Event-ID"), false)
    }

    function test_metrics() {
        server.enqueueEvents("data: one\n\n", true)
        const s = createTemporaryObject(sourceComponent, tc, {
            url: server.url("/m"), rawHistorySize: 6
        })
        compare(s.timeToFirstByte, -1)
        compare(s.rawHistorySize, 6)
        s.open()
        tryCompare(s, "eventCount", 1, timeout)
        verify(s.timeToFirstByte >= 0)
        verify(s.timeToFirstEvent >= s.timeToFirstByte)
        compare(s.reconnectCount, 0)
        verify(s.downtime >= 0)
        verify(s.eventsPerSecond >= 0)
        verify(s.bytesPerSecond >= 0)
        compare(s.rawHistory(), " one\n\n") // the last 6 bytes
    }

    // rawDataReceived: the stream's bytes as sent (CRLF, a comment), between opened and the
    // events they complete; connected from QML, forwarded from the client.
    function test_rawDataReceived() {
        const sent = "id: 1\r\ndata: a\r\n\r\n: hi\n"
        server.enqueueEvents(sent, true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/raw") })
        let log = []
        let bytes = ""
        s.opened.connect(() => log.push("opened"))
        s.eventReceived.connect(() => log.push("event"))
        s.rawDataReceived.connect((data) => {
            const view = new Uint8Array(data)
            for (let i = 0; i < view.length; ++i)
                bytes += String.fromCharCode(view[i])
            if (log[log.length - 1] !== "raw")
                log.push("raw")
        })
        s.open()
        tryCompare(s, "lastEventId", "1", timeout)
        tryVerify(() => bytes.length >= sent.length, timeout)
        compare(bytes, sent)
        compare(log.slice(0, 3), ["opened", "raw", "event"])
    }

    function test_methodAndBody() {
        server.enqueueEvents("data: a\n\n", true)
        server.enqueueEvents("data: b\n\n", true)
        const s = createTemporaryObject(sourceComponent, tc, {
            url: server.url("/chat"), method: "post", body: "{\"q\":1}",
            headers: { "Content-Type": "application/json" }, active: true
        })
        const events = spy(s, "eventReceived")
        tryCompare(events, "count", 1, timeout)
        compare(s.method, "POST")
        compare(server.method(0), "POST")
        compare(server.body(0), "{\"q\":1}")
        compare(server.header(0, "Content-Type"), "application/json")

        s.body = "{\"q\":2}" // a new request: reconnects
        tryCompare(events, "count", 2, timeout)
        compare(server.body(1), "{\"q\":2}")
    }

    function test_reconnectState() {
        server.enqueueEvents("id: 1\ndata: a\n\n", false) // the stream ends: a retry follows
        server.enqueueEvents("data: b\n\n", true)
        const s = createTemporaryObject(sourceComponent, tc, { url: server.url("/r") })
        let seen = null
        s.reconnectScheduled.connect((attempt, delayMs) => {
            seen = { attempt: attempt, delayMs: delayMs, state: s.state,
                     reconnectAttempt: s.reconnectAttempt, next: s.nextRetryTime }
        })
        const events = spy(s, "eventReceived")
        s.active = true
        tryCompare(events, "count", 2, timeout)
        verify(seen !== null)
        compare(seen.attempt, 1)
        compare(seen.delayMs, 50)
        compare(seen.state, SseSource.Reconnecting)
        compare(seen.reconnectAttempt, 1)
        verify(seen.next instanceof Date && !isNaN(seen.next.getTime()))
        compare(server.header(1, "Last-Event-ID"), "1")
        compare(s.reconnectAttempt, 0)
        compare(s.eventCount, 2)
        verify(s.byteCount > 0)
        verify(s.openedTime instanceof Date)
    }

    function test_waitingForConnection() {
        // One pooled manager: 6 HTTP/1.1 streams; the 7th waits, and says so.
        server.setPoolMaxManagers(1)
        const sources = []
        for (let i = 0; i < 7; ++i) {
            server.enqueueEvents("data: " + i + "\n\n", true)
            sources.push(createTemporaryObject(sourceComponent, tc,
                                               { url: server.url("/w" + i), active: true }))
            if (i < 6)
                tryCompare(sources[i], "state", SseSource.Open, timeout)
        }
        const waiting = spy(sources[6], "waitingForConnectionChanged")
        tryCompare(sources[6], "waitingForConnection", true, timeout)
        compare(sources[6].state, SseSource.Connecting)
        compare(server.requestCount, 6)
        sources[0].active = false
        tryCompare(sources[6], "state", SseSource.Open, timeout)
        compare(sources[6].waitingForConnection, false)
        verify(waiting.count >= 1) // true may have come before the spy: open() is synchronous
        server.setPoolMaxManagers(4096)
    }

    function test_configurationProperties() {
        const s = createTemporaryObject(sourceComponent, tc, {
            maxRetries: 3, maxRetryDelay: 9000, idleTimeout: 500, connectTimeout: 700,
            maxEventSize: 4096, retryAnyMethod: true, ignoreSslErrors: true,
            httpProtocol: SseSource.Http1Only
        })
        compare(s.httpProtocol, SseSource.Http1Only)
        compare(s.waitingForConnection, false)
        compare(s.reconnectionTime, 50)
        compare(s.jitterEnabled, false)
        compare(s.maxRetries, 3)
        compare(s.maxRetryDelay, 9000)
        compare(s.idleTimeout, 500)
        compare(s.connectTimeout, 700)
        compare(s.maxEventSize, 4096)
        compare(s.retryAnyMethod, true)
        compare(s.ignoreSslErrors, true)
        compare(s.method, "GET")
        const changes = spy(s, "maxRetriesChanged")
        s.maxRetries = 3
        compare(changes.count, 0)
        s.maxRetries = 4
        compare(changes.count, 1)
    }

    function test_destroyWhileConnected() {
        server.enqueueEvents("data: a\n\n", true)
        const s = sourceComponent.createObject(tc, { url: server.url("/d"), active: true })
        const model = createTemporaryObject(modelComponent, tc, { source: s })
        tryCompare(model, "count", 1, timeout)
        compare(s.state, SseSource.Open)
        compare(server.openConnections, 1)
        s.destroy()
        tryCompare(model, "source", null, timeout)
        tryCompare(server, "openConnections", 0, timeout)
        compare(model.count, 1)
    }

    function test_destroyWhileConnecting() {
        server.enqueueSilent()
        const s = sourceComponent.createObject(tc, { url: server.url("/d"), active: true })
        tryCompare(server, "requestCount", 1, timeout)
        compare(s.state, SseSource.Connecting)
        s.destroy()
        tryCompare(server, "openConnections", 0, timeout)
    }
}
