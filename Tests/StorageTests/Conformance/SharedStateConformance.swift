import Foundation
import Logging
import RedisClient
import Storage
import StorageRedis
import StoreTestSupport
import Testing

/// One implementation of the cache and the rate limiter: in memory, or in the test Redis.
struct SharedStateEngine: Sendable, CustomTestStringConvertible {
    var name: String
    var cache: @Sendable () throws -> any Cache
    var limiter: @Sendable () throws -> any RateLimiter
    var testDescription: String { name }

    static let memory = SharedStateEngine(name: "memory", cache: { MemoryCache() }, limiter: { MemoryRateLimiter() })
    static let redis = SharedStateEngine(name: "Redis", cache: {
        RedisCache(client: try TestRedis.client(), availability: RedisAvailability(endpoint: "test", logger: Logger(label: "test")))
    }, limiter: {
        RedisRateLimiter(client: try TestRedis.client())
    })

    static let all: [SharedStateEngine] = TestRedis.available ? [.memory, .redis] : [.memory]
}

/// `Cache` and `RateLimiter`: the same behaviour in memory and in Redis.
@Suite("Conformance: cache and rate limiter")
struct SharedStateConformance {
    @Test(arguments: SharedStateEngine.all)
    func cacheStoresExpiresAndForgets(engine: SharedStateEngine) async throws {
        let cache = try engine.cache()
        let key = "k-" + UUID().uuidString
        #expect(await cache.value(forKey: key) == nil)
        let value = Data((0..<1_536).map { UInt8($0 % 251) })
        await cache.set(value, forKey: key, ttl: .seconds(60))
        #expect(await cache.value(forKey: key) == value)
        await cache.set(Data("second".utf8), forKey: key, ttl: .seconds(60))
        #expect(await cache.value(forKey: key) == Data("second".utf8), "a set replaces")
        await cache.remove([key, key + "-other"])
        #expect(await cache.value(forKey: key) == nil)

        // Three seconds: a read right after the write must see it even on a machine busy with other suites.
        await cache.set(Data("brief".utf8), forKey: key, ttl: .seconds(3))
        #expect(await cache.value(forKey: key) == Data("brief".utf8))
        try await Task.sleep(for: .milliseconds(3_500))
        #expect(await cache.value(forKey: key) == nil, "expired")
    }

    @Test(arguments: SharedStateEngine.all)
    func limiterRefusesPastTheLimitUntilTheWindowSlides(engine: SharedStateEngine) async throws {
        let limiter = try engine.limiter()
        let key = "k-" + UUID().uuidString, other = key + "-other"
        let window = Duration.seconds(600)   // long, so a machine busy with other suites cannot let it slide mid-test
        for attempt in 1...3 {
            let decision = try await limiter.attempt(key, limit: 3, window: window, record: true)
            #expect(decision.allowed && decision.count == attempt)
        }
        let refused = try await limiter.attempt(key, limit: 3, window: window, record: true)
        #expect(!refused.allowed && refused.count == 3)
        #expect(refused.retryAfter > .seconds(300) && refused.retryAfter <= window, "retry after \(refused.retryAfter)")
        #expect(try await limiter.attempt(other, limit: 3, window: window, record: true).allowed, "keys are independent")

        // A peek does not count.
        let peekKey = key + "-peek"
        for _ in 0..<10 { #expect(try await limiter.attempt(peekKey, limit: 1, window: window, record: false).allowed) }
        #expect(try await limiter.attempt(peekKey, limit: 1, window: window, record: true).count == 1)

        try await limiter.reset(other)
        #expect(try await limiter.attempt(other, limit: 1, window: window, record: true).count == 1, "reset forgot the key")

        // The window slides: an attempt older than it no longer counts.
        let sliding = key + "-sliding"
        #expect(try await limiter.attempt(sliding, limit: 1, window: .milliseconds(500), record: true).allowed)
        try await Task.sleep(for: .milliseconds(800))
        let later = try await limiter.attempt(sliding, limit: 1, window: .milliseconds(500), record: true)
        #expect(later.allowed && later.count == 1, "the first attempt left the window")
    }

    @Test(arguments: SharedStateEngine.all)
    func concurrentAttemptsNeverExceedTheLimit(engine: SharedStateEngine) async throws {
        let limiter = try engine.limiter()
        let key = "k-" + UUID().uuidString
        let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<60 { group.addTask { try await limiter.attempt(key, limit: 25, window: .seconds(60), record: true).allowed } }
            var count = 0
            for try await ok in group where ok { count += 1 }
            return count
        }
        #expect(allowed == 25)
    }
}
