@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import StorageSQLite
import Testing
import WebAuthn

/// Registration that reveals nothing about which emails have accounts
/// (`DOCUTHINKER_REGISTRATION=confirm-email`, the default off loopback).
@Suite("Registration")
struct RegistrationTests {
    /// Every registration counts against the caller's address (10 per 5 minutes by default); these tests make more.
    static let confirming: [AbsoluteConfigKey: ConfigValue] = ["docuthinker.registration": .init(.string("confirm-email"), isSecret: false),
                                                               "docuthinker.rate.limit.address": .init(.int(100), isSecret: false)]

    /// Status and body of one call.
    static func call(_ client: some TestClientProtocol, _ uri: String, _ body: [String: Any]) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .post, headers: JSON.headers, body: JSON.body(body)) { ($0.status, String(buffer: $0.body)) }
    }

    /// The newest mail to `recipient` in the outbox.
    static func mail(to recipient: String, in app: TestApp) async throws -> MailRecord? {
        try await SQLiteStore(path: app.dataDirectory + "/docuthinker.sqlite").mails(recipient: recipient, limit: 1).first
    }

    static func parsed(_ body: String) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? NSDictionary
    }

    static func signupToken(in mail: MailRecord?) throws -> String {
        let body = try #require(mail?.body)
        let link = try #require(body.split(separator: "\n").first { $0.contains("/?signup=") })
        return String(try #require(link.split(separator: "=").last))
    }

    @Test func theModeFollowsTheAddressUnlessConfigured() {
        #expect(RegistrationMode.resolve(nil, host: "127.0.0.1") == .open)
        #expect(RegistrationMode.resolve(nil, host: "localhost") == .open)
        #expect(RegistrationMode.resolve(nil, host: "::1") == .open)
        #expect(RegistrationMode.resolve(nil, host: "0.0.0.0") == .confirmEmail)
        #expect(RegistrationMode.resolve(nil, host: "10.0.3.7") == .confirmEmail)
        #expect(RegistrationMode.resolve("open", host: "0.0.0.0") == .open)
        #expect(RegistrationMode.resolve("Confirm-Email", host: "127.0.0.1") == .confirmEmail)
        #expect(RegistrationMode.resolve("bogus", host: "0.0.0.0") == .confirmEmail, "an unknown value falls back to the safe default")
    }

    @Test func aTakenEmailAndAFreeOneGetTheSameAnswerOnEveryEdge() async throws {
        let app = try TestApp(overrides: Self.confirming)
        try await app.test { client in
            // An account made through a confirmed link, so the email is taken.
            let status1 = try await Self.call(client, "/v1/auth/register", ["email": "ada@example.com", "password": "correct horse battery"]).0
            #expect(status1 == .accepted)
            let token = try Self.signupToken(in: try await Self.mail(to: "ada@example.com", in: app))
            let status2 = try await Self.call(client, "/v1/auth/register/confirm", ["token": token]).0
            #expect(status2 == .created)

            for (uri, taken, free) in [("/v1/auth/register", "ada@example.com", "bob@example.com"),
                                       ("/register", "ADA@example.com ", "carol@example.com")] {
                let takenAnswer = try await Self.call(client, uri, ["email": taken, "password": "another long password"])
                let freeAnswer = try await Self.call(client, uri, ["email": free, "password": "another long password"])
                #expect(takenAnswer.0 == .accepted && freeAnswer.0 == .accepted, "\(uri): \(takenAnswer) / \(freeAnswer)")
                #expect(Self.parsed(takenAnswer.1) == Self.parsed(freeAnswer.1), "\(uri): the bodies are identical")
                #expect(takenAnswer.1.contains("confirmation_sent"))
            }
            let query = #"mutation($e: String!) { register(email: $e, password: "another long password") { userId } }"#
            let takenGraph = try await GraphQLTests.run(client, query, variables: ["e": "ada@example.com"])
            let freeGraph = try await GraphQLTests.run(client, query, variables: ["e": "dan@example.com"])
            #expect(takenGraph.status == freeGraph.status && takenGraph.errors.isEmpty && freeGraph.errors.isEmpty)
            #expect(takenGraph.data["register"] is NSNull && freeGraph.data["register"] is NSNull)

            // Nobody is signed in by registering, and the taken account keeps its password.
            let status3 = try await Self.call(client, "/v1/auth/login", ["email": "bob@example.com", "password": "another long password"]).0
            #expect(status3 == .unauthorized)
            _ = try await client.login("ada@example.com")   // with the password it was made with
            // The owner of the taken email is told, without a link that could make anything.
            let note = try #require(try await Self.mail(to: "ada@example.com", in: app))
            #expect(note.subject.contains("already have") && !note.body.contains("signup="))
            // Validation still answers plainly: it says nothing about existence.
            let status5 = try await Self.call(client, "/v1/auth/register", ["email": "ada@example.com", "password": "short"]).0
            #expect(status5 == .unprocessableContent)
        }
    }

    @Test func theMailedLinkMakesTheAccountOnce() async throws {
        let app = try TestApp(overrides: Self.confirming)
        try await app.test { client in
            let (status, body) = try await Self.call(client, "/v1/auth/register", ["email": "Erin@Example.com", "password": "correct horse battery"])
            #expect(status == .accepted && body.contains("confirmation_sent"))
            let token = try Self.signupToken(in: try await Self.mail(to: "erin@example.com", in: app))
            // A token changed by one character, or cut short, opens nothing.
            var tampered = Array(token)
            tampered[tampered.count / 2] = tampered[tampered.count / 2] == "A" ? "B" : "A"
            for bad in [String(tampered), String(token.dropLast(4)), "", String(repeating: "x", count: 5000)] {
                try await client.execute(uri: "/v1/auth/register/confirm", method: .post, headers: JSON.headers, body: JSON.body(["token": bad])) { response in
                    #expect(response.status == .badRequest)
                    #expect(JSON.errorCode(response) == "invalid_signup_token")
                }
            }
            let confirmed = try await client.execute(uri: "/v1/auth/register/confirm", method: .post, headers: JSON.headers,
                                                     body: JSON.body(["token": token])) { response in
                #expect(response.status == .created)
                return try JSON.object(response)
            }
            #expect(confirmed["accessToken"] is String && confirmed["refreshToken"] is String)
            #expect((confirmed["user"] as? [String: Any])?["email"] as? String == "erin@example.com")
            let session = try await client.login("erin@example.com")
            try await client.execute(uri: "/v1/me", method: .get, headers: session.auth) { #expect($0.status == .ok) }
            // The link works once: the account exists now, and whoever holds the link may be told.
            try await client.execute(uri: "/v1/auth/register/confirm", method: .post, headers: JSON.headers, body: JSON.body(["token": token])) { response in
                #expect(response.status == .conflict)
                #expect(JSON.errorCode(response) == "email_taken")
            }
        }
    }

    @Test func linksExpireAndSurviveAKeyRotation() throws {
        let old = SignupSeal(secret: TestApp.secret)
        let token = try old.seal(email: "f@example.com", passwordHash: "$2b$04$hash", lifetime: .seconds(60), now: Date(timeIntervalSince1970: 1_000))
        #expect(old.open(token, now: Date(timeIntervalSince1970: 1_030))?.email == "f@example.com")
        #expect(old.open(token, now: Date(timeIntervalSince1970: 1_061)) == nil, "expired")
        let rotated = SignupSeal(secret: "a-new-secret-that-is-long-enough-0123456789", previousSecrets: [TestApp.secret])
        #expect(rotated.open(token, now: Date(timeIntervalSince1970: 1_030))?.passwordHash == "$2b$04$hash")
        #expect(SignupSeal(secret: "a-new-secret-that-is-long-enough-0123456789").open(token, now: Date(timeIntervalSince1970: 1_030)) == nil)
        // Sealed, not just signed: neither the email nor the hash can be read from the link.
        let raw = Base64URL.decode(token) ?? []
        #expect(!raw.isEmpty && String(decoding: raw, as: UTF8.self).range(of: "example.com") == nil)
    }

    @Test func openRegistrationStillSignsInAtOnce() async throws {
        try await TestApp(overrides: ["docuthinker.registration": .init(.string("open"), isSecret: false)]).test { client in
            let status6 = try await Self.call(client, "/v1/auth/register", ["email": "g@example.com", "password": "correct horse battery"]).0
            #expect(status6 == .created)
            let status7 = try await Self.call(client, "/v1/auth/register/confirm", ["token": "anything"]).0
            #expect(status7 == .badRequest)
        }
    }
}
