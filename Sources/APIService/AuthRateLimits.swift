import DocuThinkerCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServerSupport
import Storage

/// How many authentication failures are allowed in a sliding window.
public struct RateLimitSettings: Sendable, Hashable {
    /// Per client address: failed logins, refreshes, reset confirmations, API-key uses and
    /// registrations of a taken email, plus every reset request.
    public var perAddress: Int
    /// Per account (email): failed logins and reset requests, from any address. Higher than the
    /// address limit, so one address guessing cannot lock an account's owner out elsewhere.
    public var perAccount: Int
    public var window: Duration
    /// The first wait of an account after repeated failed logins, in seconds; each further failure doubles it.
    public var backoffSeconds: Int

    public init(perAddress: Int, perAccount: Int, window: Duration, backoffSeconds: Int = 1) {
        self.perAddress = perAddress
        self.perAccount = perAccount
        self.window = window
        self.backoffSeconds = backoffSeconds
    }

    /// 10 per address and 30 per account in 5 minutes.
    public static let standard = RateLimitSettings(perAddress: 10, perAccount: 30, window: .seconds(300))
}

/// The rate limits of the authentication routes. An address or account over its limit gets 429
/// `rate_limited` with `Retry-After` before its attempt is even looked at; only attempts that
/// fail (or that cost something: registrations, reset mails) are counted, so people sharing an
/// address who sign in correctly are never limited.
struct AuthRateLimits: Sendable {
    let limiter: any RateLimiter
    let settings: RateLimitSettings
    /// Proxies in front that append to `X-Forwarded-For` (see `AppConfiguration.trustedProxyHops`).
    let trustedProxyHops: Int
    /// Where an account's back-off lives (shared with `REDIS_URL`); nil: no back-off.
    var backoff: (any Cache)? = nil

    /// Failures of an account before each further one makes it wait (1 s, then doubling, at most
    /// `maxBackoff`), on top of the window's limit.
    static let backoffAfter = 5
    static let maxBackoff = 900

    /// The client's address: the peer, or with trusted proxies the entry of `X-Forwarded-For`
    /// the outermost trusted proxy wrote (entries left of it could be the client's own words).
    func clientAddress(_ request: Request, context: AppRequestContext) -> String {
        let peer = context.peerAddress ?? "unknown"
        guard trustedProxyHops > 0 else { return peer }
        let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !forwarded.isEmpty else { return peer }
        return forwarded[max(0, forwarded.count - trustedProxyHops)]
    }

    /// Refuses (429) when the address is over its limit.
    func checkAddress(_ request: Request, context: AppRequestContext) async throws {
        try await check("address:" + clientAddress(request, context: context), limit: settings.perAddress, record: false, context: context)
    }

    /// Counts an attempt by the address, refusing (429) when it is over its limit.
    func countAddress(_ request: Request, context: AppRequestContext) async throws {
        try await check("address:" + clientAddress(request, context: context), limit: settings.perAddress, record: true, context: context)
    }

    /// Refuses (429) when the account is over its limit or still backing off.
    func checkAccount(_ email: String, context: AppRequestContext) async throws {
        if let backoff, let data = await backoff.value(forKey: Self.key("backoff:" + email)),
           let until = Double(String(decoding: data, as: UTF8.self)), until > Date.now.timeIntervalSince1970 {
            throw Self.refusal(seconds: Int((until - Date.now.timeIntervalSince1970).rounded(.up)), bucket: "backoff", context: context)
        }
        try await check("account:" + email, limit: settings.perAccount, record: false, context: context)
    }

    /// Counts a failure against the account; from the `backoffAfter`th failure in the window on,
    /// the account waits 1, 2, 4… times `backoffSeconds` (at most `maxBackoff`) before its next attempt is read.
    func countAccount(_ email: String, context: AppRequestContext) async throws {
        let count = try await check("account:" + email, limit: settings.perAccount, record: true, context: context)
        guard let backoff, count >= Self.backoffAfter else { return }
        let seconds = min(Self.maxBackoff, settings.backoffSeconds << min(20, count - Self.backoffAfter))
        let until = Date.now.timeIntervalSince1970 + Double(seconds)
        await backoff.set(Data(String(until).utf8), forKey: Self.key("backoff:" + email), ttl: .seconds(seconds))
    }

    /// Counts a failure of the address (and of the account when given); the failure's own error
    /// is what the caller then throws.
    func failed(_ request: Request, context: AppRequestContext, account: String? = nil) async {
        do {
            try await countAddress(request, context: context)
            if let account { try await countAccount(account, context: context) }
        } catch {
            // Already over the limit: the next attempt is refused; this one answers its own error.
        }
    }

    /// A successful sign-in forgets the account's failures.
    func succeeded(account: String) async {
        try? await limiter.reset(Self.key("account:" + account))
        await backoff?.remove([Self.key("backoff:" + account)])
    }

    /// The limiter's key of a bucket.
    static func key(_ bucket: String) -> String { "auth:" + bucket }

    /// The attempts in the window (this one included when recorded); 429 past the limit.
    @discardableResult
    private func check(_ key: String, limit: Int, record: Bool, context: AppRequestContext) async throws -> Int {
        let decision = try await limiter.attempt(Self.key(key), limit: limit, window: settings.window, record: record)
        guard decision.allowed else {
            throw Self.refusal(seconds: Int((Double(decision.retryAfter.milliseconds) / 1_000).rounded(.up)),
                               bucket: key.hasPrefix("account:") ? "account" : "address", context: context)
        }
        return decision.count
    }

    /// 429 `rate_limited` with `Retry-After`.
    private static func refusal(seconds: Int, bucket: String, context: AppRequestContext) -> APIError {
        let seconds = max(1, seconds)
        context.logger.notice("authentication rate limit reached", metadata: ["bucket": .string(bucket), "retry_after": .stringConvertible(seconds)])
        return APIError(.tooManyRequests, code: "rate_limited", message: "Too many attempts. Try again in \(seconds) seconds.",
                        details: ["retryAfterSeconds": String(seconds)], headers: [.retryAfter: String(seconds)])
    }
}
