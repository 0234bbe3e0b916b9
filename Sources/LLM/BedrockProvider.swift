import AsyncHTTPClient
import AWSSupport
import Foundation
import NIOCore
import WireFormats

/// Amazon Bedrock's Converse API, signed with SigV4 (service `bedrock`), for any model id.
public struct BedrockProvider: LLMProvider {
    public let name = "bedrock"
    public let model: String
    let region: String
    let endpoint: String
    let credentials: AWSCredentialsProvider
    let transport: HTTPTransport

    public init(region: String, model: String, credentials: AWSCredentialsProvider, endpoint: String? = nil,
                client: HTTPClient = .llm, timeout: Duration = .seconds(60)) {
        self.region = region
        self.model = model
        self.credentials = credentials
        self.endpoint = endpoint ?? "https://bedrock-runtime.\(region).amazonaws.com"
        transport = HTTPTransport(client: client, timeout: timeout)
    }

    func body(_ request: LLMRequest) throws -> Data {
        var system = request.system ?? ""
        if request.json { system += (system.isEmpty ? "" : "\n\n") + "Answer with one JSON object and nothing else." }
        var object: [String: Any] = [
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": [["text": $0.content]]] },
            "inferenceConfig": ["maxTokens": request.maxTokens, "temperature": request.temperature],
        ]
        if !system.isEmpty { object["system"] = [["text": system]] }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The credentials to sign with; a failure to find them is the provider rejecting the call.
    private func signingCredentials() async throws -> SigV4.Credentials {
        do {
            return try await credentials.credentials()
        } catch let error as AWSCredentialsError {
            throw LLMError(.unauthorized, error.message)
        }
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let payload = try body(request)
        let url = URL(string: endpoint + "/model/\(model)/converse")!
        let signed = SigV4(region: region, service: "bedrock").sign(
            method: "POST", url: url, headers: ["content-type": "application/json"], body: payload,
            credentials: try await signingCredentials(), date: Date())
        let reply = try await transport.post(url.absoluteString, headers: signed.map { ($0.key, $0.value) }, json: payload)
        guard reply.status < 300 else {
            if reply.status == 400, String(decoding: reply.body, as: UTF8.self).contains("ThrottlingException") {
                throw LLMError(.rateLimited, "Bedrock is throttling requests.")
            }
            throw ProviderErrors.map(status: reply.status, headers: reply.headers, body: reply.body)
        }
        guard let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
              let message = (object["output"] as? [String: Any])?["message"] as? [String: Any],
              let content = message["content"] as? [[String: Any]] else {
            throw LLMError(.malformed, "The Bedrock answer had no output.message.content.")
        }
        let usage = object["usage"] as? [String: Any]
        return LLMResponse(text: content.compactMap { $0["text"] as? String }.joined(),
                           usage: LLMUsage(inputTokens: usage?["inputTokens"] as? Int ?? 0, outputTokens: usage?["outputTokens"] as? Int ?? 0),
                           provider: name, model: model)
    }

    /// ConverseStream: AWS event-stream frames whose `contentBlockDelta` events carry text and
    /// whose closing `metadata` event carries the usage.
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMDelta, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let payload = try body(request)
                    let url = URL(string: endpoint + "/model/\(model)/converse-stream")!
                    let signed = SigV4(region: region, service: "bedrock").sign(
                        method: "POST", url: url, headers: ["content-type": "application/json"], body: payload,
                        credentials: try await signingCredentials(), date: Date())
                    var decoder = EventStreamDecoder()
                    for try await bytes in transport.postBytes(url.absoluteString, headers: signed.map { ($0.key, $0.value) }, json: payload) {
                        let messages: [EventStreamDecoder.Message]
                        do {
                            messages = try decoder.feed(bytes)
                        } catch let error as EventStreamError {
                            throw LLMError(.malformed, error.message)
                        }
                        for message in messages {
                            if message.headers[":message-type"] == "exception" {
                                let kind = message.headers[":exception-type"] ?? "exception"
                                throw kind == "throttlingException" ? LLMError(.rateLimited, "Bedrock is throttling requests.")
                                    : LLMError(.server, "Bedrock stream error: \(kind).")
                            }
                            guard let object = try? JSONSerialization.jsonObject(with: message.payload) as? [String: Any] else { continue }
                            switch message.headers[":event-type"] {
                            case "contentBlockDelta":
                                if let text = (object["delta"] as? [String: Any])?["text"] as? String { continuation.yield(.text(text)) }
                            case "metadata":
                                if let usage = object["usage"] as? [String: Any] {
                                    continuation.yield(.usage(LLMUsage(inputTokens: usage["inputTokens"] as? Int ?? 0,
                                                                       outputTokens: usage["outputTokens"] as? Int ?? 0)))
                                }
                            default: continue
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
