import Foundation

/// Providers in configured order: transient failures (5xx, timeouts, 429) are retried with
/// exponential backoff; a provider that keeps failing is skipped by its circuit breaker
/// (closed → open after `failureThreshold` failures → half-open after `openDuration`, one trial);
/// then the next provider is tried. Every call has an overall `deadline`, retries and fallbacks
/// included. Throws `llm_unavailable` when none answers, its message naming each provider's cause
/// in words (key rejected, rate limited, provider error, no answer within the deadline).
public struct LLMRouter: Sendable {
    public let providers: [any LLMProvider]
    let breakers: [CircuitBreaker]
    let retries: Int
    let backoff: Duration
    /// The longest any call may take, all providers and retries included.
    public let deadline: Duration
    /// The longest a stream may take to produce its first text before the next provider is tried.
    public let firstTokenDeadline: Duration

    public init(providers: [any LLMProvider], retries: Int = 2, backoff: Duration = .milliseconds(200),
                failureThreshold: Int = 3, openDuration: Duration = .seconds(30),
                deadline: Duration = .seconds(90), firstTokenDeadline: Duration = .seconds(30)) {
        self.providers = providers
        breakers = providers.map { _ in CircuitBreaker(threshold: failureThreshold, openDuration: openDuration) }
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.firstTokenDeadline = firstTokenDeadline
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        let causes = Causes()
        do {
            return try await Self.within(deadline) { try await attempt(request, causes: causes) }
        } catch is DeadlineExceeded {
            causes.add("no answer within \(Self.words(deadline))")
            throw LLMError(.unavailable, "No LLM provider answered (\(causes.joined)).")
        }
    }

    private func attempt(_ request: LLMRequest, causes: Causes) async throws -> LLMResponse {
        for (provider, breaker) in zip(providers, breakers) {
            if let skipped = await breaker.refusal() { causes.add("\(provider.name): \(skipped)"); continue }
            causes.current = provider.name
            var attempt = 0
            while true {
                do {
                    let response = try await ProviderCallTelemetry.complete(provider, request)
                    await breaker.recordSuccess()
                    return response
                } catch let error as LLMError {
                    if error.isTransient, attempt < retries {
                        let wait = error.retryAfter.map { Duration.milliseconds(Int(min($0, 5) * 1000)) } ?? backoff * Int(1 << attempt)
                        try await Task.sleep(for: wait)
                        attempt += 1
                        continue
                    }
                    if error.code != .badRequest { await breaker.recordFailure(cause: error.cause) }
                    causes.add("\(provider.name): \(error.cause)")
                    break
                }
            }
        }
        causes.current = nil
        throw LLMError(.unavailable, "No LLM provider answered (\(causes.joined)).")
    }

    /// The breaker state of each provider, by name (for readiness reports).
    public func states() async -> [String: String] {
        var result: [String: String] = [:]
        for (provider, breaker) in zip(providers, breakers) { result[provider.name] = await breaker.state.rawValue }
        return result
    }
}

/// A per-provider circuit breaker.
public actor CircuitBreaker {
    public enum State: String, Sendable { case closed, open, halfOpen = "half-open" }

    public private(set) var state = State.closed
    /// The last failure's cause, in words (reported while the breaker keeps a provider out).
    public private(set) var lastCause: String?
    private var failures = 0
    private var openedAt: ContinuousClock.Instant?
    private let threshold: Int
    private let openDuration: Duration

    public init(threshold: Int, openDuration: Duration) {
        self.threshold = threshold
        self.openDuration = openDuration
    }

    public func allowsRequest() -> Bool {
        switch state {
        case .closed: return true
        case .halfOpen: return false  // one trial is already under way
        case .open:
            guard let openedAt, ContinuousClock.now - openedAt >= openDuration else { return false }
            state = .halfOpen
            return true
        }
    }

    /// Why a request may not go to this provider now, or nil when it may.
    public func refusal() -> String? {
        allowsRequest() ? nil : "skipped after \(failures) failures in a row (last: \(lastCause ?? "unknown"))"
    }

    public func recordSuccess() {
        state = .closed
        lastCause = nil
        failures = 0
        openedAt = nil
    }

    public func recordFailure(cause: String? = nil) {
        failures += 1
        lastCause = cause ?? lastCause
        if state == .halfOpen || failures >= threshold {
            state = .open
            openedAt = .now
        }
    }
}

/// The causes gathered while a call tries its providers (shared with the deadline's task).
final class Causes: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private var items: [String] = []
    private var provider: String?
    private let lock = NSLock()

    /// The provider being waited on now (named when the deadline strikes).
    var current: String? {
        get { lock.withLock { provider } }
        set { lock.withLock { provider = newValue } }
    }

    func add(_ cause: String) { lock.withLock { items.append(cause) } }

    /// Every cause, with the provider still being waited on first named as such.
    var joined: String {
        lock.withLock {
            let all = (provider.map { ["\($0): still waiting"] } ?? []) + items
            return all.isEmpty ? "none configured" : all.joined(separator: "; ")
        }
    }
}

/// The overall deadline of a call passed.
struct DeadlineExceeded: Error {}

extension LLMRouter {
    /// Runs `operation`, cancelling it when `limit` passes first (throws `DeadlineExceeded`).
    static func within<Value: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
            return value
        }
    }

    /// "2 s", "1.5 s", "90 s".
    static func words(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}
