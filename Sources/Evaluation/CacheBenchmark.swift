import DocuThinkerCore
import Foundation
import Ingestion
import Logging
import RedisClient
import Retrieval
import Storage
import StorageRedis
import Synchronization

/// The cache measured on a repeated-question workload over a real library: hybrid searches whose
/// questions repeat the way people's do (Zipf-distributed over a question set), without a query
/// cache, with the in-process one and with Redis; plus the reads the cache could also hold (a
/// document list page), timed from the database and from Redis, to show where caching wins.
public enum CacheBenchmark {
    public struct Row: Sendable {
        public var setup: String
        public var requests: Int
        public var hitRatio: Double?
        public var p50: Double
        public var p95: Double
        public var mean: Double
    }

    /// Builds the library of `files`, then runs `requests` searches drawn from `questions`.
    public static func run(files: [String], documentsDirectory: String, questions: [String], requests: Int, modelDirectory: String,
                           ingestor: DocumentIngestor, redisURL: String?, databaseURL: String?) async throws -> [Row] {
        let library = try await EvaluationLibrary(files: files, documentsDirectory: documentsDirectory, modelDirectory: modelDirectory,
                                                  ingestor: ingestor, embeddingBatchSize: 8, databaseURL: databaseURL)
        defer { library.close() }
        let workload = zipf(count: requests, over: questions.count)
        var caches: [(String, (any Cache)?)] = [("no query cache", nil), ("in-process cache (MemoryCache)", MemoryCache())]
        var redis: RedisClient?
        if let redisURL {
            let client = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: redisURL)))
            try await client.command("FLUSHDB")
            redis = client
            caches.append(("Redis cache (shared)", RedisCache(client: client, availability: RedisAvailability(endpoint: redisURL, logger: Logger(label: "bench")))))
        }
        var rows: [Row] = []
        for (name, cache) in caches {
            var search = library.search
            let counting = cache.map { CountingCache(inner: $0) }
            search.queryCache = counting
            _ = try await search.search(ownerId: "eval", query: "warm up", mode: .hybrid, documentIds: nil, limit: 8)
            counting?.reset()
            var times: [Double] = []
            for index in workload {
                let started = ContinuousClock.now
                _ = try await search.search(ownerId: "eval", query: questions[index], mode: .hybrid, documentIds: nil, limit: 8)
                times.append((ContinuousClock.now - started).seconds * 1_000)
            }
            rows.append(row(name, times, hitRatio: counting.map(\.hitRatio)))
        }

        // A read the cache could hold instead: a page of the document list.
        var fromDatabase: [Double] = [], fromRedis: [Double] = []
        for _ in 0..<500 {
            let started = ContinuousClock.now
            let page = try await library.store.documents(ownerId: "eval", limit: 20, offset: 0)
            fromDatabase.append((ContinuousClock.now - started).seconds * 1_000)
            if let redis {
                let encoded = try JSONSerialization.data(withJSONObject: page.items.map { ["id": $0.id, "title": $0.title, "pages": $0.pageCount] })
                _ = try await redis.pipelineBytes([[Array("SET".utf8), Array("bench:list".utf8), Array(encoded)]])
                let timed = ContinuousClock.now
                _ = try await redis.pipelineBytes([[Array("GET".utf8), Array("bench:list".utf8)]])
                fromRedis.append((ContinuousClock.now - timed).seconds * 1_000)
            }
        }
        rows.append(row("document list page, from the database", fromDatabase, hitRatio: nil))
        if !fromRedis.isEmpty { rows.append(row("document list page, Redis GET only (no decode)", fromRedis, hitRatio: nil)) }
        return rows
    }

    static func row(_ setup: String, _ times: [Double], hitRatio: Double?) -> Row {
        let sorted = times.sorted()
        return Row(setup: setup, requests: times.count, hitRatio: hitRatio, p50: sorted[sorted.count / 2],
                   p95: sorted[min(sorted.count - 1, sorted.count * 95 / 100)], mean: times.reduce(0, +) / Double(times.count))
    }

    /// `count` indices in `0..<n`, Zipf-distributed (s = 1), from a fixed seed.
    static func zipf(count: Int, over n: Int) -> [Int] {
        let weights = (1...n).map { 1 / Double($0) }
        let total = weights.reduce(0, +)
        var cumulative: [Double] = []
        var sum = 0.0
        for weight in weights { sum += weight / total; cumulative.append(sum) }
        var generator = SplitMix(seed: 18)
        return (0..<count).map { _ in
            let u = Double(generator.next() >> 11) / Double(1 << 53)
            return cumulative.firstIndex { $0 >= u } ?? n - 1
        }
    }

    /// Counts hits and misses of the cache it wraps.
    final class CountingCache: Cache {
        let inner: any Cache
        private let counts = Mutex((hits: 0, misses: 0))

        init(inner: any Cache) { self.inner = inner }

        func value(forKey key: String) async -> Data? {
            let value = await inner.value(forKey: key)
            counts.withLock { value == nil ? ($0.misses += 1) : ($0.hits += 1) }
            return value
        }

        func set(_ value: Data, forKey key: String, ttl: Duration) async { await inner.set(value, forKey: key, ttl: ttl) }
        func remove(_ keys: [String]) async { await inner.remove(keys) }
        func reset() { counts.withLock { $0 = (0, 0) } }
        var hitRatio: Double { counts.withLock { Double($0.hits) / Double(max(1, $0.hits + $0.misses)) } }
    }
}
