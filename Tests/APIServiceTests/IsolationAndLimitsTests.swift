import StoreEngines
import StorageSQLite
import Configuration
import Foundation
import GRDB
import Hummingbird
import Logging
@testable import APIService
import Storage
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Isolation, limits, persistence and health")
struct IsolationAndLimitsTests {
    @Test func anotherUsersDocumentIsInvisibleOnEveryRoute() async throws {
        let app = try TestApp()
        try await app.test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let id = try #require(try JSON.object(try await client.uploadFixture("sample.pdf", session: ada))["id"] as? String)
            let routes: [(String, HTTPRequest.Method)] = [
                ("/v1/documents/\(id)", .get), ("/v1/documents/\(id)/text", .get), ("/v1/documents/\(id)/chunks", .get),
                ("/v1/documents/\(id)/file", .get), ("/v1/documents/\(id)", .patch), ("/v1/documents/\(id)", .delete),
            ]
            for (uri, method) in routes {
                try await client.execute(uri: uri, method: method, headers: bob.auth.merging(JSON.headers),
                                         body: method == .patch ? JSON.body(["title": "stolen"]) : nil) { response in
                    #expect(response.status == .notFound, "\(method) \(uri) must not reveal another user's document")
                }
            }
            try await client.execute(uri: "/v1/documents", method: .get, headers: bob.auth) { response in
                let json = try JSON.array(response)
                #expect(json.isEmpty)
                #expect(response.headers[HTTPField.Name("X-Total-Count")!] == "0")
            }
            try await client.execute(uri: "/v1/documents", method: .delete, headers: bob.auth) { response in
                let json = try JSON.object(response)
                #expect(json["deleted"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/documents/\(id)", method: .get, headers: ada.auth) { response in
                #expect(response.status == .ok)
                let json = try JSON.object(response)
                #expect(json["title"] as? String == "River Study Report")
            }
        }
    }

    @Test func uploadOverTheCapIs413WithNothingWritten() async throws {
        let app = try TestApp(overrides: ["docuthinker.max.upload.bytes": .init(.int(10_000), isSecret: false)])
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            let big = Data(String(repeating: "All work and no play. ", count: 2_000).utf8)
            let response = try await client.upload(big, filename: "big.txt", session: session)
            #expect(response.status == .contentTooLarge)
            #expect(JSON.errorCode(response) == "file_too_large")
            try await client.execute(uri: "/v1/documents", method: .get, headers: session.auth) { response in
                let json = try JSON.array(response)
                #expect(json.isEmpty)
            }
            let small = try await client.uploadFixture("sample.txt", session: session)
            #expect(small.status == .created)
        }
        #expect(app.storedFiles().temporary.isEmpty)
        #expect(app.storedFiles().objects.count == 1)
    }

    @Test func dataPersistsAcrossARestart() async throws {
        let first = try TestApp()
        let id: String = try await first.test { client in
            let session = try await client.register("ada@example.com")
            return try #require(try JSON.object(try await client.uploadFixture("sample.docx", session: session))["id"] as? String)
        }
        let second = try TestApp(dataDirectory: first.dataDirectory)
        try await second.test { client in
            let session = try await client.login("ada@example.com")
            try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { response in
                #expect(response.status == .ok)
                let object = try JSON.object(response)
                #expect((object["text"] as? String)?.contains("Quarterly Review") == true)
            }
        }
    }

    @Test func generatedJWTSecretIsPersisted() async throws {
        let app = try TestApp(overrides: ["jwt.secret": .init(.string(""), isSecret: true)])
        let token: String = try await app.test { client in try await client.register("ada@example.com").accessToken }
        let path = app.dataDirectory + "/jwt-secret"
        #expect(FileManager.default.fileExists(atPath: path))
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        try await app.test { client in
            try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok, "a token from before the restart still verifies")
            }
        }
    }

    @Test func aSharedDatabaseNeedsAConfiguredJWTSecret() throws {
        let directory = NSTemporaryDirectory() + "dt-jwt-" + UUID().uuidString
        let error = #expect(throws: ConfigurationError.self) {
            try JWTSecretStore.resolve(configured: nil, dataDirectory: directory, sharedStore: true, logger: Logger(label: "test"))
        }
        #expect(error?.description.contains("JWT_SECRET is required with DATABASE_URL") == true)
        #expect(!FileManager.default.fileExists(atPath: directory + "/jwt-secret"), "no per-process secret is made")
        let configured = String(repeating: "s", count: 40)
        #expect(try JWTSecretStore.resolve(configured: configured, dataDirectory: directory, sharedStore: true, logger: Logger(label: "test")) == configured)
    }

    @Test func healthAndReadiness() async throws {
        try await TestApp().test { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json = try JSON.object(response)
                #expect(json["status"] as? String == "ok")
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let object = try JSON.object(response)
                #expect((object["checks"] as? [String: String])?["database"] == "ok")
            }
        }
    }
}

/// The application migrates its stores before it serves (not when it is built), and a store it
/// cannot migrate stops the start with a clear error.
@Suite struct MigrationsBeforeServingTests {
    @Test func migrationsRunWhenTheServerStartsNotWhenItIsBuilt() async throws {
        let app = try TestApp()
        let database = try SQLiteStore(path: app.dataDirectory + "/docuthinker.sqlite")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let built = try await buildApplication(configuration: app.configuration, logger: logger)
        #expect(try database.appliedMigrations().isEmpty, "building the application touched the schema")
        try await built.test(.router) { client in
            #expect(try database.appliedMigrations() == SQLiteStore.knownMigrations)
            try await client.execute(uri: "/v1/auth/register", method: .post, headers: JSON.headers,
                                     body: JSON.body(["email": "m@example.com", "password": "correct horse battery"])) {
                #expect($0.status == .created)
            }
        }
    }

    @Test func aStoreThatCannotBeMigratedStopsTheStart() async throws {
        let app = try TestApp()
        let queue = try DatabaseQueue(path: app.dataDirectory + "/docuthinker.sqlite")
        try await queue.write { try $0.execute(sql: "CREATE TABLE users (id TEXT)") }
        await #expect {
            try await app.test { _ in }
        } throws: { error in
            (error as? StartupError)?.description.contains("users") == true
        }
    }
}
