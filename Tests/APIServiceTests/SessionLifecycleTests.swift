@testable import APIService
import Configuration
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every way into an account ends when it should: a password reset or change ends access tokens,
/// refresh tokens and API keys (REST and MCP); signing out ends the access token too; a replayed
/// refresh token ends its whole sign-in; only HS256 tokens signed with our key are accepted.
@Suite("Sessions end when they should")
struct SessionLifecycleTests {
    static func status(_ client: any TestClientProtocol, _ uri: String = "/v1/me", bearer: String) async throws -> (HTTPResponse.Status, String?) {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(bearer)"]) { ($0.status, JSON.errorCode($0)) }
    }

    static func refresh(_ client: any TestClientProtocol, _ token: String) async throws -> (status: HTTPResponse.Status, pair: [String: Any]) {
        try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers, body: JSON.body(["refreshToken": token])) {
            ($0.status, (try? JSON.object($0)) ?? [:])
        }
    }

    /// An MCP `initialize` with a bearer credential: 200 when it is accepted.
    static func mcp(_ client: any TestClientProtocol, key: String) async throws -> HTTPResponse.Status {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        return try await client.execute(uri: "/mcp", method: .post, headers: [
            .authorization: "Bearer \(key)", .contentType: "application/json", .accept: "application/json, text/event-stream",
        ], body: ByteBuffer(string: body)) { $0.status }
    }

    @Test func aPasswordResetEndsEveryWayIn() async throws {
        let app = try TestApp()
        try await app.test { client in
            let ada = try await client.register("ada@example.com")
            let other = try await client.login("ada@example.com")
            let key = try await client.execute(uri: "/v1/me/api-keys", method: .post, headers: ada.auth.merging(JSON.headers),
                                               body: JSON.body(["name": "ci"])) { try #require(try JSON.object($0)["key"] as? String) }
            #expect(try await Self.status(client, bearer: key).0 == .ok)
            #expect(try await Self.mcp(client, key: key) == .ok)
            #expect(try await Self.status(client, bearer: ada.accessToken).0 == .ok)

            let link = try await makePasswordResetLink(email: "ada@example.com", baseURL: "http://localhost/", configuration: app.configuration)
            let token = try #require(link.split(separator: "token=").last.map(String.init))
            try await client.execute(uri: "/v1/auth/password-reset/confirm", method: .post, headers: JSON.headers,
                                     body: JSON.body(["token": token, "password": "a new long passphrase"])) { response in
                #expect(response.status == .noContent)
            }
            for bearer in [ada.accessToken, other.accessToken] {
                let (status, code) = try await Self.status(client, bearer: bearer)
                #expect(status == .unauthorized && code == "session_ended", "an access token issued before the reset")
            }
            #expect(try await Self.status(client, bearer: key).0 == .unauthorized, "an API key made before the reset (REST)")
            #expect(try await Self.mcp(client, key: key) == .unauthorized, "… and MCP")
            #expect(try await Self.refresh(client, ada.refreshToken).status == .unauthorized)
            let again = try await client.login("ada@example.com", password: "a new long passphrase")
            #expect(try await Self.status(client, bearer: again.accessToken).0 == .ok, "a new sign-in works")
        }
    }

    @Test func aPasswordChangeKeepsOnlyTheAnsweredPair() async throws {
        try await TestApp().test { client in
            let first = try await client.register("bob@example.com")
            let second = try await client.login("bob@example.com")
            let pair = try await client.execute(uri: "/v1/me/password", method: .post, headers: first.auth.merging(JSON.headers),
                                                body: JSON.body(["currentPassword": "correct horse battery", "newPassword": "battery staple horse"])) { response in
                #expect(response.status == .ok)
                return try JSON.object(response)
            }
            let access = try #require(pair["accessToken"] as? String), refreshToken = try #require(pair["refreshToken"] as? String)
            #expect(try await Self.status(client, bearer: first.accessToken) == (.unauthorized, "session_ended"))
            #expect(try await Self.status(client, bearer: second.accessToken) == (.unauthorized, "session_ended"))
            #expect(try await Self.refresh(client, second.refreshToken).status == .unauthorized)
            #expect(try await Self.status(client, bearer: access).0 == .ok, "the pair answered by the change")
            #expect(try await Self.refresh(client, refreshToken).status == .ok)
        }
    }

    @Test func signingOutEndsTheAccessTokenAndOnlyThatSignIn() async throws {
        try await TestApp().test { client in
            let phone = try await client.register("cy@example.com")
            let laptop = try await client.login("cy@example.com")
            // The phone refreshes once: its newer access token belongs to the same sign-in.
            let next = try await Self.refresh(client, phone.refreshToken)
            let nextAccess = try #require(next.pair["accessToken"] as? String), nextRefresh = try #require(next.pair["refreshToken"] as? String)
            try await client.execute(uri: "/v1/auth/logout", method: .post, headers: [.authorization: "Bearer \(nextAccess)", .contentType: "application/json"],
                                     body: JSON.body(["refreshToken": nextRefresh])) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await Self.status(client, bearer: nextAccess) == (.unauthorized, "session_ended"), "the token that signed out")
            #expect(try await Self.status(client, bearer: phone.accessToken) == (.unauthorized, "session_ended"), "an earlier token of that sign-in")
            #expect(try await Self.refresh(client, nextRefresh).status == .unauthorized)
            #expect(try await Self.status(client, bearer: laptop.accessToken).0 == .ok, "another sign-in goes on")
            #expect(try await Self.refresh(client, laptop.refreshToken).status == .ok)
        }
    }

    @Test func aReplayedRefreshTokenEndsItsSignIn() async throws {
        try await TestApp().test { client in
            let stolen = try await client.register("dee@example.com")
            let elsewhere = try await client.login("dee@example.com")
            // The thief refreshes first; the owner's client then presents the same (now rotated) token.
            let thief = try await Self.refresh(client, stolen.refreshToken)
            #expect(thief.status == .ok)
            let replay = try await Self.refresh(client, stolen.refreshToken)
            #expect(replay.status == .unauthorized)
            // The whole sign-in is over: the thief's newer refresh and access tokens die with it.
            #expect(try await Self.refresh(client, try #require(thief.pair["refreshToken"] as? String)).status == .unauthorized)
            #expect(try await Self.status(client, bearer: try #require(thief.pair["accessToken"] as? String)) == (.unauthorized, "session_ended"))
            #expect(try await Self.status(client, bearer: elsewhere.accessToken).0 == .ok, "another sign-in is untouched")
        }
    }

    @Test func onlyHS256SignedWithOurKey() async throws {
        try await TestApp().test { client in
            let eve = try await client.register("eve@example.com")
            let claims = try #require(eve.accessToken.split(separator: ".").dropFirst().first.map(String.init))
            func base64url(_ data: some ContiguousBytes) -> String {
                data.withUnsafeBytes { Data($0) }.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
            }
            func header(_ alg: String) -> String { base64url(Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8)) }
            let secret = SymmetricKey(data: Data(TestApp.secret.utf8))
            let signingInput = { (alg: String) in "\(header(alg)).\(claims)" }
            let forged = [
                "alg none": "\(signingInput("none")).",
                "HS512 with our key": "\(signingInput("HS512")).\(base64url(HMAC<SHA512>.authenticationCode(for: Data(signingInput("HS512").utf8), using: secret)))",
                "HS256 with another key": "\(signingInput("HS256")).\(base64url(HMAC<SHA256>.authenticationCode(for: Data(signingInput("HS256").utf8), using: SymmetricKey(data: Data("not-our-secret-0123456789abcdefghij".utf8)))))",
            ]
            for (name, token) in forged {
                #expect(try await Self.status(client, bearer: token) == (.unauthorized, "invalid_token"), "\(name)")
            }
            // The same claims signed as we sign them are accepted: the refusals above are the algorithm's.
            let genuine = "\(signingInput("HS256")).\(base64url(HMAC<SHA256>.authenticationCode(for: Data(signingInput("HS256").utf8), using: secret)))"
            #expect(try await Self.status(client, bearer: genuine).0 == .ok)
        }
    }
}

/// A new signing secret signs nobody out while the old one is listed as previous.
@Suite("JWT key rotation")
struct KeyRotationTests {
    static let first = "first-signing-secret-0123456789abcdefgh"
    static let second = "second-signing-secret-0123456789abcdefg"

    static func app(_ directory: String, secret: String, previous: String? = nil) throws -> TestApp {
        var overrides: [AbsoluteConfigKey: ConfigValue] = ["jwt.secret": .init(.string(secret), isSecret: true)]
        if let previous { overrides["jwt.previous.secrets"] = .init(.string(previous), isSecret: true) }
        return try TestApp(dataDirectory: directory, overrides: overrides)
    }

    /// The `kid` in a token's header.
    static func keyId(_ token: String) throws -> String? {
        var header = String(token.split(separator: ".")[0]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while header.count % 4 != 0 { header += "=" }
        let object = try JSONSerialization.jsonObject(with: try #require(Data(base64Encoded: header))) as? [String: Any]
        return object?["kid"] as? String
    }

    @Test func rotatingTheSecretKeepsEveryoneSignedInUntilTheOldKeyIsDropped() async throws {
        let directory = NSTemporaryDirectory() + "dt-rotation-" + UUID().uuidString
        let before = try await Self.app(directory, secret: Self.first).test { client in try await client.register("kim@example.com") }
        let firstKey = try #require(try Self.keyId(before.accessToken))
        #expect(firstKey.hasPrefix("k") && !Self.first.contains(firstKey.dropFirst()), "a key id, not the secret")

        // Rotated: the new secret signs, the old one still verifies.
        let after = try await Self.app(directory, secret: Self.second, previous: Self.first).test { client in
            #expect(try await SessionLifecycleTests.status(client, bearer: before.accessToken).0 == .ok, "signed with the previous key")
            let fresh = try await client.login("kim@example.com")
            #expect(try Self.keyId(fresh.accessToken) != firstKey, "new tokens carry the new key's id")
            // Refresh tokens are not signed: a sign-in made before the rotation goes on.
            #expect(try await SessionLifecycleTests.refresh(client, before.refreshToken).status == .ok)
            return fresh
        }
        // The old key dropped: its tokens are refused, the new ones work.
        try await Self.app(directory, secret: Self.second).test { client in
            let old = try await SessionLifecycleTests.status(client, bearer: before.accessToken)
            let new = try await SessionLifecycleTests.status(client, bearer: after.accessToken)
            #expect(old == (.unauthorized, "invalid_token"))
            #expect(new.0 == .ok)
        }
        // A short previous secret stops the start with a clear message.
        await #expect(throws: (any Error).self) {
            try await Self.app(directory, secret: Self.second, previous: "short").test { _ in }
        }
    }
}
