@testable import APIService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Authentication")
struct AuthTests {
    /// Unknown accounts are checked against a decoy hash with the configured cost: well formed
    /// (so bcrypt does the full work), never matching.
    @Test func decoyHashHasTheConfiguredCostAndNeverMatches() async throws {
        for cost in [4, 12] {
            let hasher = PasswordHasher(cost: cost)
            let real = try await PasswordHasher(cost: 4).hash("decoy-password-for-timing")
            #expect(hasher.decoy.hasPrefix(cost == 4 ? "$2b$04$" : "$2b$12$"))
            #expect(hasher.decoy.count == real.count)
        }
        let hasher = PasswordHasher(cost: 4)
        #expect(try await hasher.verify("decoy-password-for-timing", hash: nil) == false)
        // The decoy is a real hash of that password, so bcrypt accepted and ran it.
        #expect(try await hasher.verify("decoy-password-for-timing", hash: hasher.decoy))
    }

    @Test func registerValidatesAndRejectsDuplicates() async throws {
        try await TestApp().test { client in
            for (body, field) in [(["email": "not-an-email", "password": "long enough pw"], "email"),
                                  (["email": "a@example.com", "password": "short"], "password"),
                                  (["email": "a@example.com", "password": String(repeating: "x", count: 73)], "password")] {
                try await client.execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers, body: JSON.body(body)) { response in
                    #expect(response.status == .unprocessableContent)
                    let error = try JSON.object(response)["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "validation_failed")
                    #expect((error?["details"] as? [String: String])?["field"] == field)
                }
            }
            try await client.execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers, body: JSON.body(["email": "x@example.com"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers, body: .init(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                #expect(JSON.errorCode(response) == "invalid_json")
            }
            _ = try await client.register("Ada@Example.com")
            try await client.execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers,
                                     body: JSON.body(["email": "ada@example.COM", "password": "another password"])) { response in
                #expect(response.status == .conflict)
                #expect(JSON.errorCode(response) == "email_taken")
            }
        }
    }

    @Test func loginAnswersTheContractShapeAndChecksThePassword() async throws {
        try await TestApp().test { client in
            _ = try await client.register("ada@example.com")
            try await client.execute(uri: "/v1/auth/login", method: .post, headers: JSON.headers,
                                     body: JSON.body(["email": "ada@example.com", "password": "correct horse battery"])) { response in
                #expect(response.status == .ok)
                let object = try JSON.object(response)
                #expect(object["accessToken"] is String && object["refreshToken"] is String)
                #expect(object["expiresIn"] as? Int == 900)
                let user = try #require(object["user"] as? [String: Any])
                #expect(user["email"] as? String == "ada@example.com" && user["id"] is String)
            }
            for (email, password) in [("ada@example.com", "wrong password!"), ("nobody@example.com", "correct horse battery")] {
                try await client.execute(uri: "/v1/auth/login", method: .post, headers: JSON.headers,
                                         body: JSON.body(["email": email, "password": password])) { response in
                    #expect(response.status == .unauthorized)
                    #expect(JSON.errorCode(response) == "invalid_credentials")
                    #expect(!String(buffer: response.body).contains("Token"))
                }
            }
        }
    }

    @Test func protectedRoutesRejectMissingForgedTamperedAndExpiredTokens() async throws {
        let app = try TestApp()
        let expired = try await TokenService(secret: TestApp.secret, accessLifetime: .seconds(60), refreshLifetime: .seconds(60))
            .issueAccessToken(userId: "someone", now: Date.now.addingTimeInterval(-3_600))
        let forged = try await TokenService(secret: String(repeating: "z", count: 40), accessLifetime: .seconds(60), refreshLifetime: .seconds(60))
            .issueAccessToken(userId: "someone")
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            try await client.execute(uri: "/v1/me", method: .get, headers: session.auth) { response in
                #expect(response.status == .ok)
                let json = try JSON.object(response)
                #expect(json["email"] as? String == "ada@example.com")
            }
            // A signature character changed in the middle (the last one may only carry padding bits).
            var characters = Array(session.accessToken)
            let position = characters.count - 5
            characters[position] = characters[position] == "A" ? "g" : "A"
            let tampered = String(characters)
            let forgedSameUser = try await TokenService(secret: String(repeating: "q", count: 40), accessLifetime: .seconds(60), refreshLifetime: .seconds(60))
                .issueAccessToken(userId: session.id)
            let cases: [(HTTPFields, String)] = [
                ([:], "missing_token"),
                ([.authorization: "Basic abc"], "invalid_token"),
                ([.authorization: "Bearer \(expired)"], "invalid_token"),
                ([.authorization: "Bearer \(forged)"], "invalid_token"),
                ([.authorization: "Bearer \(forgedSameUser)"], "invalid_token"),
                ([.authorization: "Bearer \(tampered)"], "invalid_token"),
                ([.authorization: "Bearer \(session.refreshToken)"], "invalid_token"),
            ]
            for (headers, code) in cases {
                for uri in ["/v1/me", "/v1/documents"] {
                    try await client.execute(uri: uri, method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized)
                        #expect(JSON.errorCode(response) == code)
                        #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    }
                }
            }
        }
    }

    @Test func refreshRotatesAndLogoutRevokes() async throws {
        try await TestApp().test { client in
            let session = try await client.register("ada@example.com")
            let refreshed: String = try await client.execute(
                uri: "/v1/auth/refresh", method: .post, headers: JSON.headers, body: JSON.body(["refreshToken": session.refreshToken])
            ) { response in
                #expect(response.status == .ok)
                let object = try JSON.object(response)
                #expect(object["accessToken"] is String)
                return try #require(object["refreshToken"] as? String)
            }
            #expect(refreshed != session.refreshToken)
            // The used token is revoked by rotation.
            try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers,
                                     body: JSON.body(["refreshToken": session.refreshToken])) { response in
                #expect(response.status == .unauthorized)
                #expect(JSON.errorCode(response) == "invalid_refresh_token")
            }
            // That replay ended the sign-in: the newer token is revoked with it (SessionLifecycleTests).
            try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers,
                                     body: JSON.body(["refreshToken": refreshed])) { response in
                #expect(response.status == .unauthorized)
            }
            let again = try await client.login("ada@example.com")
            try await client.execute(uri: "/v1/auth/logout", method: .post, headers: again.auth.merging(JSON.headers),
                                     body: JSON.body(["refreshToken": again.refreshToken])) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers,
                                     body: JSON.body(["refreshToken": again.refreshToken])) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers,
                                     body: JSON.body(["refreshToken": "made-up"])) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func passwordsAreStoredAsBcrypt() async throws {
        let app = try TestApp()
        try await app.test { client in _ = try await client.register("ada@example.com", password: "plain text secret") }
        let database = try Data(contentsOf: URL(fileURLWithPath: app.dataDirectory + "/docuthinker.sqlite"))
        + ((try? Data(contentsOf: URL(fileURLWithPath: app.dataDirectory + "/docuthinker.sqlite-wal"))) ?? Data())
        #expect(database.range(of: Data("plain text secret".utf8)) == nil)
        #expect(database.range(of: Data("$2b$04$".utf8)) != nil)
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
