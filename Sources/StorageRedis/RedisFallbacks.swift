public import Logging
public import RedisClient
public import Storage
import Synchronization

/// Whether Redis answers, as its callers last saw it. The first failure after a success is
/// logged once (with what the product does instead), the first success after failures once too;
/// `/health/ready` reports `degraded` meanwhile.
public final class RedisAvailability: Sendable {
    public let endpoint: String
    private let logger: Logger
    private let down = Mutex<(isDown: Bool, since: ContinuousClock.Instant?)>((false, nil))

    public init(endpoint: String, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
    }

    /// Whether the last call failed to reach Redis.
    public var isDown: Bool { down.withLock { $0.isDown } }

    func failed(_ error: any Error, fallback: String) {
        let first = down.withLock { state -> Bool in
            defer { state = (true, state.since ?? .now) }
            return !state.isDown
        }
        if first {
            logger.error("Redis is unavailable; \(fallback) until it answers again",
                         metadata: ["redis": .string(endpoint), "error": "\(error)"])
        }
    }

    func succeeded() {
        let outage = down.withLock { state -> ContinuousClock.Instant? in
            defer { state = (false, nil) }
            return state.isDown ? state.since : nil
        }
        if let outage {
            logger.notice("Redis answers again; shared rate limits and cache resumed",
                          metadata: ["redis": .string(endpoint), "outage_seconds": "\((ContinuousClock.now - outage).components.seconds)"])
        }
    }
}

/// Redis's counters while Redis answers, this process's own (`MemoryRateLimiter`) while it does
/// not: an outage never stops logins, and limits still hold per process meanwhile.
public struct FallbackRateLimiter: RateLimiter {
    let shared: RedisRateLimiter
    let local: MemoryRateLimiter
    let availability: RedisAvailability

    public init(shared: RedisRateLimiter, local: MemoryRateLimiter = MemoryRateLimiter(), availability: RedisAvailability) {
        self.shared = shared
        self.local = local
        self.availability = availability
    }

    public func attempt(_ key: String, limit: Int, window: Duration, record: Bool) async throws -> RateLimitDecision {
        do {
            let decision = try await shared.attempt(key, limit: limit, window: window, record: record)
            availability.succeeded()
            return decision
        } catch let error as RedisError {
            availability.failed(error, fallback: "rate limits use this process's counters")
            return try await local.attempt(key, limit: limit, window: window, record: record)
        }
    }

    public func reset(_ key: String) async throws {
        try await local.reset(key)
        do {
            try await shared.reset(key)
            availability.succeeded()
        } catch let error as RedisError {
            availability.failed(error, fallback: "rate limits use this process's counters")
        }
    }
}
