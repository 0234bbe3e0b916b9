@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Profile, password change and password reset")
struct AccountTests {
    @Test func profileKeepsThemeAndNormalisedSocialLinksPerUser() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            _ = try await client.uploadFixture("sample.txt", session: ada)
            try await client.execute(uri: "/v1/me", method: .get, headers: ada.auth) { response in
                let profile = try JSON.object(response)
                #expect(profile["email"] as? String == "ada@example.com")
                #expect(profile["theme"] as? String == "system")
                #expect(profile["documentCount"] as? Int == 1)
                #expect((profile["socialLinks"] as? [String: String]) == [:])
                #expect(profile["createdAt"] is String)
            }
            var headers = ada.auth
            headers[.contentType] = "application/json"
            let update: [String: Any] = ["theme": "dark", "socialLinks": [
                "github": "https://github.com/ada-lovelace/", "linkedin": "www.linkedin.com/in/ada-l", "twitter": "@ada",
                "instagram": "https://twitter.com/ignored-host-is-a-handle-error"]]
            try await client.execute(uri: "/v1/me", method: .patch, headers: headers, body: JSON.body(update)) { response in
                #expect(response.status == .unprocessableContent)
                let error = try JSON.object(response)["error"] as? [String: Any]
                #expect((error?["details"] as? [String: String])?["field"] == "socialLinks.instagram")
            }
            var valid = update
            valid["socialLinks"] = ["github": "https://github.com/ada-lovelace/", "linkedin": "www.linkedin.com/in/ada-l", "twitter": "https://twitter.com/ada?s=1"]
            try await client.execute(uri: "/v1/me", method: .patch, headers: headers, body: JSON.body(valid)) { response in
                #expect(response.status == .ok)
                let profile = try JSON.object(response)
                #expect(profile["theme"] as? String == "dark")
                #expect((profile["socialLinks"] as? [String: String]) == ["github": "ada-lovelace", "linkedin": "ada-l", "twitter": "ada"])
            }
            // Partial updates keep what is not sent; an empty value removes a link.
            try await client.execute(uri: "/v1/me", method: .patch, headers: headers,
                                     body: JSON.body(["socialLinks": ["linkedin": ""]])) { response in
                let profile = try JSON.object(response)
                #expect(profile["theme"] as? String == "dark")
                #expect((profile["socialLinks"] as? [String: String]) == ["github": "ada-lovelace", "twitter": "ada"])
            }
            for body: [String: Any] in [["theme": "purple"], ["socialLinks": ["myspace": "ada"]], ["socialLinks": ["github": "ada lovelace"]]] {
                try await client.execute(uri: "/v1/me", method: .patch, headers: headers, body: JSON.body(body)) { response in
                    #expect(response.status == .unprocessableContent, "\(body)")
                }
            }
            // Bob's profile is his own.
            try await client.execute(uri: "/v1/me", method: .get, headers: bob.auth) { response in
                let profile = try JSON.object(response)
                #expect(profile["theme"] as? String == "system" && profile["documentCount"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/me", method: .patch, headers: JSON.headers, body: JSON.body(["theme": "dark"])) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions() async throws {
        try await TestApp().test { client in
            let first = try await client.register("carol@example.com")
            let second = try await client.login("carol@example.com")
            var headers = first.auth
            headers[.contentType] = "application/json"
            try await client.execute(uri: "/v1/me/password", method: .post, headers: headers,
                                     body: JSON.body(["currentPassword": "wrong guess", "newPassword": "a new long secret"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/me/password", method: .post, headers: headers,
                                     body: JSON.body(["currentPassword": "correct horse battery", "newPassword": "short"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/me/password", method: .post, headers: headers,
                                     body: JSON.body(["currentPassword": "correct horse battery", "newPassword": "a new long secret"])) { response in
                #expect(response.status == .ok)
                let tokens = try JSON.object(response)
                #expect(tokens["refreshToken"] is String)
            }
            for session in [first, second] {
                try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers,
                                         body: JSON.body(["refreshToken": session.refreshToken])) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/v1/auth/login", method: .post, headers: JSON.headers,
                                     body: JSON.body(["email": "carol@example.com", "password": "correct horse battery"])) { response in
                #expect(response.status == .unauthorized)
            }
            _ = try await client.login("carol@example.com", password: "a new long secret")
        }
    }

    @Test func resetLinksWorkOnceAndRequestsRevealNothing() async throws {
        let app = try TestApp()
        try await app.test { client in
            let session = try await client.register("dan@example.com")
            // The same answer for an account that exists and one that does not.
            var answers: [[String: String]] = []
            for email in ["dan@example.com", "nobody@example.com"] {
                try await client.execute(uri: "/v1/auth/password-reset", method: .post, headers: JSON.headers,
                                         body: JSON.body(["email": email])) { response in
                    #expect(response.status == .accepted)
                    answers.append(try JSONDecoder().decode([String: String].self, from: Data(response.body.readableBytesView)))
                }
            }
            #expect(answers[0] == answers[1])

            let link = try await makePasswordResetLink(email: "DAN@example.com", baseURL: "http://localhost:8080/", configuration: app.configuration)
            let token = try #require(link.split(separator: "token=").last.map(String.init))
            #expect(link.hasPrefix("http://localhost:8080/reset-password?token="))
            await #expect(throws: StartupError.self) {
                _ = try await makePasswordResetLink(email: "nobody@example.com", baseURL: "http://x", configuration: app.configuration)
            }
            try await client.execute(uri: "/v1/auth/password-reset/confirm", method: .post, headers: JSON.headers,
                                     body: JSON.body(["token": token, "password": "short"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/auth/password-reset/confirm", method: .post, headers: JSON.headers,
                                     body: JSON.body(["token": token + "x", "password": "a fresh password"])) { response in
                #expect(response.status == .badRequest)
                #expect(JSON.errorCode(response) == "invalid_reset_token")
            }
            try await client.execute(uri: "/v1/auth/password-reset/confirm", method: .post, headers: JSON.headers,
                                     body: JSON.body(["token": token, "password": "a fresh password"])) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/v1/auth/password-reset/confirm", method: .post, headers: JSON.headers,
                                     body: JSON.body(["token": token, "password": "yet another one"])) { response in
                #expect(JSON.errorCode(response) == "invalid_reset_token")
            }
            try await client.execute(uri: "/v1/auth/refresh", method: .post, headers: JSON.headers,
                                     body: JSON.body(["refreshToken": session.refreshToken])) { response in
                #expect(response.status == .unauthorized)
            }
            _ = try await client.login("dan@example.com", password: "a fresh password")
        }
    }

    @Test func expiredResetLinksAreRefused() async throws {
        let app = try TestApp()
        try await app.test { client in
            _ = try await client.register("erin@example.com")
            let link = try await makePasswordResetLink(email: "erin@example.com", baseURL: "http://x", configuration: app.configuration,
                                                       lifetime: .seconds(-1))
            let token = try #require(link.split(separator: "token=").last.map(String.init))
            try await client.execute(uri: "/v1/auth/password-reset/confirm", method: .post, headers: JSON.headers,
                                     body: JSON.body(["token": token, "password": "a fresh password"])) { response in
                #expect(JSON.errorCode(response) == "invalid_reset_token")
            }
        }
    }

    @Test func capabilitiesSayWhatTheServerCanDo() async throws {
        try await TestApp(overrides: ["docuthinker.max.upload.bytes": .init(.int(1234), isSecret: false)]).test { client in
            let session = try await client.register("fay@example.com")
            try await client.execute(uri: "/v1/capabilities", method: .get, headers: session.auth) { response in
                #expect(response.status == .ok)
                let capabilities = try JSON.object(response)
                #expect(capabilities["llm"] as? Bool == false)
                #expect(capabilities["llmProviders"] as? [String] == [])
                #expect(capabilities["maxUploadBytes"] as? Int == 1234)
                #expect(capabilities["analysisEngine"] as? String == "offline")
            }
            try await client.execute(uri: "/v1/capabilities", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
        try await TestApp(overrides: ["openai.base.url": .init(.string("http://127.0.0.1:9/v1"), isSecret: false)]).test { client in
            let session = try await client.register("gus@example.com")
            try await client.execute(uri: "/v1/capabilities", method: .get, headers: session.auth) { response in
                let capabilities = try JSON.object(response)
                #expect(capabilities["llm"] as? Bool == true)
                #expect(capabilities["llmProviders"] as? [String] == ["openai"])
            }
        }
    }
}
