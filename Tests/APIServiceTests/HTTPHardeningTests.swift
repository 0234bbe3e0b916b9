@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServerSupport
import Storage
import Testing

/// The HTTP edge: security headers on every answer, HSTS over TLS, CORS for configured origins
/// only (preflight included), and `/metrics` closed to whoever lacks its token.
@Suite("HTTP hardening")
struct HTTPHardeningTests {
    static let permissions = HTTPField.Name("Permissions-Policy")!
    static let hsts = HTTPField.Name("Strict-Transport-Security")!

    @Test func securityHeadersOnEveryAnswerAndHSTSOnlyOverTLS() async throws {
        try await TestApp().test { client in
            for uri in ["/health", "/v1/me", "/no-such-page", "/app"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(uri)")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                    #expect(response.headers[Self.permissions]?.contains("camera=()") == true)
                    #expect(response.headers[Self.hsts] == nil, "plain HTTP: no HSTS")
                }
            }
        }
        let tls = try TestApp(overrides: ["docuthinker.public.url": .init(.string("https://docs.example.org"), isSecret: false)])
        try await tls.test { client in
            try await client.execute(uri: "/v1/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[Self.hsts] == "max-age=31536000; includeSubDomains", "behind a TLS proxy, errors included")
            }
        }
    }

    @Test func crossOriginCallsOnlyFromConfiguredOrigins() async throws {
        // None configured: no CORS header for anyone.
        try await TestApp().test { client in
            try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://app.example.org"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
        let app = try TestApp(overrides: ["docuthinker.cors.origins": .init(.string("https://app.example.org, https://admin.example.org"), isSecret: false)])
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            try await client.execute(uri: "/v1/documents", method: .options, headers: [
                .origin: "https://app.example.org", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization",
            ]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.org")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                #expect(response.headers[.accessControlAllowMethods]?.contains("DELETE") == true)
            }
            try await client.execute(uri: "/v1/documents", method: .options, headers: [
                .origin: "https://evil.example.com", .accessControlRequestMethod: "GET",
            ]) { response in
                #expect(response.status == .forbidden && JSON.errorCode(response) == "origin_not_allowed")
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/v1/documents", method: .get, headers: session.auth.merging([.origin: "https://admin.example.org"])) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://admin.example.org")
                #expect(response.headers[.vary] == "Origin")
            }
            // Errors carry it too (a browser script can read why), other origins never.
            try await client.execute(uri: "/v1/documents", method: .get, headers: [.origin: "https://app.example.org"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.org")
            }
            try await client.execute(uri: "/v1/documents", method: .get, headers: session.auth.merging([.origin: "https://evil.example.com"])) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func metricsNeedTheirToken() async throws {
        let app = try TestApp(overrides: ["docuthinker.metrics.token": .init(.string("scrape-secret-123"), isSecret: true)])
        try await app.test { client in
            for header: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "scrape-secret-123"]] {
                try await client.execute(uri: "/metrics", method: .get, headers: header) { response in
                    #expect(response.status == .notFound, "\(header)")
                }
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret-123"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("http_requests_total") || String(buffer: response.body).contains("# TYPE"))
            }
        }
        // Without a token, a client on this machine may read them (over a real loopback socket).
        try await TestApp().testLive { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}

/// Passwords people guess first are refused; stored file names hold no control characters.
@Suite("Account and upload hardening")
struct AccountHardeningTests {
    @Test func guessablePasswordsAreRefusedEverywhereOneIsSet() async throws {
        for weak in ["password123", "PASSWORD123", "12345678", "87654321", "aaaaaaaaaa", "qwertyuiop", "frida@example.com", "frida"] {
            #expect(throws: (any Error).self, "\(weak)") { try PasswordPolicy.validate(weak, email: "frida@example.com") }
        }
        for fine in ["correct horse battery", "13572468", "Frida's 2nd notebook"] {
            #expect(throws: Never.self, "\(fine)") { try PasswordPolicy.validate(fine, email: "frida@example.com") }
        }
        try await TestApp().test { client in
            try await client.execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers,
                                     body: JSON.body(["email": "gus@example.com", "password": "iloveyou"])) { response in
                #expect(response.status == .unprocessableContent)
                #expect(JSON.errorCode(response) == "validation_failed")
                #expect(String(buffer: response.body).contains("attacker tries"))
            }
            let gus = try await client.register("gus@example.com")
            try await client.execute(uri: "/v1/me/password", method: .post, headers: gus.auth.merging(JSON.headers),
                                     body: JSON.body(["currentPassword": "correct horse battery", "newPassword": "gus@example.com"])) { response in
                #expect(response.status == .unprocessableContent, "the email as the password")
            }
        }
    }

    @Test func storedFilenamesHoldNoControlCharacters() async throws {
        #expect(UploadReceiver.storedFilename("C:\\Users\\ada\\report\u{0}\r\n.pdf") == "report.pdf")
        #expect(UploadReceiver.storedFilename("../../etc/pass\u{1B}[31mwd") == "pass[31mwd")
        #expect(UploadReceiver.storedFilename("invoice\u{202E}fdp.exe") == "invoicefdp.exe", "no right-to-left override")
        #expect(UploadReceiver.storedFilename("Résumé – 2026.docx") == "Résumé – 2026.docx")
        try await TestApp().test { client in
            let hal = try await client.register("hal@example.com")
            let upload = try await client.upload(Data("Plain notes.".utf8), filename: "notes\u{7}\u{202E}txt.md", session: hal)
            #expect(try JSON.object(upload)["filename"] as? String == "notestxt.md")
        }
    }
}

/// What one user's library may hold: 413 `quota_exceeded` past a size limit, 429 `too_many_jobs`
/// while as many documents as allowed are processed; nothing is stored from a refused upload.
@Suite("Upload quotas")
struct UploadQuotaTests {
    @Test func eachLimitRefusesWithItsOwnAnswer() throws {
        let quota = UploadQuota(documents: 3, bytes: 1_000, chunks: 50, activeJobs: 2)
        let roomy = LibraryUsage(documents: 1, bytes: 100, chunks: 10, activeJobs: 0)
        #expect(throws: Never.self) { try quota.check(roomy, incoming: 900) }
        func code(_ usage: LibraryUsage, _ incoming: Int64 = 10) -> (Int, String?) {
            do {
                try quota.check(usage, incoming: incoming)
                return (0, nil)
            } catch let error as APIError {
                return (Int(error.status.code), error.details?["quota"] ?? error.code)
            } catch { return (-1, nil) }
        }
        #expect(code(LibraryUsage(documents: 3, bytes: 0, chunks: 0, activeJobs: 0)) == (413, "documents"))
        #expect(code(roomy, 901) == (413, "bytes"))
        #expect(code(LibraryUsage(documents: 1, bytes: 0, chunks: 50, activeJobs: 0)) == (413, "chunks"))
        #expect(code(LibraryUsage(documents: 1, bytes: 0, chunks: 0, activeJobs: 2)) == (429, "too_many_jobs"))
        #expect(throws: Never.self) { try UploadQuota(documents: 0, bytes: 0, chunks: 0, activeJobs: 0).check(
            LibraryUsage(documents: 1_000_000, bytes: 1 << 40, chunks: 1 << 30, activeJobs: 1_000), incoming: 1 << 30) }
    }

    @Test func theAPIRefusesPastTheQuotaAndStoresNothing() async throws {
        let app = try TestApp(overrides: [
            "docuthinker.quota.documents": .init(.int(2), isSecret: false),
            "docuthinker.quota.bytes": .init(.int(400), isSecret: false),
        ])
        try await app.test { client in
            let ivy = try await client.register("ivy@example.com")
            let big = try await client.upload(Data(String(repeating: "Too many words here. ", count: 30).utf8), filename: "big.txt", session: ivy)
            #expect(big.status == .contentTooLarge && JSON.errorCode(big) == "quota_exceeded", "\(String(buffer: big.body))")
            #expect(String(buffer: big.body).contains("DOCUTHINKER_QUOTA_BYTES"))
            let first = try JSON.object(try await client.upload(Data("First note.".utf8), filename: "a.txt", session: ivy))
            _ = try await client.upload(Data("Second note.".utf8), filename: "b.txt", session: ivy)
            let third = try await client.upload(Data("Third note.".utf8), filename: "c.txt", session: ivy)
            #expect(third.status == .contentTooLarge)
            #expect(((try JSON.object(third)["error"] as? [String: Any])?["details"] as? [String: Any])?["quota"] as? String == "documents")
            #expect(app.storedFiles().temporary.isEmpty, "refused uploads leave no staged file")
            #expect(app.storedFiles().objects.count == 2)
            // Another user has their own quota; deleting makes room.
            let jon = try await client.register("jon@example.com")
            #expect(try await client.upload(Data("Jon's note.".utf8), filename: "j.txt", session: jon).status == .created)
            try await client.execute(uri: "/v1/documents/\(try #require(first["id"] as? String))", method: .delete, headers: ivy.auth) { _ in }
            #expect(try await client.upload(Data("Third note.".utf8), filename: "c.txt", session: ivy).status == .created)
        }
    }
}

/// Requests past the edge's limits are refused before any route runs, and the server goes on.
@Suite("Request limits")
struct RequestLimitTests {
    /// `curl`'s status for a request (0 when the connection was dropped).
    static func curl(_ arguments: [String]) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        return Int(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
    }

    @Test func longAddressesAndHugeHeadersAreRefused() async throws {
        try await TestApp().testLive { _, port in
            let base = "http://127.0.0.1:\(port)"
            #expect(try Self.curl([base + "/health?q=" + String(repeating: "a", count: 9_000)]) == 414)
            let huge = try Self.curl(["-H", "X-Big: " + String(repeating: "b", count: 20_000), base + "/health"])
            #expect(huge != 200, "a 20 KB header field is refused (\(huge))")
            let many = try Self.curl((0..<150).flatMap { ["-H", "X-Field-\($0): v"] } + [base + "/health"])
            #expect(many != 200, "150 header fields are refused (\(many))")
            #expect(try Self.curl([base + "/health"]) == 200, "and the server goes on")
        }
    }
}
