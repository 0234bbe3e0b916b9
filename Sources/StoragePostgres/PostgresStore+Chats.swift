import DocuThinkerCore
public import Foundation
import PostgresNIO
public import Storage

extension PostgresStore: ChatRepository {
    static func chat(_ row: PostgresRandomAccessRow) throws -> ChatRecord {
        ChatRecord(id: try row.get(0), ownerId: try row.get(1), title: try row.get(2), documentIds: try row.get(3),
                   createdAt: try row.get(4), updatedAt: try row.get(5))
    }

    public func createChat(_ chat: ChatRecord) async throws {
        try await execute("""
            INSERT INTO chats (id, owner_id, title, document_ids, created_at, updated_at)
            VALUES (\(chat.id), \(chat.ownerId), \(chat.title), \(chat.documentIds), \(chat.createdAt), \(chat.updatedAt))
            """)
    }

    public func chat(id: String, ownerId: String) async throws -> ChatRecord? {
        try await rows("""
            SELECT id, owner_id, title, document_ids, created_at, updated_at FROM chats WHERE id = \(id) AND owner_id = \(ownerId)
            """).first.map(Self.chat)
    }

    public func chats(ownerId: String, limit: Int, offset: Int) async throws -> Page<ChatRecord> {
        let items = try await rows("""
            SELECT id, owner_id, title, document_ids, created_at, updated_at FROM chats WHERE owner_id = \(ownerId)
            ORDER BY updated_at DESC, seq DESC LIMIT \(limit) OFFSET \(offset)
            """).map(Self.chat)
        let total = try await rows("SELECT count(*) FROM chats WHERE owner_id = \(ownerId)").first?.get(0, as: Int.self) ?? 0
        return Page(items: items, total: total)
    }

    public func appendMessage(_ message: ChatMessageRecord, touching chatId: String, at date: Date) async throws {
        let citations = try StoredJSON.text(message.citations)
        try await transaction { connection in
            try await connection.execute("""
                INSERT INTO chat_messages (chat_id, role, content, found, citations, created_at)
                VALUES (\(message.chatId), \(message.role.rawValue), \(message.content), \(message.found), \(citations), \(message.createdAt))
                """, logger: logger)
            try await connection.execute("UPDATE chats SET updated_at = \(date) WHERE id = \(chatId)", logger: logger)
        }
    }

    public func messages(chatId: String) async throws -> [ChatMessageRecord] {
        try await rows("""
            SELECT id, chat_id, role, content, found, citations, created_at FROM chat_messages WHERE chat_id = \(chatId) ORDER BY id
            """).map {
            ChatMessageRecord(id: try $0.get(0), chatId: try $0.get(1), role: ChatRole(rawValue: try $0.get(2)) ?? .assistant,
                              content: try $0.get(3), found: try $0.get(4),
                              citations: StoredJSON.value([Citation].self, from: try $0.get(5)) ?? [], createdAt: try $0.get(6))
        }
    }

    public func deleteChat(id: String, ownerId: String) async throws -> Bool {
        try await !rows("DELETE FROM chats WHERE id = \(id) AND owner_id = \(ownerId) RETURNING id").isEmpty
    }
}

extension PostgresStore: AnalysisRepository {
    public func analysis<Result: Decodable>(_ key: AnalysisKey, as type: Result.Type) async throws -> (result: Result, createdAt: Date)? {
        guard let row = try await rows("""
            SELECT result, created_at FROM analyses WHERE document_id = \(key.documentId) AND kind = \(key.kind)
                AND parameters = \(key.parameters) AND engine = \(key.engine) AND engine_version = \(key.engineVersion)
            """).first, let result = StoredJSON.value(Result.self, from: try row.get(0)) else { return nil }
        return (result, try row.get(1))
    }

    public func analyses<Result: Decodable>(_ key: AnalysisBatchKey, ownerId: String, as type: Result.Type) async throws
        -> [String: (result: Result, createdAt: Date)] {
        guard !key.documentIds.isEmpty else { return [:] }
        var out: [String: (result: Result, createdAt: Date)] = [:]
        for row in try await rows("""
            SELECT a.document_id, a.result, a.created_at FROM analyses a JOIN documents d ON d.id = a.document_id
            WHERE d.owner_id = \(ownerId) AND a.document_id = ANY(\(key.documentIds)) AND a.kind = \(key.kind)
                AND a.parameters = \(key.parameters) AND a.engine = \(key.engine) AND a.engine_version = \(key.engineVersion)
            """) {
            if let result = StoredJSON.value(Result.self, from: try row.get(1)) { out[try row.get(0)] = (result, try row.get(2)) }
        }
        return out
    }

    public func saveAnalysis<Result: Encodable & Sendable>(_ key: AnalysisKey, result: Result, at date: Date) async throws {
        let json = try StoredJSON.text(result)
        // The document may have been deleted meanwhile: then there is nothing to cache.
        try await execute("""
            INSERT INTO analyses (document_id, kind, parameters, engine, engine_version, result, created_at)
            SELECT \(key.documentId), \(key.kind), \(key.parameters), \(key.engine), \(key.engineVersion), \(json), \(date)
            WHERE EXISTS (SELECT 1 FROM documents WHERE id = \(key.documentId))
            ON CONFLICT (document_id, kind, parameters, engine, engine_version)
            DO UPDATE SET result = excluded.result, created_at = excluded.created_at
            """)
    }

    public func analysisCount(documentId: String) async throws -> Int {
        try await rows("SELECT count(*) FROM analyses WHERE document_id = \(documentId)").first?.get(0) ?? 0
    }
}
