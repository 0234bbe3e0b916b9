import DocuThinkerCore
public import Foundation
public import Hummingbird
import LLM
public import NIOCore
import ServerSupport
import Synchronization
import WireFormats

/// Streamed answers over server-sent events, written the same way by the public chat route and
/// the AI service's internal route, and read back by `RemoteAIBackend`:
/// `event: delta` `{"text"}`, `event: citation` (a citation), `event: done` (the answer: the
/// public form for clients, the whole `ChatService.Answer` between the services) and, when the
/// answer fails after the stream began, `event: error` `{"error": {"code", "message"}}`.
public enum AnswerEventStream {
    /// One event as SSE text.
    public static func frame(_ name: String, _ value: some Encodable, encoder: JSONEncoder) -> ByteBuffer {
        let data = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: \(name)\ndata: \(data)\n\n")
    }

    /// An SSE response that writes each event as it comes. `done` turns the final answer into
    /// what the `done` event carries (and may store it first). When the client goes away the
    /// write fails, the events are dropped, and that cancels the work behind them.
    public static func response(_ events: AsyncThrowingStream<ChatService.Event, any Error>, encoder: JSONEncoder,
                         done: @escaping @Sendable (ChatService.Answer) async throws -> any Encodable) -> Response {
        let source = EventSource(events)
        let body = ResponseBody { writer in
            do {
                // The iterator holds the only reference to the events: when the loop ends early
                // (the client went away), releasing it ends the stream, which cancels the work.
                var iterator = try source.take().makeAsyncIterator()
                while let event = try await iterator.next() {
                    switch event {
                    case .delta(let text): try await writer.write(frame("delta", ["text": text], encoder: encoder))
                    case .citation(let citation): try await writer.write(frame("citation", citation, encoder: encoder))
                    case .done(let answer): try await writer.write(frame("done", try await done(answer), encoder: encoder))
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                let failure = APIError.from(error) ?? APIError(.internalServerError, code: "answer_failed", message: "The answer could not be finished.")
                try? await writer.write(frame("error", ["error": ["code": failure.code, "message": failure.message]], encoder: encoder))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// Hands the events to the one response body that reads them, keeping no reference after.
    private final class EventSource: Sendable {
        private let events: Mutex<AsyncThrowingStream<ChatService.Event, any Error>?>
        init(_ events: AsyncThrowingStream<ChatService.Event, any Error>) { self.events = Mutex(events) }

        func take() throws -> AsyncThrowingStream<ChatService.Event, any Error> {
            guard let events = events.withLock({ value in defer { value = nil }; return value }) else {
                throw APIError(.internalServerError, code: "answer_failed", message: "The answer was already sent.")
            }
            return events
        }
    }

    private struct Delta: Decodable { var text: String }
    private struct Failure: Decodable {
        struct Inner: Decodable { var code: String; var message: String }
        var error: Inner
    }

    /// Reads the AI service's event stream back into events (`done` carrying the whole answer).
    public static func events(from body: some AsyncSequence<ByteBuffer, any Error> & Sendable, decoder: JSONDecoder)
        -> AsyncThrowingStream<ChatService.Event, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var parser = SSEParser()
                do {
                    for try await buffer in body {
                        for event in parser.feed(buffer.readableBytesView) {
                            let data = Data(event.data.utf8)
                            switch event.event {
                            case "delta": continuation.yield(.delta(try decoder.decode(Delta.self, from: data).text))
                            case "citation": continuation.yield(.citation(try decoder.decode(Citation.self, from: data)))
                            case "done": continuation.yield(.done(try decoder.decode(ChatService.Answer.self, from: data)))
                            case "error":
                                let failure = try decoder.decode(Failure.self, from: data).error
                                throw APIError(.badGateway, code: failure.code, message: failure.message)
                            default: continue
                            }
                        }
                    }
                    continuation.finish()
                } catch let error as APIError {
                    continuation.finish(throwing: error)
                } catch is CancellationError {
                    continuation.finish(throwing: CancellationError())
                } catch {
                    continuation.finish(throwing: APIError(.badGateway, code: "ai_bad_response", message: "The AI service's answer stream broke off."))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
