import AsyncHTTPClient
import Foundation
import NIOCore

/// AWS credentials from the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`) or, on ECS, from the task-role endpoint
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`), refreshed before they expire.
public actor AWSCredentialsProvider {
    private let environment: [String: String]
    private let transport: HTTPTransport
    private let endpointBase: String
    private var cached: (credentials: SigV4.Credentials, expires: Date)?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, client: HTTPClient = .llm,
                endpointBase: String = "http://169.254.170.2") {
        self.environment = environment
        self.endpointBase = endpointBase
        transport = HTTPTransport(client: client, timeout: TimeAmount.seconds(5))
    }

    public func credentials() async throws -> SigV4.Credentials {
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty, !secret.isEmpty {
            return SigV4.Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        }
        if let cached, cached.expires.timeIntervalSinceNow > 300 { return cached.credentials }
        guard let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] else {
            throw LLMError(.unauthorized, "No AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or run with an ECS task role.")
        }
        let reply = try await transport.get(endpointBase + relative)
        guard reply.status < 300, let object = try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any],
              let id = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String else {
            throw LLMError(.unauthorized, "The ECS credentials endpoint did not return credentials (\(reply.status)).")
        }
        let credentials = SigV4.Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: object["Token"] as? String)
        let expires = (object["Expiration"] as? String).flatMap { try? Date($0, strategy: .iso8601) } ?? Date().addingTimeInterval(900)
        cached = (credentials, expires)
        return credentials
    }
}

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

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let payload = try body(request)
        let url = URL(string: endpoint + "/model/\(model)/converse")!
        let signed = SigV4(region: region, service: "bedrock").sign(
            method: "POST", url: url, headers: ["content-type": "application/json"], body: payload,
            credentials: try await credentials.credentials(), date: Date())
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

    /// ConverseStream: AWS event-stream frames whose `contentBlockDelta` events carry text.
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let payload = try body(request)
                    let url = URL(string: endpoint + "/model/\(model)/converse-stream")!
                    let signed = SigV4(region: region, service: "bedrock").sign(
                        method: "POST", url: url, headers: ["content-type": "application/json"], body: payload,
                        credentials: try await credentials.credentials(), date: Date())
                    var decoder = EventStreamDecoder()
                    for try await bytes in transport.postBytes(url.absoluteString, headers: signed.map { ($0.key, $0.value) }, json: payload) {
                        for message in try decoder.feed(bytes) {
                            if message.headers[":message-type"] == "exception" {
                                let kind = message.headers[":exception-type"] ?? "exception"
                                throw kind == "throttlingException" ? LLMError(.rateLimited, "Bedrock is throttling requests.")
                                    : LLMError(.server, "Bedrock stream error: \(kind).")
                            }
                            guard message.headers[":event-type"] == "contentBlockDelta",
                                  let object = try? JSONSerialization.jsonObject(with: message.payload) as? [String: Any],
                                  let text = (object["delta"] as? [String: Any])?["text"] as? String else { continue }
                            continuation.yield(text)
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
