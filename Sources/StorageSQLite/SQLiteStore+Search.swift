import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: SearchRepository {
    public func indexKeywords(documentId: String) async throws {
        try await pool.write { db in try Self.indexKeywords(db, documentId: documentId) }
    }

    static func indexKeywords(_ db: Database, documentId: String) throws {
        try db.execute(sql: """
            INSERT INTO chunks_fts (rowid, text) SELECT id, text FROM chunks WHERE documentId = ? AND keywordIndexed = 0;
            UPDATE chunks SET keywordIndexed = 1 WHERE documentId = ? AND keywordIndexed = 0;
            """, arguments: [documentId, documentId])
    }

    public func chunkCount(documentId: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks WHERE documentId = ?", arguments: [documentId]) ?? 0
        }
    }

    public func chunkCount(ownerId: String, documentIds: [String]?) async throws -> Int {
        try await pool.read { db in
            var sql = "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.documentId WHERE d.ownerId = ?"
            var arguments: StatementArguments = [ownerId]
            if let documentIds {
                guard !documentIds.isEmpty else { return 0 }
                sql += " AND c.documentId IN (\(databaseQuestionMarks(count: documentIds.count)))"
                for id in documentIds { arguments += [id] }
            }
            return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }

    public func keywordSearch(ownerId: String, query: String, documentIds: [String]?, limit: Int) async throws -> [ChunkHit] {
        guard let match = Self.ftsQuery(query) else { return [] }
        return try await pool.read { db in
            var sql = """
                SELECT c.id, c.documentId, c.ordinal, c.page, c.startOffset, c.endOffset, c.text, bm25(chunks_fts) AS rank
                FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.id = c.documentId
                WHERE chunks_fts MATCH ? AND d.ownerId = ?
                """
            var arguments: StatementArguments = [match, ownerId]
            if let documentIds {
                guard !documentIds.isEmpty else { return [] }
                sql += " AND c.documentId IN (\(databaseQuestionMarks(count: documentIds.count)))"
                for id in documentIds { arguments += [id] }
            }
            sql += " ORDER BY rank, c.id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                ChunkHit(chunkId: $0[0], documentId: $0[1], ordinal: $0[2], page: $0[3], start: $0[4], end: $0[5],
                         text: $0[6], score: -($0[7] as Double))
            }
        }
    }

    /// An FTS5 query OR-ing the quoted words of free text (stopwords dropped when others remain),
    /// so user input can never be FTS5 syntax.
    static func ftsQuery(_ text: String) -> String? {
        let words = KeywordQuery.words(text)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    public func chunks(ids: [Int64], ownerId: String) async throws -> [ChunkHit] {
        guard !ids.isEmpty else { return [] }
        return try await pool.read { db in
            var arguments: StatementArguments = [ownerId]
            for id in ids { arguments += [id] }
            return try Row.fetchAll(db, sql: """
                SELECT c.id, c.documentId, c.ordinal, c.page, c.startOffset, c.endOffset, c.text
                FROM chunks c JOIN documents d ON d.id = c.documentId
                WHERE d.ownerId = ? AND c.id IN (\(databaseQuestionMarks(count: ids.count)))
                """, arguments: arguments).map {
                ChunkHit(chunkId: $0[0], documentId: $0[1], ordinal: $0[2], page: $0[3], start: $0[4], end: $0[5], text: $0[6], score: 0)
            }
        }
    }

    public func setIndexStatus(documentId: String, _ status: IndexStatus) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO document_index (documentId, status, indexed, total, model, error, updatedAt)
                SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)
                """, arguments: [documentId, status.status.rawValue, status.indexed, status.total, status.model, status.error,
                                 status.updatedAt, documentId])
        }
    }

    public func indexStatus(documentId: String) async throws -> IndexStatus? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT status, indexed, total, model, error, updatedAt FROM document_index WHERE documentId = ?",
                             arguments: [documentId]).map {
                IndexStatus(status: IndexState(rawValue: $0[0]) ?? .failed, indexed: $0[1], total: $0[2], model: $0[3], error: $0[4], updatedAt: $0[5])
            }
        }
    }
}
