public import Foundation
public import Storage
public import StoreEngines

/// `docuthinker import PATH`: loads an export (`ExportFormat`) into the configured stores, which
/// must hold no accounts yet. Documents come back with their text, sentences, chunks (keyword
/// indexed), vectors, analyses and original files; a document that was still being processed
/// comes back with its job queued at the stage it had reached, so the importing system finishes it.
public struct LibraryImporter: Sendable {
    public let stores: Stores

    public init(stores: Stores) {
        self.stores = stores
    }

    @discardableResult
    public func importLibrary(from directory: String, progress: @Sendable (String) -> Void = { _ in }) async throws -> ExportFormat.Manifest {
        let decoder = JSONDecoder()
        guard let manifestData = FileManager.default.contents(atPath: directory + "/manifest.json") else {
            throw TransferError("\(directory) holds no manifest.json: it is not a DocuThinker export.")
        }
        let manifest = try decoder.decode(ExportFormat.Manifest.self, from: manifestData)
        guard manifest.format == ExportFormat.name, manifest.version <= ExportFormat.version else {
            throw TransferError("\(directory) is a \(manifest.format) export of version \(manifest.version); this build reads \(ExportFormat.name) up to version \(ExportFormat.version).")
        }
        let database = stores.database
        guard try await database.allUsers().isEmpty else {
            throw TransferError("The configured store (\(stores.databaseDescription)) already has accounts: import into an empty store.")
        }
        for line in try Self.lines(directory + "/users.jsonl") {
            let account = try decoder.decode(ExportFormat.Account.self, from: line)
            try await database.createUser(account.user)
            for key in account.apiKeys { try await database.createAPIKey(key) }
            for usage in account.usage { try await database.recordUsage(userId: account.user.id, usage) }
        }
        // Oldest first, as they were made (lists order ties by insertion); one document in memory
        // at a time (a first pass reads only each file's record to order them).
        var order: [(createdAt: Date, id: String, file: String)] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory + "/documents") where file.hasSuffix(".json") {
            let record = try decoder.decode(RecordOnly.self, from: try Data(contentsOf: URL(fileURLWithPath: directory + "/documents/" + file))).document
            order.append((record.createdAt, record.id, file))
        }
        order.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        var imported = 0
        for entry in order {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/documents/" + entry.file))
            try await load(try decoder.decode(ExportFormat.Document.self, from: data), objects: directory + "/objects")
            imported += 1
            if imported % 25 == 0 { progress("imported \(imported) of \(order.count) documents") }
        }
        var chats = 0
        for line in try Self.lines(directory + "/chats.jsonl") {
            let exported = try decoder.decode(ExportFormat.Chat.self, from: line)
            try await database.createChat(exported.chat)
            for message in exported.messages {
                try await database.appendMessage(message, touching: exported.chat.id, at: exported.chat.updatedAt)
            }
            chats += 1
        }
        progress("imported \(manifest.users) users, \(imported) documents, \(chats) chats")
        return manifest
    }

    private func load(_ exported: ExportFormat.Document, objects: String) async throws {
        let database = stores.database, record = exported.document
        let original = objects + "/" + record.objectKey
        if FileManager.default.fileExists(atPath: original) {
            // The store moves its input: give it a copy in the staging area.
            let staged = stores.stagingDirectory + "/import-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: original, toPath: staged)
            try await stores.objects.put(key: record.objectKey, movingFileAt: staged)
        }
        let content = exported.content
        if var job = exported.job {
            if job.state == .running { job.state = .queued }
            job.leaseOwner = nil
            job.leaseExpiresAt = nil
            try await database.insertPendingDocument(record, explicitTitle: true, job: job)
        } else {
            try await database.insertDocument(record, content: content ?? DocumentContent(text: "", pages: [], blocks: []), chunks: [])
        }
        if let content, let quality = record.quality {
            let fields = ExtractedFields(format: record.format, sha256: record.sha256, author: record.author, quality: quality, title: nil)
            _ = try await database.storeExtraction(documentId: record.id, fields: fields, content: content, sentences: exported.sentences,
                                                   chunks: exported.chunks, at: record.updatedAt)
            try await database.indexKeywords(documentId: record.id)
        }
        let chunkIds = try await database.chunkIds(documentId: record.id)
        for (model, encoded) in exported.vectors.sorted(by: { $0.key < $1.key }) {
            let vectors = zip(chunkIds, encoded).compactMap { id, text in
                text.flatMap(ExportFormat.vector(base64:)).map { ChunkVector(chunkId: id, vector: $0) }
            }
            try await database.saveVectors(vectors, model: model)
        }
        if let status = exported.indexStatus { try await database.setIndexStatus(documentId: record.id, status) }
        for analysis in exported.analyses { try await database.saveStoredAnalysis(analysis) }
    }

    /// The record of a document file, the rest of the file skipped.
    private struct RecordOnly: Decodable {
        var document: DocumentRecord
    }

    /// The non-empty lines of a JSONL file (none when it is missing).
    static func lines(_ path: String) throws -> [Data] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: 0x0A).filter { !$0.isEmpty }.map { Data($0) }
    }
}
