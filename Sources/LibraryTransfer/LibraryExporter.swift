public import Foundation
import NIOCore
public import Storage
public import StoreEngines

/// `docuthinker export PATH`: writes the whole library of the configured stores in the layout of
/// `ExportFormat`, a document at a time (a large library never sits in memory whole).
public struct LibraryExporter: Sendable {
    public let stores: Stores

    public init(stores: Stores) {
        self.stores = stores
    }

    /// Writes the export into `directory` (created; it must not exist or be empty), reporting
    /// progress as it goes. Returns the manifest.
    @discardableResult
    public func export(to directory: String, progress: @Sendable (String) -> Void = { _ in }) async throws -> ExportFormat.Manifest {
        let fileManager = FileManager.default
        if let existing = try? fileManager.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw TransferError("\(directory) is not empty: export into a new directory.")
        }
        try fileManager.createDirectory(atPath: directory + "/documents", withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: directory + "/objects", withIntermediateDirectories: true)
        let database = stores.database
        let users = try await database.allUsers()
        var accounts = Data(), chatLines = Data()
        var documentCount = 0, chatCount = 0, objectCount = 0
        for user in users {
            accounts.append(try ExportFormat.line(ExportFormat.Account(
                user: user, apiKeys: try await database.apiKeys(userId: user.id).reversed(), usage: try await database.usage(userId: user.id))))
            // The owner's vectors are read once per model (not once per document), by document and chunk.
            var vectors: [String: [String: [Int64: [Float]]]] = [:]
            for model in try await database.vectorModels(ownerId: user.id) {
                for stored in try await database.vectors(ownerId: user.id, model: model) {
                    vectors[model, default: [:]][stored.documentId, default: [:]][stored.chunkId] = stored.vector
                }
            }
            for record in try await allDocuments(of: user.id) {
                let exported = try await document(record, vectors: vectors.compactMapValues { $0[record.id] })
                try ExportFormat.encoder.encode(exported).write(to: URL(fileURLWithPath: directory + "/documents/\(Self.fileName(record.id)).json"))
                if try await copyObject(key: record.objectKey, into: directory + "/objects") { objectCount += 1 }
                documentCount += 1
                if documentCount % 25 == 0 { progress("exported \(documentCount) documents") }
            }
            for chat in try await allChats(of: user.id) {
                chatLines.append(try ExportFormat.line(ExportFormat.Chat(chat: chat, messages: try await database.messages(chatId: chat.id))))
                chatCount += 1
            }
        }
        try accounts.write(to: URL(fileURLWithPath: directory + "/users.jsonl"))
        try chatLines.write(to: URL(fileURLWithPath: directory + "/chats.jsonl"))
        let manifest = ExportFormat.Manifest(format: ExportFormat.name, version: ExportFormat.version, exportedAt: Date(),
                                             source: stores.databaseDescription, users: users.count, documents: documentCount,
                                             chats: chatCount, objects: objectCount)
        try ExportFormat.encoder.encode(manifest).write(to: URL(fileURLWithPath: directory + "/manifest.json"))
        progress("exported \(users.count) users, \(documentCount) documents, \(objectCount) files, \(chatCount) chats")
        return manifest
    }

    /// The owner's documents, oldest first (the order an import recreates them in).
    private func allDocuments(of owner: String) async throws -> [DocumentRecord] {
        try await Self.everyPage { try await stores.database.documents(ownerId: owner, limit: 500, offset: $0) }
    }

    private func allChats(of owner: String) async throws -> [ChatRecord] {
        try await Self.everyPage { try await stores.database.chats(ownerId: owner, limit: 500, offset: $0) }
    }

    /// Every item of a newest-first paged list, oldest first.
    private static func everyPage<Item>(_ page: (_ offset: Int) async throws -> Page<Item>) async throws -> [Item] {
        var all: [Item] = []
        while true {
            let next = try await page(all.count)
            all += next.items
            if next.items.isEmpty || all.count >= next.total { break }
        }
        return all.reversed()
    }

    /// `vectors`: the document's vectors, by model and chunk id.
    private func document(_ record: DocumentRecord, vectors: [String: [Int64: [Float]]]) async throws -> ExportFormat.Document {
        let database = stores.database
        let chunkIds = try await database.chunkIds(documentId: record.id)
        let vectors = vectors.mapValues { byChunk in chunkIds.map { byChunk[$0].map(ExportFormat.base64) } }
        return ExportFormat.Document(
            document: record, content: try await database.content(documentId: record.id, ownerId: record.ownerId),
            sentences: try await database.sentences(documentId: record.id, ownerId: record.ownerId),
            chunks: try await database.chunks(documentId: record.id, ownerId: record.ownerId), vectors: vectors,
            indexStatus: try await database.indexStatus(documentId: record.id), job: try await database.job(documentId: record.id),
            analyses: try await database.storedAnalyses(documentId: record.id))
    }

    /// Streams the original into `objects/<key>`; false when the store has no such object.
    private func copyObject(key: String, into directory: String) async throws -> Bool {
        let path = directory + "/" + key
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        do {
            for try await part in stores.objects.stream(key: key) { try handle.write(contentsOf: Data(part.readableBytesView)) }
            return true
        } catch let error as StorageError where error.code == .notFound {
            try? FileManager.default.removeItem(atPath: path)
            return false
        }
    }

    /// Document ids are UUIDs or file names: anything else becomes a safe file name.
    static func fileName(_ id: String) -> String {
        id.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "." || $0 == "_" ? String($0) : "%" + String($0.value, radix: 16) }.joined()
    }
}
