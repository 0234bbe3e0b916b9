import AWSSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLM
import NIOCore
import WireFormats

/// Bodies as the providers document them (OpenAI Chat Completions, Anthropic Messages, Gemini
/// generateContent), replayed by a local server so the adapters are tested on real shapes.
enum Recorded {
    static let openAI = #"{"id":"chatcmpl-abc123","object":"chat.completion","created":1677858242,"model":"gpt-4o-mini-2024-07-18","usage":{"prompt_tokens":13,"completion_tokens":7,"total_tokens":20},"choices":[{"message":{"role":"assistant","content":"This is a test!"},"logprobs":null,"finish_reason":"stop","index":0}]}"#
    static let openAIStream = [
        #"{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
        #"{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}"#,
        #"{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}"#,
        // With `stream_options: {"include_usage": true}` the last chunk has no choices and the usage.
        #"{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"#,
        "[DONE]",
    ].map { "data: \($0)\n\n" }.joined()
    static let openAIQuota = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#
    static let openAIRate = #"{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
    static let openAIUnauthorized = #"{"error":{"message":"Incorrect API key provided: sk-abc. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#

    static let anthropic = #"{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[{"type":"text","text":"Hello!"}],"model":"claude-3-5-sonnet-20241022","stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":6}}"#
    static let anthropicStream = """
    event: message_start
    data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-3-5-sonnet-20241022","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

    event: content_block_start
    data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

    event: ping
    data: {"type": "ping"}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":0}

    event: message_delta
    data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

    event: message_stop
    data: {"type":"message_stop"}


    """
    static let anthropicUnauthorized = #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
    static let anthropicOverloaded = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#

    static let gemini = #"{"candidates":[{"content":{"parts":[{"text":"Hello "},{"text":"from Gemini"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":3,"totalTokenCount":7},"modelVersion":"gemini-1.5-flash"}"#
    static let geminiExhausted = #"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}"#
    static let geminiModels = #"{"models":[{"name":"models/gemini-1.5-flash","displayName":"Gemini 1.5 Flash"},{"name":"models/gemini-1.5-pro","displayName":"Gemini 1.5 Pro"}]}"#
}

/// Counts calls and records what the server saw.
actor Calls {
    var count: [String: Int] = [:]
    var lastBody: [String: String] = [:]
    var lastHeaders: [String: String] = [:]

    func record(_ key: String, body: String = "", headers: [String: String] = [:]) {
        count[key, default: 0] += 1
        lastBody[key] = body
        lastHeaders.merge(headers) { $1 }
    }
}

/// A local server speaking the three providers' protocols. The model (OpenAI, Anthropic) or key
/// (Gemini) picks the scenario: ok, stream, 401, 429, quota, 500, 529, malformed, slow, flaky.
@Sendable func respond(_ status: HTTPResponse.Status, _ body: String, contentType: String = "application/json",
                       headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = contentType
    return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
}

func fakeProviderServer(calls: Calls) -> some ApplicationProtocol {
    let router = Router()
    router.post("v1/chat/completions") { request, _ -> Response in
        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
        let model = ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["model"] as? String ?? ""
        await calls.record("openai:" + model, body: body, headers: ["authorization": request.headers[.authorization] ?? ""])
        switch model {
        case "stream": return respond(.ok, Recorded.openAIStream, contentType: "text/event-stream")
        case "401": return respond(.unauthorized, Recorded.openAIUnauthorized)
        case "quota": return respond(.tooManyRequests, Recorded.openAIQuota)
        case "429": return respond(.tooManyRequests, Recorded.openAIRate, headers: [.retryAfter: "0"])
        case "500": return respond(.internalServerError, "{}")
        case "malformed": return respond(.ok, "{\"choices\": \"nope\"")
        case "slow":
            try await Task.sleep(for: .seconds(3))
            return respond(.ok, Recorded.openAI)
        case "flaky":
            let seen = await calls.count["openai:flaky"] ?? 0
            return seen <= 2 ? respond(.badGateway, "{}") : respond(.ok, Recorded.openAI)
        default: return respond(.ok, Recorded.openAI)
        }
    }
    router.post("v1/messages") { request, _ -> Response in
        let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
        let model = ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["model"] as? String ?? ""
        await calls.record("anthropic:" + model, body: body, headers: [
            "x-api-key": request.headers[HTTPField.Name("x-api-key")!] ?? "",
            "anthropic-version": request.headers[HTTPField.Name("anthropic-version")!] ?? "",
        ])
        switch model {
        case "stream": return respond(.ok, Recorded.anthropicStream, contentType: "text/event-stream")
        case "401": return respond(.unauthorized, Recorded.anthropicUnauthorized)
        case "529": return respond(HTTPResponse.Status(code: 529, reasonPhrase: "Overloaded"), Recorded.anthropicOverloaded)
        default: return respond(.ok, Recorded.anthropic)
        }
    }
    router.get("v1beta/models") { request, _ -> Response in
        await calls.record("gemini:models")
        return respond(.ok, Recorded.geminiModels)
    }
    router.post("v1beta/models/{call}") { request, context -> Response in
        let key = request.uri.queryParameters.get("key") ?? ""
        let call = context.parameters.get("call") ?? ""
        await calls.record("gemini:" + key, body: call)
        if call.hasSuffix(":streamGenerateContent") {
            return respond(.ok, "data: \(Recorded.gemini)\n\ndata: \(Recorded.gemini)\n\n", contentType: "text/event-stream")
        }
        switch key {
        case "exhausted": return respond(.tooManyRequests, Recorded.geminiExhausted)
        case "bad": return respond(.forbidden, #"{"error":{"code":403,"message":"API key not valid.","status":"PERMISSION_DENIED"}}"#)
        default: return respond(.ok, Recorded.gemini)
        }
    }
    return Application(router: router)
}

enum RecordedBedrock {
    static let converse = #"{"output":{"message":{"role":"assistant","content":[{"text":"Hello from Bedrock"}]}},"stopReason":"end_turn","usage":{"inputTokens":9,"outputTokens":4,"totalTokens":13},"metrics":{"latencyMs":312}}"#
    static let credentials = #"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret-from-task-role","Token":"session-token","Expiration":"2099-01-01T00:00:00Z"}"#
}

/// A Bedrock runtime and ECS credentials endpoint on loopback; checks the SigV4 header is present.
func fakeBedrockServer(calls: Calls) -> some ApplicationProtocol {
    let router = Router()
    router.get("v2/credentials/{id}") { _, _ -> Response in
        await calls.record("ecs-credentials")
        return respond(.ok, RecordedBedrock.credentials)
    }
    router.post("model/{model}/converse") { request, context -> Response in
        let authorization = request.headers[.authorization] ?? ""
        await calls.record("bedrock:" + (context.parameters.get("model") ?? ""), headers: [
            "authorization": authorization, "x-amz-security-token": request.headers[HTTPField.Name("x-amz-security-token")!] ?? "",
        ])
        guard authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=") else {
            return respond(.forbidden, #"{"message":"Missing Authentication Token"}"#)
        }
        return respond(.ok, RecordedBedrock.converse)
    }
    return Application(router: router)
}

/// Builds AWS event-stream frames (string headers only) for the fake Bedrock stream.
enum EventStreamFrames {
    static func frame(_ headers: [(String, String)], payload: String) -> Data {
        var headerBytes = Data()
        for (name, value) in headers {
            headerBytes.append(UInt8(name.utf8.count)); headerBytes.append(contentsOf: Array(name.utf8))
            headerBytes.append(7)
            let bytes = Array(value.utf8)
            headerBytes.append(UInt8(bytes.count >> 8)); headerBytes.append(UInt8(bytes.count & 0xFF)); headerBytes.append(contentsOf: bytes)
        }
        let body = Data(payload.utf8)
        let total = UInt32(12 + headerBytes.count + body.count + 4)
        var message = Data()
        func be(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
        message.append(contentsOf: be(total)); message.append(contentsOf: be(UInt32(headerBytes.count)))
        message.append(contentsOf: be(CRC32.checksum(message)))
        message.append(headerBytes); message.append(body)
        message.append(contentsOf: be(CRC32.checksum(message)))
        return message
    }

    static func delta(_ text: String) -> Data {
        frame([(":event-type", "contentBlockDelta"), (":content-type", "application/json"), (":message-type", "event")],
              payload: #"{"contentBlockIndex":0,"delta":{"text":"\#(text)"},"p":"abcd"}"#)
    }
}

func fakeBedrockStreamServer() -> some ApplicationProtocol {
    let router = Router()
    router.post("model/{model}/converse-stream") { _, _ -> Response in
        var data = Data()
        data.append(EventStreamFrames.frame([(":event-type", "messageStart"), (":message-type", "event")], payload: #"{"role":"assistant"}"#))
        data.append(EventStreamFrames.delta("Hello"))
        data.append(EventStreamFrames.delta(" from the stream"))
        data.append(EventStreamFrames.frame([(":event-type", "messageStop"), (":message-type", "event")], payload: #"{"stopReason":"end_turn"}"#))
        data.append(EventStreamFrames.frame([(":event-type", "metadata"), (":message-type", "event")],
                                            payload: #"{"usage":{"inputTokens":11,"outputTokens":5,"totalTokens":16},"metrics":{"latencyMs":240}}"#))
        return Response(status: .ok, headers: [.contentType: "application/vnd.amazon.eventstream"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
    return Application(router: router)
}
