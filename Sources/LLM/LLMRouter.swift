import Foundation

/// Providers in configured order: transient failures (5xx, timeouts, 429) are retried with
/// exponential backoff; a provider that keeps failing is skipped by its circuit breaker
/// (closed → open after `failureThreshold` failures → half-open after `openDuration`, one trial);
/// then the next provider is tried. Throws `llm_unavailable` when none answers.
public struct LLMRouter: Sendable {
    public let providers: [any LLMProvider]
    let breakers: [CircuitBreaker]
    let retries: Int
    let backoff: Duration

    public init(providers: [any LLMProvider], retries: Int = 2, backoff: Duration = .milliseconds(200),
                failureThreshold: Int = 3, openDuration: Duration = .seconds(30)) {
        self.providers = providers
        breakers = providers.map { _ in CircuitBreaker(threshold: failureThreshold, openDuration: openDuration) }
        self.retries = retries
        self.backoff = backoff
    }

    public func complete(_ request: LLMRequest) async throws -> LLMResponse {
        var errors: [String] = []
        for (provider, breaker) in zip(providers, breakers) {
            guard await breaker.allowsRequest() else { errors.append("\(provider.name): circuit open"); continue }
            var attempt = 0
            while true {
                do {
                    let response = try await provider.complete(request)
                    await breaker.recordSuccess()
                    return response
                } catch let error as LLMError {
                    if error.isTransient, attempt < retries {
                        let wait = error.retryAfter.map { Duration.milliseconds(Int(min($0, 5) * 1000)) } ?? backoff * Int(1 << attempt)
                        try await Task.sleep(for: wait)
                        attempt += 1
                        continue
                    }
                    if error.code != .badRequest { await breaker.recordFailure() }
                    errors.append("\(provider.name): \(error.code.rawValue)")
                    break
                }
            }
        }
        throw LLMError(.unavailable, "No LLM provider answered (\(errors.joined(separator: "; "))).")
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

    public func recordSuccess() {
        state = .closed
        failures = 0
        openedAt = nil
    }

    public func recordFailure() {
        failures += 1
        if state == .halfOpen || failures >= threshold {
            state = .open
            openedAt = .now
        }
    }
}
