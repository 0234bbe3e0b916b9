import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WireFormats

/// The few HTTP operations providers need, over AsyncHTTPClient, with errors mapped to
/// `LLMError` (status codes, timeouts). Keys travel only in headers/URLs, never in errors or logs.
struct HTTPTransport: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount

    init(client: HTTPClient, timeout: TimeAmount) {
        self.client = client
        self.timeout = timeout
    }

    /// A transport whose request deadline is `timeout` after each request starts.
    init(client: HTTPClient, timeout: Duration) {
        self.init(client: client, timeout: TimeAmount(timeout))
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// A JSON POST with the provider's headers.
    func jsonPost(_ url: String, headers: [(String, String)], json: Data, accept: String? = nil) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let accept { request.headers.add(name: "Accept", value: accept) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: json))
        return request
    }

    func post(_ url: String, headers: [(String, String)], json: Data) async throws -> Reply {
        let request = jsonPost(url, headers: headers, json: json)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return Reply(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw LLMError(.timeout, "The provider did not answer in time.")
        } catch let error as LLMError {
            throw error
        } catch {
            throw LLMError(.server, "The provider could not be reached (\(type(of: error))).")
        }
    }

    func get(_ url: String, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return Reply(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
        } catch {
            throw LLMError(.server, "The provider could not be reached (\(type(of: error))).")
        }
    }

    /// Posts and yields the `data:` payloads of a server-sent-event response as they arrive.
    /// A body that fails to encode ends the stream with that error (streams never throw when made).
    func postEvents(_ url: String, headers: [(String, String)], json makeBody: @autoclosure () throws -> Data)
        -> AsyncThrowingStream<(event: String?, data: String), any Error> {
        let json: Data
        do { json = try makeBody() } catch { return AsyncThrowingStream { $0.finish(throwing: error) } }
        return AsyncThrowingStream { continuation in
            let task = Task {
                let request = jsonPost(url, headers: headers, json: json, accept: "text/event-stream")
                do {
                    let response = try await client.execute(request, timeout: timeout)
                    guard response.status.code < 300 else {
                        let body = try await response.body.collect(upTo: 1024 * 1024)
                        throw ProviderErrors.map(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
                    }
                    var parser = SSEParser()
                    for try await buffer in response.body {
                        for event in parser.feed(buffer.readableBytesView) {
                            continuation.yield(event)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error is LLMError ? error : LLMError(.server, "The stream broke (\(type(of: error)))."))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension HTTPTransport {
    /// Posts and yields the raw body bytes as they arrive (for binary streams).
    func postBytes(_ url: String, headers: [(String, String)], json: Data) -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                let request = jsonPost(url, headers: headers, json: json)
                do {
                    let response = try await client.execute(request, timeout: timeout)
                    guard response.status.code < 300 else {
                        let body = try await response.body.collect(upTo: 1024 * 1024)
                        throw ProviderErrors.map(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
                    }
                    for try await buffer in response.body { continuation.yield(Data(buffer.readableBytesView)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error is LLMError ? error : LLMError(.server, "The stream broke (\(type(of: error)))."))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Maps provider error responses onto `LLMError`.
enum ProviderErrors {
    static func map(status: Int, headers: HTTPHeaders, body: Data) -> LLMError {
        let text = String(decoding: body.prefix(2_000), as: UTF8.self)
        let lower = text.lowercased()
        let retryAfter = headers.first(name: "retry-after").flatMap(Double.init)
        switch status {
        case 401, 403: return LLMError(.unauthorized, "The provider rejected the API key (\(status)).")
        case 429:
            if lower.contains("insufficient_quota") || lower.contains("resource_exhausted") || lower.contains("quota") {
                return LLMError(.quotaExceeded, "The provider's quota is exhausted.", retryAfter: retryAfter)
            }
            return LLMError(.rateLimited, "The provider is rate-limiting requests.", retryAfter: retryAfter)
        case 400, 404, 413, 422: return LLMError(.badRequest, "The provider refused the request (\(status)).")
        default: return LLMError(.server, "The provider failed (\(status)).")
        }
    }
}
