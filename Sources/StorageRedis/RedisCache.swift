import DocuThinkerCore
public import Foundation
public import RedisClient
public import Storage

/// `Cache` in Redis, shared by every process: `GET`, `SET … PX` and `DEL` under `dt:cache:`.
/// Any Redis failure is a miss (or a skipped store), reported to `availability`.
public struct RedisCache: Cache {
    let client: RedisClient
    let availability: RedisAvailability
    static let prefix = "dt:cache:"

    public init(client: RedisClient, availability: RedisAvailability) {
        self.client = client
        self.availability = availability
    }

    public func value(forKey key: String) async -> Data? {
        do {
            let reply = try await client.pipelineBytes([[Array("GET".utf8), Array((Self.prefix + key).utf8)]])[0]
            availability.succeeded()
            return reply.bytes.map { Data($0) }
        } catch {
            availability.failed(error, fallback: "the cache is bypassed")
            return nil
        }
    }

    public func set(_ value: Data, forKey key: String, ttl: Duration) async {
        do {
            _ = try await client.pipelineBytes([[Array("SET".utf8), Array((Self.prefix + key).utf8), Array(value),
                                                Array("PX".utf8), Array(String(max(1, ttl.milliseconds)).utf8)]])
            availability.succeeded()
        } catch {
            availability.failed(error, fallback: "the cache is bypassed")
        }
    }

    public func remove(_ keys: [String]) async {
        guard !keys.isEmpty else { return }
        do {
            _ = try await client.pipeline([["DEL"] + keys.map { Self.prefix + $0 }])
            availability.succeeded()
        } catch {
            availability.failed(error, fallback: "the cache is bypassed")
        }
    }
}
