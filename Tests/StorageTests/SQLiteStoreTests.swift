@testable import StorageSQLite
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
            id: id, ownerId: owner, title: title, filename: "\(title).pdf", format: .pdf, status: .ready, pageCount: 2,
            sizeBytes: 10, sha256: "abc", characters: 22, author: nil, quality: nil, objectKey: "\(owner)/\(id)",
            createdAt: date, updatedAt: date)
    }

    private let content = DocumentContent(
        text: "Page one.\n\nPage two.", pages: [PageRange(number: 1, start: 0, end: 9), PageRange(number: 2, start: 11, end: 20)],
        blocks: [TextBlock(kind: .paragraph, level: nil, page: 1, start: 0, end: 9)])

    /// Every process may start at once (`api` and `ai` on one data directory): eight openers
    /// migrating together all succeed, and each migration is applied once.
    @Test func concurrentOpenersMigrateOnce() async throws {
        let path = directory + "/race.sqlite"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { try SQLiteStore(path: path).migrate() }
            }
            try await group.waitForAll()
        }
        #expect(try SQLiteStore(path: path).appliedMigrations() == SQLiteStore.knownMigrations)
    }

    @Test func migrationsAndWAL() throws {
        let store = try SQLiteStore(path: directory + "/db.sqlite")
        #expect(try store.appliedMigrations().isEmpty, "opening never migrates")
        try store.migrate()
        #expect(try store.appliedMigrations() == ["v1-users-documents", "v2-analyses", "v3-search", "v4-llm-usage", "v5-api-keys-vector-generations",
                                              "v6-profiles-password-resets", "v7-jobs-sentences-keyword-step", "v8-typed-quality",
                                              "v9-sentence-roles", "v10-outbox", "v11-passkeys", "v12-graph", "v13-graph-builds", "v14-sessions",
                                              "v15-ocr-quality"])
        try store.migrate()
        #expect(try store.appliedMigrations() == SQLiteStore.knownMigrations)
        #expect(try store.journalMode() == "wal")
    }

    /// A database made before the quality report had its own columns (v7) keeps every document's
    /// report through the upgrade; a document still processing then has none.
    @Test func qualityReportsSurviveTheUpgradeToColumns() async throws {
        let path = directory + "/v7.sqlite"
        let ada = user("ada@example.com")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteStore.migrator.migrate(pool, upTo: "v7-jobs-sentences-keyword-step")
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO users (id, email, passwordHash, createdAt) VALUES (?, ?, ?, ?)",
                               arguments: [ada.id, ada.email, ada.passwordHash, ada.createdAt])
                let insert = """
                    INSERT INTO documents (id, ownerId, title, format, status, pageCount, sizeBytes, sha256, characters, qualityJSON, objectKey, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, 3, 10, '', 120, ?, 'k', ?, ?)
                    """
                try db.execute(sql: insert, arguments: ["old", ada.id, "Old", "pdf", "ready", #"""
                    {"characters":120,"words":21,"pageCount":3,"emptyPages":[2,3],"likelyScanned":true,"language":"de","languageConfidence":0.625,"warnings":["a, \"b\"","ü"]}
                    """#, Date.now, Date.now])
                try db.execute(sql: insert, arguments: ["pending", ada.id, "Pending", "docx", "processing", "", Date.now, Date.now])
            }
        }
        let store = try Self.open(path)
        let old = try #require(try await store.document(id: "old", ownerId: ada.id))
        #expect(old.format == .pdf)
        #expect(old.quality == QualityReport(characters: 120, words: 21, pageCount: 3, emptyPages: [2, 3], likelyScanned: true,
                                             language: "de", languageConfidence: 0.625, warnings: [#"a, "b""#, "ü"]))
        let pending = try #require(try await store.document(id: "pending", ownerId: ada.id))
        #expect(pending.quality == nil && pending.format == .docx)
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
        try await writer.saveVectors([ChunkVector(chunkId: chunk.chunkId, vector: [1, 0, 0])], model: "m")
        let saved = try await reader.vectorGeneration(ownerId: ada.id)
        #expect(saved > before)
        #expect(try await reader.vectorGeneration(ownerId: bob.id) == 0, "other owners are untouched")
        _ = try await writer.deleteDocument(id: doc.id, ownerId: ada.id)
        #expect(try await reader.vectorGeneration(ownerId: ada.id) > saved)
    }
}
