import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: ChatRepository {
    public func createChat(_ chat: ChatRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO chats (id, ownerId, title, documentIds, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [chat.id, chat.ownerId, chat.title, Self.json(chat.documentIds), chat.createdAt, chat.updatedAt])
        }
    }

    public func chat(id: String, ownerId: String) async throws -> ChatRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM chats WHERE id = ? AND ownerId = ?", arguments: [id, ownerId]).map(Self.chat)
        }
    }

    public func chats(ownerId: String, limit: Int, offset: Int) async throws -> Page<ChatRecord> {
        try await pool.read { db in
            let items = try Row.fetchAll(db, sql: """
                SELECT * FROM chats WHERE ownerId = ? ORDER BY updatedAt DESC, rowid DESC LIMIT ? OFFSET ?
                """, arguments: [ownerId, limit, offset]).map(Self.chat)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chats WHERE ownerId = ?", arguments: [ownerId]) ?? 0
            return Page(items: items, total: total)
        }
    }

    public func appendMessage(_ message: ChatMessageRecord, touching chatId: String, at date: Date) async throws {
        let citations = try StoredJSON.text(message.citations)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO chat_messages (chatId, role, content, found, citations, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [message.chatId, message.role.rawValue, message.content, message.found, citations, message.createdAt])
            try db.execute(sql: "UPDATE chats SET updatedAt = ? WHERE id = ?", arguments: [date, chatId])
        }
    }

    public func messages(chatId: String) async throws -> [ChatMessageRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, chatId, role, content, found, citations, createdAt FROM chat_messages WHERE chatId = ? ORDER BY id
                """, arguments: [chatId]).map {
                // Citations are stored as JSON text; a row from an older build that cannot be read has none.
                let citations = StoredJSON.value([Citation].self, from: $0[5]) ?? []
                return ChatMessageRecord(id: $0[0], chatId: $0[1], role: ChatRole(rawValue: $0[2]) ?? .assistant, content: $0[3], found: $0[4],
                                         citations: citations, createdAt: $0[6])
            }
        }
    }

    public func deleteChat(id: String, ownerId: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM chats WHERE id = ? AND ownerId = ?", arguments: [id, ownerId])
            return db.changesCount > 0
        }
    }

    static func json(_ ids: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func chat(_ row: Row) -> ChatRecord {
        let ids = (try? JSONDecoder().decode([String].self, from: Data((row["documentIds"] as String).utf8))) ?? []
        return ChatRecord(id: row["id"], ownerId: row["ownerId"], title: row["title"], documentIds: ids,
                          createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }
}
