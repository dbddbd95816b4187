// SPDX-License-Identifier: BSD-3-Clause
// Each provider's streaming endpoint and request body, from a conversation of
// {role: "user" | "assistant", text} turns.
.pragma library

// Index = SseLlmSource.Dialect - 1 (OpenAIChatCompletions ... GeminiGenerateContent).
const providers = [
    { name: "OpenAI Chat Completions", model: "gpt-4o-mini",
      official: "https://api.openai.com", path: "/v1/chat/completions" },
    { name: "OpenAI Responses", model: "gpt-4.1-mini",
      official: "https://api.openai.com", path: "/v1/responses" },
    { name: "Anthropic Messages", model: "claude-sonnet-4-5",
      official: "https://api.anthropic.com", path: "/v1/messages" },
    { name: "Google Gemini", model: "gemini-2.5-flash",
      official: "https://generativelanguage.googleapis.com",
      path: "/v1beta/models/{model}:streamGenerateContent?alt=sse" },
]

function endpoint(provider, model, base, explicitUrl) {
    if (explicitUrl.length > 0)
        return explicitUrl
    const p = providers[provider]
    return (base.length > 0 ? base : p.official)
            + p.path.replace("{model}", encodeURIComponent(model))
}

function body(provider, model, turns) {
    switch (provider) {
    case 0:
        return { model: model, stream: true, stream_options: { include_usage: true },
                 messages: turns.map(t => ({ role: t.role, content: t.text })) }
    case 1:
        return { model: model, stream: true,
                 input: turns.map(t => ({ role: t.role, content: t.text })) }
    case 2:
        return { model: model, max_tokens: 1024, stream: true,
                 messages: turns.map(t => ({ role: t.role, content: t.text })) }
    default:
        return { contents: turns.map(t => ({ role: t.role === "assistant" ? "model" : "user",
                                             parts: [{ text: t.text }] })) }
    }
}
