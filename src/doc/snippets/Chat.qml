// SPDX-License-Identifier: BSD-3-Clause
// "Streaming an LLM's answer" (llm.qdoc) in QML, linted by the qmllint test.
import QtQuick
import QtSse

Item {
    id: chat

    property string apiKey: "demo"
    property string question: "Hello"
    property string answer: ""

    //! [source]
    SseSource {
        id: completion
        url: "http://127.0.0.1:8080/v1/chat/completions"
        method: "POST"
        headers: ({ "Authorization": "Bearer " + chat.apiKey,
                    "Content-Type": "application/json" })
        body: JSON.stringify({ model: "demo", stream: true,
                               messages: [{ role: "user", content: chat.question }] })
        onEventReceived: (event) => {
            if (event.data === "[DONE]") {
                completion.close()
                return
            }
            if (event.isJson)
                chat.answer += event.json.choices[0].delta.content ?? ""
        }
        onErrorOccurred: chat.answer = completion.errorBody || completion.errorString
    }

    function ask(text: string) {
        chat.answer = ""
        chat.question = text // a new body: a new stream, started by active below
        completion.active = true
    }
    //! [source]
}
