import Foundation
import Synchronization

/// A part of a streamed answer: text as it arrives, then which provider wrote it.
public enum LLMStreamPart: Sendable, Equatable {
    case text(String)
    /// The stream finished; `provider` and `model` wrote it, using `usage` tokens (nil when the
    /// provider reported none).
    case end(provider: String, model: String, usage: LLMUsage?)
}

extension LLMRouter {
    /// Streams an answer from the first provider that starts one: a provider that fails or stays
    /// silent for `firstTokenDeadline` before its first text is given up for the next (no text of
    /// it was passed on); once text flows, a failure ends the stream with that error. The whole
    /// stream ends by `deadline`. Stopping the consumer (a client that went away) cancels the
    /// provider's request.
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMStreamPart, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await streamFromProviders(request, into: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func streamFromProviders(_ request: LLMRequest, into continuation: AsyncThrowingStream<LLMStreamPart, any Error>.Continuation) async throws {
        let ends = ContinuousClock.now + deadline
        var causes: [String] = []
        for (provider, breaker) in zip(providers, breakers) {
            if let skipped = await breaker.refusal() { causes.append("\(provider.name): \(skipped)"); continue }
            let firstBy = min(ends, .now + firstTokenDeadline)
            let outcome = await ProviderCallTelemetry.stream(provider, request, result: \.telemetry) {
                await relay(provider.stream(request), into: continuation, firstBy: firstBy, endsBy: ends)
            }
            switch outcome {
            case .finished(let usage):
                await breaker.recordSuccess()
                continuation.yield(.end(provider: provider.name, model: provider.model, usage: usage))
                return
            case .cancelled:
                throw CancellationError()
            case .failed(let error, let afterText):
                let cause = error.code == .timeout ? error.message : error.cause
                if error.code != .badRequest { await breaker.recordFailure(cause: cause) }
                if afterText { throw LLMError(error.code, "\(provider.name) stopped mid-answer: \(cause).") }
                causes.append("\(provider.name): \(cause)")
                if ContinuousClock.now >= ends { break }
            }
        }
        throw LLMError(.unavailable, "No LLM provider answered (\(causes.isEmpty ? "none configured" : causes.joined(separator: "; "))).")
    }

    private enum Relay: Sendable {
        case finished(LLMUsage?), cancelled, failed(LLMError, afterText: Bool)

        /// The outcome a provider span records (nil: finished) and the tokens it reported.
        var telemetry: (outcome: String?, usage: LLMUsage?) {
            switch self {
            case .finished(let usage): (nil, usage)
            case .cancelled: ("cancelled", nil)
            case .failed(let error, _): (error.code.rawValue, nil)
            }
        }
    }

    /// Passes one provider's text on until it ends, fails, misses a deadline, or the consumer goes.
    private func relay(_ deltas: AsyncThrowingStream<LLMDelta, any Error>,
                              into continuation: AsyncThrowingStream<LLMStreamPart, any Error>.Continuation,
                              firstBy: ContinuousClock.Instant, endsBy: ContinuousClock.Instant) async -> Relay {
        let state = RelayState()
        let consumer = Task { () -> LLMUsage? in
            var usage: LLMUsage?
            for try await delta in deltas {
                switch delta {
                case .text(let text) where !text.isEmpty:
                    state.sent.store(true, ordering: .sequentiallyConsistent)
                    continuation.yield(.text(text))
                case .text: continue
                case .usage(let reported):
                    if usage == nil { usage = reported } else { usage?.update(with: reported) }
                }
            }
            return usage
        }
        let watchdog = Task {
            try await Task.sleep(until: firstBy)
            if !state.sent.load(ordering: .sequentiallyConsistent) {
                state.missed.withLock { $0 = .firstToken }
                consumer.cancel()
                return
            }
            try await Task.sleep(until: endsBy)
            state.missed.withLock { $0 = .end }
            consumer.cancel()
        }
        let result = await withTaskCancellationHandler { await consumer.result } onCancel: { consumer.cancel() }
        watchdog.cancel()
        let afterText = state.sent.load(ordering: .sequentiallyConsistent)
        switch (state.missed.withLock { $0 }) {
        case .firstToken:
            return .failed(LLMError(.timeout, "no text within \(Self.words(firstTokenDeadline))"), afterText: false)
        case .end:
            return .failed(LLMError(.timeout, "answer not finished within \(Self.words(deadline))"), afterText: afterText)
        case .none:
            if Task.isCancelled { return .cancelled }
            switch result {
            case .success(let usage): return .finished(usage)
            case .failure(let error as LLMError): return .failed(error, afterText: afterText)
            case .failure(is CancellationError): return .cancelled
            case .failure(let error): return .failed(LLMError(.server, "\(type(of: error))"), afterText: afterText)
            }
        }
    }
}

/// What the watchdog of one relayed stream saw.
private final class RelayState: Sendable {
    enum Missed { case none, firstToken, end }
    /// Text of this provider was passed on.
    let sent = Atomic<Bool>(false)
    let missed = Mutex(Missed.none)
}
