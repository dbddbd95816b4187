// SPDX-License-Identifier: BSD-3-Clause
import QtQuick
import QtTest
import QtSse

TestCase {
    id: tc
    name: "SseLlmSource"

    readonly property int timeout: 15000

    function chunk(text) {
        return "data: " + JSON.stringify({ object: "chat.completion.chunk", model: "m",
                                           choices: [{ index: 0, delta: { content: text },
                                                       finish_reason: null }] }) + "\n\n"
    }

    Component {
        id: sourceComponent
        SseLlmSource {}
    }

    // A binding on text follows it as tokens arrive.
    Component {
        id: boundComponent
        Item {
            property alias source: llm
            property string shown: llm.text
            property var lengths: []
            onShownChanged: lengths.push(shown.length)
            SseLlmSource { id: llm }
        }
    }

    function init() {
        server.reset()
    }

    function test_textGrowsAndUsageArrives() {
        const holder = createTemporaryObject(boundComponent, tc)
        const llm = holder.source
        server.enqueueEvents(chunk("Hel") + chunk("lo") + chunk(" there")
                             + "data: " + JSON.stringify({ object: "chat.completion.chunk",
                                 model: "m", choices: [{ index: 0, delta: {},
                                                         finish_reason: "stop" }] }) + "\n\n"
                             + "data: " + JSON.stringify({ object: "chat.completion.chunk",
                                 model: "m", choices: [], usage: { prompt_tokens: 3,
                                 completion_tokens: 4, total_tokens: 7 } }) + "\n\n"
                             + "data: [DONE]\n\n", true)
        const finished = createTemporaryObject(signalSpyComponent, tc,
                                               { target: llm, signalName: "finished" })
        llm.url = server.url("/v1/chat/completions")
        llm.dialect = SseLlmSource.OpenAIChatCompletions
        llm.apiKey = "sk-qml"
        llm.body = { model: "m", stream: true, messages: [{ role: "user", content: "Hi" }] }
        llm.headers = { "X-Trace": "42" }
        llm.start()
        compare(llm.state, SseLlmSource.Streaming)
        verify(llm.streaming)
        finished.wait(timeout)
        compare(llm.state, SseLlmSource.Finished)
        compare(holder.shown, "Hello there")
        compare(holder.lengths, [3, 5, 11])
        compare(llm.finishReason, "stop")
        compare(llm.inputTokens, 3)
        compare(llm.outputTokens, 4)
        compare(llm.totalTokens, 7)
        compare(llm.usage.total_tokens, 7)
        compare(llm.detectedDialect, SseLlmSource.OpenAIChatCompletions)
        compare(server.method(0), "POST")
        compare(server.header(0, "Authorization"), "Bearer sk-qml")
        compare(server.header(0, "X-Trace"), "42")
        compare(JSON.parse(server.body(0)).messages[0].content, "Hi")
        tryCompare(server, "openConnections", 0, timeout) // closed after [DONE]
    }

    function test_toolCallAndProviderError() {
        const llm = createTemporaryObject(sourceComponent, tc)
        const ev = (type, data) => "event: " + type + "\ndata: " + JSON.stringify(data) + "\n\n"
        server.enqueueEvents(
                ev("message_start", { type: "message_start", message: { model: "claude",
                   usage: { input_tokens: 9, output_tokens: 1 } } })
                + ev("content_block_start", { type: "content_block_start", index: 0,
                     content_block: { type: "tool_use", id: "toolu_1", name: "lookup",
                                      input: {} } })
                + ev("content_block_delta", { type: "content_block_delta", index: 0,
                     delta: { type: "input_json_delta", partial_json: "{\"q\":" } })
                + ev("content_block_delta", { type: "content_block_delta", index: 0,
                     delta: { type: "input_json_delta", partial_json: "\"qt\"}" } })
                + ev("content_block_stop", { type: "content_block_stop", index: 0 })
                + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
                + ev("error", { type: "error", error: { type: "overloaded_error",
                                                        message: "Overloaded" } }), true)
        const errors = createTemporaryObject(signalSpyComponent, tc,
                                             { target: llm, signalName: "errorOccurred" })
        llm.url = server.url("/v1/messages")
        llm.dialect = SseLlmSource.AnthropicMessages
        llm.apiKey = "sk-ant"
        llm.body = { stream: true }
        llm.start()
        errors.wait(timeout)
        compare(llm.state, SseLlmSource.Failed)
        compare(llm.error, SseLlmSource.ProviderError)
        compare(llm.errorType, "overloaded_error")
        compare(llm.errorString, "Overloaded")
        compare(llm.toolCalls.length, 1)
        compare(llm.toolCalls[0].name, "lookup")
        compare(llm.toolCalls[0].arguments.q, "qt")
        compare(server.header(0, "x-api-key"), "sk-ant")
        compare(server.header(0, "anthropic-version"), "2023-06-01")
        verify(!server.hasHeader(0, "Authorization"))
    }

    function test_abortKeepsText() {
        const llm = createTemporaryObject(sourceComponent, tc)
        server.enqueueEvents(chunk("Part"), true)
        llm.url = server.url("/v1/chat/completions")
        llm.body = { stream: true }
        llm.start()
        tryCompare(llm, "text", "Part", timeout)
        llm.abort()
        compare(llm.state, SseLlmSource.Aborted)
        compare(llm.text, "Part")
        compare(llm.error, SseLlmSource.NoError)
        tryCompare(server, "openConnections", 0, timeout)
        llm.reset()
        compare(llm.state, SseLlmSource.Idle)
        compare(llm.text, "")
    }

    Component {
        id: signalSpyComponent
        SignalSpy {}
    }
}
