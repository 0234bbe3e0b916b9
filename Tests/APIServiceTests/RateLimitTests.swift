import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Authentication rate limits in one process (in-memory counters): 429 with `Retry-After` and
/// the standard error body, per address and per account, and `X-Forwarded-For` trusted only when
/// configured.
@Suite("Authentication rate limits")
struct RateLimitTests {
    static func app(address: Int, account: Int, hops: Int) throws -> TestApp {
        try TestApp(overrides: [
            "docuthinker.rate.limit.address": .init(.int(address), isSecret: false),
            "docuthinker.rate.limit.account": .init(.int(account), isSecret: false),
            "docuthinker.trusted.proxy.hops": .init(.int(hops), isSecret: false),
        ])
    }

    static func login(_ client: RouterE2EClient, _ email: String, _ password: String, from address: String? = nil) async throws -> E2EResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let address { headers[HTTPField.Name("X-Forwarded-For")!] = "10.9.9.9, \(address)" }
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        return try await client.send(.post, "/v1/auth/login", headers: headers, body: ByteBuffer(bytes: body))
    }

    @Test func anAddressPastItsLimitGets429WithRetryAfterAndOtherAddressesDoNot() async throws {
        try await Self.app(address: 3, account: 100, hops: 1).test { raw in
            let client = RouterE2EClient(client: raw)
            _ = try await client.signUp("ada@example.com")
            for _ in 0..<3 {
                #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "203.0.113.7").status == .unauthorized)
            }
            let refused = try await Self.login(client, "ada@example.com", "correct horse battery", from: "203.0.113.7")
            #expect(refused.status == .tooManyRequests, "even the right password waits: \(String(buffer: refused.body))")
            #expect(refused.errorCode == "rate_limited")
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter > 0 && retryAfter <= 300)

            // Another client address (the entry the trusted proxy wrote) is not affected.
            #expect(try await Self.login(client, "ada@example.com", "correct horse battery", from: "198.51.100.9").status == .ok)
            // Registration and refresh from the limited address are refused too.
            let register = try await client.send(.post, "/v1/auth/register",
                                                 headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "203.0.113.7"],
                                                 body: ByteBuffer(string: #"{"email":"new@example.com","password":"correct horse battery"}"#))
            #expect(register.status == .tooManyRequests)
        }
    }

    @Test func withoutTrustedProxiesTheForwardedHeaderIsIgnored() async throws {
        try await Self.app(address: 2, account: 100, hops: 0).test { (raw: any TestClientProtocol) async throws in
            let client = RouterE2EClient(client: raw)
            // Each attempt claims another address; the limit still holds (the peer is one client).
            for n in 0..<2 {
                #expect(try await Self.login(client, "nobody@example.com", "wrong password", from: "192.0.2.\(n)").status == .unauthorized)
            }
            #expect(try await Self.login(client, "nobody@example.com", "wrong password", from: "192.0.2.99").status == .tooManyRequests)
        }
    }

    @Test func anAccountIsLimitedAcrossAddressesAndASuccessClearsItsFailures() async throws {
        try await Self.app(address: 100, account: 3, hops: 1).test { raw in
            let client = RouterE2EClient(client: raw)
            _ = try await client.signUp("ada@example.com")
            _ = try await client.signUp("bob@example.com")
            #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "192.0.2.1").status == .unauthorized)
            #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "192.0.2.2").status == .unauthorized)
            #expect(try await Self.login(client, "ada@example.com", "correct horse battery", from: "192.0.2.3").status == .ok)
            // The success forgot both failures: three more are allowed, the fourth is refused.
            for n in 4...6 {
                #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "192.0.2.\(n)").status == .unauthorized)
            }
            let refused = try await Self.login(client, "ADA@example.com ", "correct horse battery", from: "192.0.2.7")
            #expect(refused.status == .tooManyRequests, "the account, however its email is written")
            #expect(try await Self.login(client, "bob@example.com", "correct horse battery", from: "192.0.2.7").status == .ok)
        }
    }

    /// From the fifth failure on, each one makes the account wait longer: 1 s, then 2 s, … (however
    /// many addresses guess), and a success ends the wait.
    /// (The test's unit is 3 s, so the suite running in parallel on two cores cannot slow a request past the wait.)
    @Test func failedLoginsBackOffExponentiallyPerAccount() async throws {
        var app = try Self.app(address: 100, account: 100, hops: 1)
        app.overrides["docuthinker.login.backoff.seconds"] = .init(.int(3), isSecret: false)
        try await app.test { raw in
            let client = RouterE2EClient(client: raw)
            _ = try await client.signUp("ada@example.com")
            for n in 1...5 {
                #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "192.0.2.\(n)").status == .unauthorized)
            }
            let waiting = try await Self.login(client, "ada@example.com", "correct horse battery", from: "192.0.2.6")
            #expect(waiting.status == .tooManyRequests && (2...3).contains(waiting.headers[.retryAfter].flatMap { Int($0) } ?? 0),
                    "\(waiting.headers)")
            try await Task.sleep(for: .milliseconds(3_100))
            #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "192.0.2.7").status == .unauthorized)
            let longer = try await Self.login(client, "ada@example.com", "correct horse battery", from: "192.0.2.8")
            #expect(longer.status == .tooManyRequests && (5...6).contains(longer.headers[.retryAfter].flatMap { Int($0) } ?? 0),
                    "doubled: \(longer.headers)")
            _ = try await client.signUp("bob@example.com")
            #expect(try await Self.login(client, "bob@example.com", "correct horse battery", from: "192.0.2.8").status == .ok, "other accounts")
            try await Task.sleep(for: .milliseconds(6_100))
            #expect(try await Self.login(client, "ada@example.com", "correct horse battery", from: "192.0.2.9").status == .ok)
            // The success forgot the failures: the next wrong password does not wait.
            #expect(try await Self.login(client, "ada@example.com", "wrong password", from: "192.0.2.10").status == .unauthorized)
            #expect(try await Self.login(client, "ada@example.com", "correct horse battery", from: "192.0.2.11").status == .ok)
        }
    }

    @Test func failedAPIKeyUsesCountAgainstTheAddress() async throws {
        try await Self.app(address: 3, account: 100, hops: 1).test { raw in
            let client = RouterE2EClient(client: raw)
            let (_, token) = try await client.signUp("ada@example.com")
            func documents(_ bearer: String, from address: String) async throws -> E2EResponse {
                try await client.send(.get, "/v1/documents", headers: [.authorization: "Bearer \(bearer)",
                                                                       HTTPField.Name("X-Forwarded-For")!: address], body: nil)
            }
            for n in 0..<3 {
                #expect(try await documents("dtk_guess\(n)", from: "203.0.113.9").status == .unauthorized)
            }
            #expect(try await documents("dtk_guess9", from: "203.0.113.9").status == .tooManyRequests)
            #expect(try await documents(token, from: "203.0.113.9").status == .ok, "access tokens are not slowed by key guessing")
            #expect(try await documents("dtk_guess9", from: "203.0.113.10").status == .unauthorized)
        }
    }
}
