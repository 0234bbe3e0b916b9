public import Foundation
import Synchronization

/// `Cache` in this process's memory: least recently used entries go first once `capacityBytes`
/// is reached; expired entries are dropped when met.
public final class MemoryCache: Cache {
    private struct Entry {
        var value: Data
        var expires: ContinuousClock.Instant
        var used: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var tick: UInt64 = 0
    }

    /// The most bytes of values kept.
    public let capacityBytes: Int
    private let state = Mutex(State())

    public init(capacityBytes: Int = 64 << 20) {
        self.capacityBytes = capacityBytes
    }

    public func value(forKey key: String) async -> Data? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.entries[key] = nil
                state.bytes -= entry.value.count
                return nil
            }
            state.tick &+= 1
            entry.used = state.tick
            state.entries[key] = entry
            return entry.value
        }
    }

    public func set(_ value: Data, forKey key: String, ttl: Duration) async {
        guard value.count <= capacityBytes / 4 else { return }
        let expires = ContinuousClock.now + ttl
        state.withLock { state in
            state.tick &+= 1
            if let old = state.entries.updateValue(Entry(value: value, expires: expires, used: state.tick), forKey: key) {
                state.bytes -= old.value.count
            }
            state.bytes += value.count
            guard state.bytes > capacityBytes else { return }
            // Over capacity: drop the least recently used quarter at once (amortised O(1) per set).
            let victims = state.entries.sorted { $0.value.used < $1.value.used }.prefix(max(1, state.entries.count / 4))
            for (victim, entry) in victims where victim != key {
                state.entries[victim] = nil
                state.bytes -= entry.value.count
            }
        }
    }

    public func remove(_ keys: [String]) async {
        state.withLock { state in
            for key in keys {
                if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.value.count }
            }
        }
    }

    /// Entries held now (expired ones included until met).
    public var count: Int { state.withLock { $0.entries.count } }
}

/// `RateLimiter` in this process's memory (a sliding log of attempt times per key).
public final class MemoryRateLimiter: RateLimiter {
    private let logs = Mutex([String: [ContinuousClock.Instant]]())
    private let sweeps = Atomic<Int>(0)

    public init() {}

    public func attempt(_ key: String, limit: Int, window: Duration, record: Bool) async throws -> RateLimitDecision {
        let now = ContinuousClock.now
        if sweeps.add(1, ordering: .relaxed).newValue % 4_096 == 0 { sweep(olderThan: now - .seconds(86_400)) }
        return logs.withLock { logs in
            var times = logs[key, default: []]
            times.removeAll { $0 <= now - window }
            defer { logs[key] = times.isEmpty ? nil : times }
            if times.count >= limit {
                return RateLimitDecision(allowed: false, count: times.count, retryAfter: max(.milliseconds(1), times[0] + window - now))
            }
            if record { times.append(now) }
            return RateLimitDecision(allowed: true, count: times.count, retryAfter: .zero)
        }
    }

    public func reset(_ key: String) async throws {
        _ = logs.withLock { $0.removeValue(forKey: key) }
    }

    /// Drops keys whose last attempt is older than `cutoff` (no window is longer than a day).
    private func sweep(olderThan cutoff: ContinuousClock.Instant) {
        logs.withLock { logs in logs = logs.filter { ($0.value.last ?? cutoff) > cutoff } }
    }
}
