import DocuThinkerCore
import Foundation
import GRDB
import Storage
import Testing

@Suite("SQLite store (real database files)")
struct SQLiteStoreTests {
    let directory: String
    init() throws {
        directory = NSTemporaryDirectory() + "dt-storage-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private static func open(_ path: String) throws -> SQLiteStore {
        let store = try SQLiteStore(path: path)
        try store.migrate()
        return store
    }

    private func user(_ email: String) -> UserRecord {
        UserRecord(id: UUID().uuidString, email: email, passwordHash: "$2b$04$hash", createdAt: .now)
    }

    private func document(owner: String, title: String, at date: Date) -> DocumentRecord {
        let id = UUID().uuidString
        return DocumentRecord(
            id: id, ownerId: owner, title: title, filename: "\(title).pdf", format: "pdf", status: .ready, pageCount: 2,
            sizeBytes: 10, sha256: "abc", characters: 22, author: nil, qualityJSON: "{}", objectKey: "\(owner)/\(id)",
            createdAt: date, updatedAt: date)
    }

    private let content = DocumentContent(
        text: "Page one.\n\nPage two.", pages: [PageRange(number: 1, start: 0, end: 9), PageRange(number: 2, start: 11, end: 20)],
        blocks: [TextBlock(kind: .paragraph, level: nil, page: 1, start: 0, end: 9)])

    @Test func migrationsAndWAL() throws {
        let store = try SQLiteStore(path: directory + "/db.sqlite")
        #expect(try store.appliedMigrations().isEmpty, "opening never migrates")
        try store.migrate()
        #expect(try store.appliedMigrations() == ["v1-users-documents", "v2-analyses", "v3-search", "v4-llm-usage", "v5-api-keys-vector-generations",
                                              "v6-profiles-password-resets", "v7-jobs-sentences-keyword-step"])
        try store.migrate()
        #expect(try store.appliedMigrations() == SQLiteStore.knownMigrations)
        #expect(try store.journalMode() == "wal")
    }

    @Test func usersAreUniqueByEmailIgnoringCase() async throws {
        let store = try Self.open(directory + "/db.sqlite")
        let ada = user("ada@example.com")
        try await store.createUser(ada)
        await #expect(throws: StorageError(.conflict, "An account with this email already exists.")) {
            try await store.createUser(user("ADA@example.com"))
        }
        #expect(try await store.user(email: "Ada@Example.com")?.id == ada.id)
        #expect(try await store.user(id: "missing") == nil)
    }

    @Test func refreshTokensRevokeOnce() async throws {
        let store = try Self.open(directory + "/db.sqlite")
        let ada = user("ada@example.com")
        try await store.createUser(ada)
        let token = RefreshTokenRecord(id: "t1", userId: ada.id, tokenHash: "h1", expiresAt: .now.addingTimeInterval(60), createdAt: .now)
        try await store.saveRefreshToken(token)
        #expect(try await store.refreshToken(hash: "h1")?.revokedAt == nil)
        #expect(try await store.revokeRefreshToken(id: "t1", at: .now))
        #expect(try await store.revokeRefreshToken(id: "t1", at: .now) == false)
        #expect(try await store.refreshToken(hash: "h1")?.revokedAt != nil)
    }

    @Test func documentsAreScopedOrderedPagedAndCascaded() async throws {
        let store = try Self.open(directory + "/db.sqlite")
        let ada = user("ada@example.com"), bob = user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        var ids: [String] = []
        for i in 0..<5 {
            let record = document(owner: ada.id, title: "doc\(i)", at: base.addingTimeInterval(Double(i)))
            ids.append(record.id)
            try await store.insertDocument(record, content: content, chunks: [
                ChunkRecord(ordinal: 0, page: 1, pageEnd: 2, start: 0, end: 20, wordCount: 4, text: content.text),
            ])
        }
        let first = try await store.documents(ownerId: ada.id, limit: 2, offset: 0)
        #expect(first.total == 5)
        #expect(first.items.map(\.title) == ["doc4", "doc3"])
        #expect(try await store.documents(ownerId: ada.id, limit: 2, offset: 4).items.map(\.title) == ["doc0"])
        #expect(try await store.documents(ownerId: bob.id, limit: 10, offset: 0).total == 0)
        #expect(try await store.document(id: ids[0], ownerId: bob.id) == nil)
        #expect(try await store.content(documentId: ids[0], ownerId: bob.id) == nil)
        #expect(try await store.chunks(documentId: ids[0], ownerId: bob.id).isEmpty)
        #expect(try await store.renameDocument(id: ids[0], ownerId: bob.id, title: "x", at: .now) == nil)
        #expect(try await store.deleteDocument(id: ids[0], ownerId: bob.id) == nil)

        #expect(try await store.content(documentId: ids[0], ownerId: ada.id) == content)
        #expect(try await store.chunks(documentId: ids[0], ownerId: ada.id).first?.text == content.text)
        #expect(try await store.renameDocument(id: ids[0], ownerId: ada.id, title: "Renamed", at: .now)?.title == "Renamed")
        #expect(try await store.deleteDocument(id: ids[0], ownerId: ada.id)?.id == ids[0])
        #expect(try await store.content(documentId: ids[0], ownerId: ada.id) == nil)
        #expect(try await store.chunkCount(documentId: ids[0]) == 0)
        #expect(try await store.documentExists(id: ids[0]) == false)
        #expect(try await store.deleteAllDocuments(ownerId: ada.id).count == 4)
        #expect(try await store.documents(ownerId: ada.id, limit: 10, offset: 0).total == 0)
    }

    @Test func dataSurvivesReopening() async throws {
        let path = directory + "/db.sqlite"
        let ada = user("ada@example.com")
        do {
            let store = try Self.open(path)
            try await store.createUser(ada)
            try await store.insertDocument(document(owner: ada.id, title: "kept", at: .now), content: content, chunks: [])
        }
        let reopened = try Self.open(path)
        #expect(try await reopened.user(email: "ada@example.com")?.id == ada.id)
        #expect(try await reopened.documents(ownerId: ada.id, limit: 5, offset: 0).items.first?.title == "kept")
    }

    @Test func fileObjectStoreRoundTrip() async throws {
        let objects = try FileObjectStore(root: directory + "/objects")
        let temp = directory + "/upload.bin"
        try Data("original bytes".utf8).write(to: URL(fileURLWithPath: temp))
        try await objects.put(key: "user/doc", movingFileAt: temp)
        #expect(!FileManager.default.fileExists(atPath: temp))
        #expect(try await objects.read(key: "user/doc", maxBytes: 100) == Data("original bytes".utf8))
        try await objects.delete(key: "user/doc")
        #expect(!FileManager.default.fileExists(atPath: objects.localPath(for: "user/doc")!))
        try await objects.delete(key: "user/doc")
    }

    @Test func apiKeysAreScopedToTheirUserAndRevocable() async throws {
        let store = try Self.open(directory + "/db.sqlite")
        let ada = user("ada@example.com"), bob = user("bob@example.com")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let key = APIKeyRecord(id: "k1", userId: ada.id, name: "cli", prefix: "dtk_abc", keyHash: "hash-1", createdAt: .now)
        try await store.createAPIKey(key)
        #expect(try await store.activeAPIKey(hash: "hash-1")?.userId == ada.id)
        #expect(try await store.apiKeys(userId: bob.id).isEmpty)
        #expect(try await store.revokeAPIKey(id: "k1", userId: bob.id, at: .now) == false, "not Bob's to revoke")
        #expect(try await store.revokeAPIKey(id: "k1", userId: ada.id, at: .now))
        #expect(try await store.revokeAPIKey(id: "k1", userId: ada.id, at: .now) == false, "already revoked")
        #expect(try await store.activeAPIKey(hash: "hash-1") == nil)
        #expect(try await store.apiKeys(userId: ada.id).first?.revokedAt != nil)
    }

    /// Two processes (two pools on one file): vectors saved or documents deleted by one change the
    /// owner's generation the other reads, so an in-memory index elsewhere knows to reload.
    @Test func vectorGenerationsChangeAcrossConnections() async throws {
        let writer = try Self.open(directory + "/db.sqlite")
        let reader = try Self.open(directory + "/db.sqlite")
        let ada = user("ada@example.com"), bob = user("bob@example.com")
        try await writer.createUser(ada)
        try await writer.createUser(bob)
        let doc = document(owner: ada.id, title: "a", at: .now)
        try await writer.insertDocument(doc, content: content, chunks: [
            ChunkRecord(ordinal: 0, page: 1, pageEnd: 2, start: 0, end: 20, wordCount: 4, text: content.text),
        ])
        let before = try await reader.vectorGeneration(ownerId: ada.id)
        let chunk = try #require(try await writer.chunksToEmbed(documentId: doc.id, model: "m").first)
        try await writer.saveVectors([(chunk.chunkId, [1, 0, 0])], model: "m")
        let saved = try await reader.vectorGeneration(ownerId: ada.id)
        #expect(saved > before)
        #expect(try await reader.vectorGeneration(ownerId: bob.id) == 0, "other owners are untouched")
        _ = try await writer.deleteDocument(id: doc.id, ownerId: ada.id)
        #expect(try await reader.vectorGeneration(ownerId: ada.id) > saved)
    }
}
