public import Foundation

/// A shared cache of values that are expensive to make and cheap to make again: a miss is always
/// allowed (a cache that is down, full or cold only costs time), so nothing here throws.
/// Implementations: `MemoryCache` (one process) and, with `REDIS_URL`, the Redis-backed cache
/// every process shares.
public protocol Cache: Sendable {
    /// The value stored under `key`, nil when absent, expired or unreachable.
    func value(forKey key: String) async -> Data?
    /// Stores `value` under `key` for `ttl`.
    func set(_ value: Data, forKey key: String, ttl: Duration) async
    /// Forgets the keys (a change made their values wrong).
    func remove(_ keys: [String]) async
}

/// What a rate limiter decided about one attempt.
public struct RateLimitDecision: Sendable, Hashable {
    /// Whether the attempt may go on.
    public var allowed: Bool
    /// Attempts in the window, counting this one when it was recorded.
    public var count: Int
    /// When refused: how long until the oldest attempt leaves the window.
    public var retryAfter: Duration

    public init(allowed: Bool, count: Int, retryAfter: Duration) {
        self.allowed = allowed
        self.count = count
        self.retryAfter = retryAfter
    }
}

/// Sliding-window attempt counters: at most `limit` attempts per `key` in any `window`.
/// In memory for one process; with `REDIS_URL` shared by every `api` process.
public protocol RateLimiter: Sendable {
    /// Decides about an attempt under `key`; `record` counts it (when allowed), otherwise only
    /// asks whether one more would be allowed.
    func attempt(_ key: String, limit: Int, window: Duration, record: Bool) async throws -> RateLimitDecision
    /// Forgets the key's attempts (a successful login clears its account's failures).
    func reset(_ key: String) async throws
}
