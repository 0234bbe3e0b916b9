import DocuThinkerCore
import Crypto
import Foundation
public import RedisClient
public import Storage

/// `RateLimiter` in Redis, shared by every `api` process: a sliding log per key (a sorted set of
/// attempt times) updated atomically by one Lua script that reads the server's clock, so
/// processes on different hosts agree on the window whatever their own clocks say.
public struct RedisRateLimiter: RateLimiter {
    let client: RedisClient
    static let prefix = "dt:rl:"

    public init(client: RedisClient) {
        self.client = client
    }

    /// KEYS[1] the log; ARGV: window (ms), limit, record (1/0), a unique member.
    /// Returns {allowed (1/0), count, retry-after (ms)}.
    static let script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local count = redis.call('ZCARD', KEYS[1])
        if count >= limit then
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          return {0, count, math.max(1, tonumber(oldest[2]) + window - now)}
        end
        if ARGV[3] == '1' then
          redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
          redis.call('PEXPIRE', KEYS[1], window)
          count = count + 1
        end
        return {1, count, 0}
        """
    static let scriptSHA = Insecure.SHA1.hash(data: Array(script.utf8)).hexString

    public func attempt(_ key: String, limit: Int, window: Duration, record: Bool) async throws -> RateLimitDecision {
        let arguments = ["1", Self.prefix + key, String(max(1, window.milliseconds)), String(limit), record ? "1" : "0",
                         String(UInt64.random(in: 0...UInt64.max), radix: 36)]
        let reply: RESPValue
        do {
            reply = try await client.pipeline([["EVALSHA", Self.scriptSHA] + arguments])[0]
        } catch RedisError.server(let message) where message.hasPrefix("NOSCRIPT") {
            reply = try await client.pipeline([["EVAL", Self.script] + arguments])[0]
        }
        guard let values = reply.array, values.count == 3, let allowed = values[0].int, let count = values[1].int,
              let retry = values[2].int else {
            throw RedisError.protocolError("rate-limit script reply \(reply)")
        }
        return RateLimitDecision(allowed: allowed == 1, count: Int(count), retryAfter: .milliseconds(retry))
    }

    public func reset(_ key: String) async throws {
        try await client.command("DEL", Self.prefix + key)
    }
}
