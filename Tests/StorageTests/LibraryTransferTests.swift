import DocuThinkerCore
import Foundation
import LibraryTransfer
import Storage
import StoreEngines
import StoreTestSupport
import Testing

/// `docuthinker export` / `import`: a library goes SQLite → PostgreSQL + S3 → SQLite and every
/// export along the way is byte-for-byte the same (users with password hashes, API keys, usage,
/// documents with text, sentences, chunks, vectors of two models, analyses, files, chats).
@Suite("Export and import between stores", .enabled(if: TestPostgres.available))
struct LibraryTransferTests {
    /// A library with one of everything, some of it unusual (a revoked key, a pending document).
    static func fill(_ stores: Stores) async throws -> (owner: UserRecord, ready: DocumentRecord) {
        let database = stores.database
        let date = Date(timeIntervalSinceReferenceDate: 786_000_000.125)
        let ada = UserRecord(id: UUID().uuidString, email: "Ada@Example.com", passwordHash: "$2b$12$abcdefghijklmnopqrstuv", createdAt: date,
                             theme: "dark", socialLinks: ["github": "https://github.com/ada", "site": "https://ada.example"])
        let bob = UserRecord(id: UUID().uuidString, email: "bob@example.com", passwordHash: "$2b$12$zyx", createdAt: date.addingTimeInterval(1))
        try await database.createUser(ada)
        try await database.createUser(bob)
        try await database.createAPIKey(APIKeyRecord(id: "k1", userId: ada.id, name: "laptop", prefix: "dtk_ab12", keyHash: "h1", createdAt: date,
                                                     lastUsedAt: date.addingTimeInterval(5)))
        try await database.createAPIKey(APIKeyRecord(id: "k2", userId: ada.id, name: "old", prefix: "dtk_cd34", keyHash: "h2",
                                                     createdAt: date.addingTimeInterval(2), revokedAt: date.addingTimeInterval(3)))
        try await database.recordUsage(userId: ada.id, UsageRecord(day: "2026-12-01", provider: "openai", model: "gpt", requests: 3,
                                                                   inputTokens: 120, outputTokens: 40))

        var ready = Make.document(owner: ada.id, title: "River report", at: date)
        ready.quality = Make.quality(pageCount: 2, characters: 20)
        let staged = stores.stagingDirectory + "/upload-" + UUID().uuidString
        try Data("%PDF-1.4 original bytes of the river report".utf8).write(to: URL(fileURLWithPath: staged))
        try await stores.objects.put(key: ready.objectKey, movingFileAt: staged)
        try await database.insertDocument(ready, content: Make.content, chunks: [])
        let sentences = [SentenceRecord(ordinal: 0, page: 1, start: 0, end: 9, role: .heading), SentenceRecord(ordinal: 1, page: 2, start: 11, end: 20)]
        _ = try await database.storeExtraction(
            documentId: ready.id, fields: ExtractedFields(format: .pdf, sha256: ready.sha256, author: nil, quality: ready.quality!, title: nil),
            content: Make.content, sentences: sentences, chunks: Make.chunks(["Sediment near the weir", "Rainfall totals", "Oxygen in pools"]),
            at: date)
        try await database.indexKeywords(documentId: ready.id)
        let ids = try await database.chunkIds(documentId: ready.id)
        try await database.saveVectors(zip(ids, [[0.6, 0.8, 0], [1, 0, 0], [0, 0.28, 0.96]]).map { ChunkVector(chunkId: $0, vector: $1) }, model: "m1")
        try await database.saveVectors([ChunkVector(chunkId: ids[1], vector: [0.1, 0.2])], model: "m2")
        try await database.setIndexStatus(documentId: ready.id, IndexStatus(status: .ready, indexed: 3, total: 3, model: "m1", updatedAt: date))
        try await database.saveAnalysis(AnalysisKey(documentId: ready.id, kind: "summary", parameters: "n=3", engine: "offline", engineVersion: "1.4"),
                                        result: ["summary": "Sediment and rainfall.", "points": "2"], at: date)

        let pending = Make.document(owner: ada.id, title: "Pending", at: date.addingTimeInterval(10), status: .processing)
        try await database.insertPendingDocument(pending, explicitTitle: false, job: JobRecord(
            id: "job-1", documentId: pending.id, ownerId: ada.id, stage: .extract, createdAt: date.addingTimeInterval(10),
            updatedAt: date.addingTimeInterval(10)))

        let chat = ChatRecord(id: "chat-1", ownerId: ada.id, title: "About the river", documentIds: [ready.id], createdAt: date,
                              updatedAt: date.addingTimeInterval(30))
        try await database.createChat(chat)
        try await database.appendMessage(ChatMessageRecord(chatId: chat.id, role: .user, content: "What was measured?", found: nil,
                                                           createdAt: date.addingTimeInterval(20)), touching: chat.id, at: chat.updatedAt)
        try await database.appendMessage(ChatMessageRecord(
            chatId: chat.id, role: .assistant, content: "Sediment near the weir.", found: true,
            citations: [Citation(documentId: ready.id, page: 1, start: 0, end: 9, quote: "Page one.", title: "River report")],
            createdAt: date.addingTimeInterval(30)), touching: chat.id, at: chat.updatedAt)
        return (ada, ready)
    }

    /// Every file of an export except the manifest (which names its source and time), by path.
    static func contents(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard path != "manifest.json", FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory),
                  !isDirectory.boolValue else { continue }
            files[path] = FileManager.default.contents(atPath: directory + "/" + path)
        }
        return files
    }

    @Test func aLibraryRoundTripsSQLiteToPostgresAndBackExactly() async throws {
        let temporary = NSTemporaryDirectory() + "dt-transfer-" + UUID().uuidString
        let sqlite = try await StoreEngine.sqliteAndFiles.make()
        let (ada, ready) = try await Self.fill(sqlite)
        try await LibraryExporter(stores: sqlite).export(to: temporary + "/a")

        let postgres = try await StoreEngine.postgres.make()
        try await LibraryImporter(stores: postgres).importLibrary(from: temporary + "/a")
        try await LibraryExporter(stores: postgres).export(to: temporary + "/b")
        let again = try await StoreEngine.sqliteAndFiles.make()
        try await LibraryImporter(stores: again).importLibrary(from: temporary + "/b")
        try await LibraryExporter(stores: again).export(to: temporary + "/c")

        let (a, b, c) = (try Self.contents(temporary + "/a"), try Self.contents(temporary + "/b"), try Self.contents(temporary + "/c"))
        #expect(a.count == 5, "users, chats, two documents, one original: \(a.keys.sorted())")
        for (path, data) in a {
            #expect(b[path] == data, "\(path) is the same after SQLite → PostgreSQL")
            #expect(c[path] == data, "\(path) is the same after PostgreSQL → SQLite")
        }
        #expect(Set(a.keys) == Set(b.keys) && Set(a.keys) == Set(c.keys))

        // What people see: their account, search over the imported vectors and keywords, the file.
        for stores in [postgres, again] {
            let user = try #require(try await stores.database.user(email: "ada@example.com"))
            #expect(user.passwordHash == ada.passwordHash && user.socialLinks == ada.socialLinks)
            let index = stores.databaseVectorIndex?("m1", 3) ?? StoreEngine.sqliteAndFiles.vectorIndex(stores, "m1", 3)
            let nearest = try await index.search(owner: ada.id, query: [0, 0.28, 0.96], k: 1, documents: nil)
            let hit = try #require(try await stores.database.chunks(ids: nearest.map(\.chunkId), ownerId: ada.id).first)
            #expect(hit.text == "Oxygen in pools")
            #expect(try await stores.database.keywordSearch(ownerId: ada.id, query: "sediment", documentIds: nil, limit: 5).first?.ordinal == 0)
            #expect(try await stores.objects.read(key: ready.objectKey, maxBytes: 1_000) == Data("%PDF-1.4 original bytes of the river report".utf8))
            #expect(try await stores.database.job(documentId: try #require(try await stores.database.documents(ownerId: ada.id, limit: 1, offset: 0).items.first?.id))?.state == .queued,
                    "the pending document's job waits to be finished by the importing system")
        }

        let refused = await #expect(throws: TransferError.self) { try await LibraryImporter(stores: again).importLibrary(from: temporary + "/a") }
        #expect(refused?.description.contains("already has accounts") == true)
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
