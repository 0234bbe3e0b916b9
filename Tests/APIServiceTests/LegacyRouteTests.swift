import APIService
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import StoreEngines
import Testing

/// DocuThinker's original account and document routes: the original's paths and field names,
/// every data route signed in and scoped to the caller, the reset by mailed token.
@Suite("Legacy DocuThinker routes")
struct LegacyRouteTests {
    /// `POST` (or another method) with a JSON body and an optional session; returns status and object.
    static func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: [String: Any]? = nil,
                     session: Session? = nil) async throws -> (status: HTTPResponse.Status, json: Any?) {
        var headers = session?.auth ?? [:]
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map(JSON.body)) { response in
            (response.status, try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)))
        }
    }

    @Test func registerAndLoginKeepTheOriginalFieldsAndCheckThePassword() async throws {
        try await TestApp().test { client in
            let registered = try await Self.call(client, .post, "/register", ["email": "Ada@Example.com", "password": "correct horse battery"])
            #expect(registered.status == .created)
            let userId = try #require((registered.json as? [String: Any])?["userId"] as? String)
            #expect((registered.json as? [String: Any])?["message"] as? String == "User registered successfully")
            #expect(try await Self.call(client, .post, "/register", ["email": "ada@example.com", "password": "another password"]).status == .conflict)
            #expect(try await Self.call(client, .post, "/register", ["email": "bob@example.com", "password": "short"]).status == .unprocessableContent)

            // The original answered any password; this one does not.
            #expect(try await Self.call(client, .post, "/login", ["email": "ada@example.com", "password": "wrong password"]).status == .unauthorized)
            let login = try await Self.call(client, .post, "/login", ["email": "ada@example.com", "password": "correct horse battery"])
            let body = try #require(login.json as? [String: Any])
            #expect(login.status == .ok)
            #expect(body["userId"] as? String == userId)
            #expect(body["message"] as? String == "Custom token generated")
            let token = try #require(body["customToken"] as? String)
            #expect(body["accessToken"] as? String == token)
            #expect(body["refreshToken"] is String)
            // The custom token is a bearer token for every other route.
            let session = Session(id: userId, email: "ada@example.com", accessToken: token, refreshToken: "")
            #expect((try await Self.call(client, .get, "/users/\(userId)", session: session).json as? [String: Any])?["email"] as? String == "ada@example.com")
        }
    }

    @Test func profileRoutesAreTheCallersOnly() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            for path in ["/users/", "/user-joined-date/", "/days-since-joined/", "/social-media/", "/documents/", "/document-count/"] {
                #expect(try await Self.call(client, .get, path + ada.id).status == .unauthorized, "\(path) without a token")
                #expect(try await Self.call(client, .get, path + ada.id, session: bob).status == .notFound, "\(path) of someone else")
                #expect(try await Self.call(client, .get, path + ada.id, session: ada).status == .ok, "\(path) of oneself")
            }
            let joined = try #require(try await Self.call(client, .get, "/user-joined-date/\(ada.id)", session: ada).json as? [String: Any])
            #expect((joined["joinedDate"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
            #expect((try await Self.call(client, .get, "/days-since-joined/\(ada.id)", session: ada).json as? [String: Any])?["days"] as? Int == 0)

            // Theme and social links, with the original's shapes; a body userId must be the caller's.
            #expect(try await Self.call(client, .put, "/update-theme", ["userId": bob.id, "theme": "dark"], session: ada).status == .notFound)
            #expect(try await Self.call(client, .put, "/update-theme", ["theme": "purple"], session: ada).status == .unprocessableContent)
            let theme = try await Self.call(client, .put, "/update-theme", ["userId": ada.id, "theme": "dark"], session: ada)
            #expect((theme.json as? [String: Any])?["theme"] as? String == "dark")
            let empty = try #require((try await Self.call(client, .get, "/social-media/\(ada.id)", session: ada).json as? [String: Any])?["socialMedia"] as? [String: String])
            #expect(empty == ["github": "", "linkedin": "", "facebook": "", "instagram": "", "twitter": ""])
            #expect(try await Self.call(client, .post, "/update-social-media", ["github": "not a handle!"], session: ada).status == .unprocessableContent)
            #expect(try await Self.call(client, .post, "/update-social-media", ["github": "https://github.com/ada", "twitter": "@ada"], session: ada).status == .ok)
            #expect(try await Self.call(client, .post, "/update-social-media", ["linkedin": "ada-l"], session: ada).status == .ok)
            let links = try #require((try await Self.call(client, .get, "/social-media/\(ada.id)", session: ada).json as? [String: Any])?["socialMedia"] as? [String: String])
            #expect(links == ["github": "ada", "linkedin": "ada-l", "facebook": "", "instagram": "", "twitter": "ada"], "merged field by field")
            let profile = try #require(try await Self.call(client, .get, "/v1/me", session: ada).json as? [String: Any])
            #expect(profile["theme"] as? String == "dark", "the same account as /v1/me")

            #expect(try await Self.call(client, .post, "/verify-email", ["email": "ADA@example.com"], session: ada).json.flatMap { ($0 as? [String: Any])?["uid"] as? String } == ada.id)
            #expect(try await Self.call(client, .post, "/verify-email", ["email": "bob@example.com"], session: ada).status == .notFound,
                    "no lookups of other people's addresses")
        }
    }

    @Test func changingTheEmailOrPasswordNeedsThePassword() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            _ = try await client.register("bob@example.com")
            #expect(try await Self.call(client, .post, "/update-email", ["newEmail": "ada@new.example", "password": "wrong password"], session: ada).status == .badRequest)
            #expect(try await Self.call(client, .post, "/update-email", ["newEmail": "bob@example.com", "password": "correct horse battery"], session: ada).status == .conflict)
            let changed = try await Self.call(client, .post, "/update-email", ["newEmail": "Ada@New.example", "password": "correct horse battery"], session: ada)
            #expect((changed.json as? [String: Any])?["email"] as? String == "ada@new.example")
            _ = try await client.login("ada@new.example")

            #expect(try await Self.call(client, .post, "/update-password", ["currentPassword": "wrong password", "newPassword": "a new long secret"], session: ada).status == .badRequest)
            #expect(try await Self.call(client, .post, "/update-password", ["newPassword": "a new long secret"], session: ada).status == .unprocessableContent,
                    "the current password is required")
            #expect(try await Self.call(client, .post, "/update-password", ["currentPassword": "correct horse battery", "newPassword": "a new long secret"], session: ada).status == .ok)
            #expect(try await Self.call(client, .post, "/login", ["email": "ada@new.example", "password": "correct horse battery"]).status == .unauthorized)
            _ = try await client.login("ada@new.example", password: "a new long secret")
        }
    }

    @Test func forgotPasswordMailsAOneTimeLink() async throws {
        let app = try TestApp(overrides: ["docuthinker.public.url": .init(.string("https://docs.example.org/"), isSecret: false)])
        try await app.test { client in
            _ = try await client.register("ada@example.com")
            // The original set the password from the email alone: now that only mails a link.
            let asked = try await Self.call(client, .post, "/forgot-password", ["email": "ada@example.com", "newPassword": "taken over!"])
            let unknown = try await Self.call(client, .post, "/forgot-password", ["email": "nobody@example.com"])
            #expect(asked.status == .accepted)
            #expect(unknown.status == .accepted)
            #expect((asked.json as? [String: String]) == (unknown.json as? [String: String]), "the same answer whether or not the account exists")
            #expect(try await Self.call(client, .post, "/login", ["email": "ada@example.com", "password": "taken over!"]).status == .unauthorized)

            let store = try await migratedStores(app.configuration).database
            let mail = try #require(try await store.mails(recipient: "ADA@example.com", limit: 5).first)
            #expect(try await store.mails(recipient: "nobody@example.com", limit: 5).isEmpty)
            let link = try #require(mail.body.split(separator: "\n").first { $0.contains("/reset-password?token=") })
            #expect(link.hasPrefix("https://docs.example.org/reset-password?token="), "links use the configured public URL")
            let token = String(try #require(link.split(separator: "token=").last))

            #expect(try await Self.call(client, .post, "/forgot-password", ["token": token + "x", "newPassword": "a fresh password"]).status == .badRequest)
            #expect(try await Self.call(client, .post, "/forgot-password", ["token": token, "newPassword": "a fresh password"]).status == .ok)
            #expect(try await Self.call(client, .post, "/forgot-password", ["token": token, "newPassword": "third password"]).status == .badRequest, "once")
            _ = try await client.login("ada@example.com", password: "a fresh password")

            // The v1 route mails the same way.
            #expect(try await Self.call(client, .post, "/v1/auth/password-reset", ["email": "ada@example.com"]).status == .accepted)
            #expect(try await store.mails(recipient: "ada@example.com", limit: 5).count == 2)
        }
    }

    @Test func documentRoutesListFindRenameAndDeleteTheCallersDocuments() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let first = try #require(try JSON.object(try await client.uploadFixture("sample.md", session: ada, title: "Field notes"))["id"] as? String)
            let second = try #require(try JSON.object(try await client.uploadFixture("sample.txt", session: ada, title: "Lab report"))["id"] as? String)

            let list = try #require(try await Self.call(client, .get, "/documents/\(ada.id)", session: ada).json as? [[String: Any]])
            #expect(list.map { $0["id"] as? String } == [first, second], "a JSON array, oldest first")
            #expect(list.allSatisfy { ($0["summary"] as? String)?.isEmpty == false && $0["fileType"] is String && $0["filePath"] is String })
            #expect((try await Self.call(client, .get, "/documents/\(bob.id)", session: bob).json as? [[String: Any]])?.isEmpty == true)
            #expect(try await Self.call(client, .get, "/documents/\(ada.id)/\(first)", session: bob).status == .notFound)
            #expect(try await Self.call(client, .get, "/documents/\(bob.id)/\(first)", session: bob).status == .notFound, "not Bob's document")
            let one = try #require(try await Self.call(client, .get, "/documents/\(ada.id)/\(first)", session: ada).json as? [String: Any])
            #expect(one["title"] as? String == "Field notes")
            #expect(one["message"] as? String == "Document retrieved")

            let details = try #require(try await Self.call(client, .get, "/document-details/\(ada.id)/\(first)", session: ada).json as? [String: Any])
            let text = try #require(try JSON.object(try await client.execute(uri: "/v1/documents/\(first)/text", method: .get, headers: ada.auth) { $0 })["text"] as? String)
            #expect(details["originalText"] as? String == text)
            #expect(details["fileUrl"] as? String == "/v1/documents/\(first)/file")
            #expect((details["summary"] as? String)?.isEmpty == false)

            let found = try #require(try await Self.call(client, .get, "/search-documents/\(ada.id)?searchTerm=field", session: ada).json as? [[String: Any]])
            #expect(found.map { $0["docId"] as? String } == [first])
            #expect((found.first?["snippet"] as? String).map { text.hasPrefix($0.replacingOccurrences(of: "...", with: "")) } == true)
            #expect((try await Self.call(client, .get, "/search-documents/\(ada.id)?searchTerm=nothing-like-this", session: ada).json as? [[String: Any]])?.isEmpty == true)
            #expect(try await Self.call(client, .get, "/search-documents/\(ada.id)", session: ada).status == .unprocessableContent)

            #expect((try await Self.call(client, .get, "/document-count/\(ada.id)", session: ada).json as? [String: Any])?["documentCount"] as? Int == 2)
            #expect(try await Self.call(client, .post, "/update-document-title", ["docId": first, "newTitle": "Stolen"], session: bob).status == .notFound)
            let renamed = try await Self.call(client, .post, "/update-document-title", ["userId": ada.id, "docId": first, "newTitle": "Field notes, 2026"], session: ada)
            #expect((renamed.json as? [String: Any])?["title"] as? String == "Field notes, 2026")

            #expect(try await Self.call(client, .delete, "/documents/\(ada.id)/\(first)", session: bob).status == .notFound)
            #expect(try await Self.call(client, .delete, "/documents/\(bob.id)/\(first)", session: bob).status == .ok, "absent for Bob: 200, as the original")
            #expect(try await Self.call(client, .get, "/documents/\(ada.id)/\(first)", session: ada).status == .ok, "Bob's delete did nothing")
            #expect(try await Self.call(client, .delete, "/documents/\(ada.id)/\(first)", session: ada).status == .ok)
            #expect(try await Self.call(client, .get, "/documents/\(ada.id)/\(first)", session: ada).status == .notFound)
            let cleared = try await Self.call(client, .delete, "/documents/\(ada.id)", session: ada)
            #expect((cleared.json as? [String: Any])?["deleted"] as? Int == 1)
            #expect((try await Self.call(client, .get, "/document-count/\(ada.id)", session: ada).json as? [String: Any])?["documentCount"] as? Int == 0)
        }
    }

    @Test func aSignedUploadURLTakesOneFileWithoutTheBearerToken() async throws {
        try await TestApp().test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            #expect(try await Self.call(client, .post, "/document-upload-url", ["fileName": "x.md"]).status == .unauthorized)
            #expect(try await Self.call(client, .post, "/document-upload-url", ["userId": ada.id, "fileName": "x.md"], session: bob).status == .notFound)
            let created = try #require(try await Self.call(client, .post, "/document-upload-url", ["fileName": "My notes (v2).md"], session: ada).json as? [String: Any])
            let path = try #require(created["path"] as? String)
            #expect(path.hasPrefix(ada.id + "/") && path.hasSuffix("-My_notes_v2_.md"))
            let signedURL = try #require(created["signedUrl"] as? String)

            let form = Multipart.upload(try Fixture.data("sample.md"), filename: "My notes (v2).md")
            try await client.execute(uri: "/document-file?token=forged", method: .post, headers: [.contentType: form.contentType], body: form.body) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/document-file", method: .post, headers: [.contentType: form.contentType], body: form.body) { response in
                #expect(response.status == .unauthorized, "neither a token nor a bearer")
            }
            let stored = try await client.execute(uri: signedURL, method: .post, headers: [.contentType: form.contentType], body: form.body) { response in
                #expect(response.status == .created)
                return try JSON.object(response)
            }
            #expect(stored["filePath"] as? String == path)
            #expect(stored["fileType"] as? String == "text/markdown")
            let id = try #require(stored["documentId"] as? String)
            #expect(try await client.waitForDocument(id, session: ada)["status"] as? String == "ready")
            #expect(try await Self.call(client, .get, "/documents/\(bob.id)/\(id)", session: bob).status == .notFound, "stored for Ada only")

            // With a bearer token instead, and the original's `File` field name.
            var body = ByteBuffer()
            let boundary = "legacy-boundary"
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"File\"; filename=\"n.txt\"\r\nContent-Type: text/plain\r\n\r\nPlain notes about otters.\r\n--\(boundary)--\r\n")
            var headers = bob.auth
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            try await client.execute(uri: "/document-file", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            #expect((try await Self.call(client, .get, "/document-count/\(bob.id)", session: bob).json as? [String: Any])?["documentCount"] as? Int == 1)
        }
    }
}
