import DocuThinkerCore
import Foundation
import Logging
import PostgresNIO
public import Storage

/// Keyword search on PostgreSQL: a `tsvector` per chunk (filled by the keyword-index stage) under
/// a GIN index, matched with an OR of the question's words and ranked BM25-style: each matched
/// word counts by its rarity among the chunks (idf, counted through the index) times
/// `ts_rank`'s length-normalised frequency — FTS5's bm25 ranks the same way, so hybrid search
/// keeps its quality on either engine.
extension PostgresStore: SearchRepository {
    public func indexKeywords(documentId: String) async throws {
        try await transaction { connection in
            try await Self.indexKeywords(documentId: documentId, on: connection, logger: logger)
        }
    }

    static func indexKeywords(documentId: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("""
            UPDATE chunks SET tsv = to_tsvector('english', text) WHERE document_id = \(documentId) AND tsv IS NULL
            """, logger: logger)
    }

    public func chunkCount(documentId: String) async throws -> Int {
        try await rows("SELECT count(*) FROM chunks WHERE document_id = \(documentId)").first?.get(0) ?? 0
    }

    public func chunkCount(ownerId: String, documentIds: [String]?) async throws -> Int {
        if let documentIds, documentIds.isEmpty { return 0 }
        return try await rows("""
            SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.owner_id = \(ownerId) AND (\(documentIds == nil) OR c.document_id = ANY(\(documentIds ?? [])))
            """).first?.get(0) ?? 0
    }

    public func keywordSearch(ownerId: String, query: String, documentIds: [String]?, limit: Int) async throws -> [ChunkHit] {
        let words = KeywordQuery.words(query)
        guard !words.isEmpty, limit > 0 else { return [] }
        if let documentIds, documentIds.isEmpty { return [] }
        // Each word as its own tsquery (English stemming, stopwords yield an empty query).
        let terms = try await rows("""
            SELECT w, q::text, (SELECT count(*) FROM chunks WHERE tsv @@ q) FROM unnest(\(words)) AS w,
                LATERAL plainto_tsquery('english', w) AS q WHERE numnode(q) > 0
            """)
        var queries: [String] = [], weights: [Double] = []
        let total = Double(try await rows("SELECT count(*) FROM chunks WHERE tsv IS NOT NULL").first?.get(0, as: Int.self) ?? 0)
        for row in terms {
            let matching = Double(try row.get(2, as: Int.self))
            guard matching > 0 else { continue }
            queries.append(try row.get(1))
            // BM25's idf, kept positive for words in more than half of the chunks (as FTS5 does).
            weights.append(max(1e-6, log((total - matching + 0.5) / (matching + 0.5))))
        }
        guard !queries.isEmpty else { return [] }
        return try await rows("""
            WITH terms AS (SELECT q::tsquery AS q, w FROM unnest(\(queries), \(weights)) AS t(q, w))
            SELECT c.id, c.document_id, c.ordinal, c.page, c.start_offset, c.end_offset, c.text,
                (SELECT sum(t.w * ts_rank(c.tsv, t.q, 1)) FROM terms t WHERE c.tsv @@ t.q) AS score
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.tsv @@ (SELECT string_agg('(' || q::text || ')', ' | ')::tsquery FROM terms)
                AND d.owner_id = \(ownerId) AND (\(documentIds == nil) OR c.document_id = ANY(\(documentIds ?? [])))
            ORDER BY score DESC, c.id LIMIT \(limit)
            """).map {
            ChunkHit(chunkId: try $0.get(0), documentId: try $0.get(1), ordinal: try $0.get(2), page: try $0.get(3), start: try $0.get(4),
                     end: try $0.get(5), text: try $0.get(6), score: try $0.get(7))
        }
    }

    public func chunks(ids: [Int64], ownerId: String) async throws -> [ChunkHit] {
        guard !ids.isEmpty else { return [] }
        return try await rows("""
            SELECT c.id, c.document_id, c.ordinal, c.page, c.start_offset, c.end_offset, c.text
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.owner_id = \(ownerId) AND c.id = ANY(\(ids))
            """).map {
            ChunkHit(chunkId: try $0.get(0), documentId: try $0.get(1), ordinal: try $0.get(2), page: try $0.get(3), start: try $0.get(4),
                     end: try $0.get(5), text: try $0.get(6), score: 0)
        }
    }

    public func setIndexStatus(documentId: String, _ status: IndexStatus) async throws {
        try await execute("""
            INSERT INTO document_index (document_id, status, indexed, total, model, error, updated_at)
            SELECT \(documentId), \(status.status.rawValue), \(status.indexed), \(status.total), \(status.model), \(status.error), \(status.updatedAt)
            WHERE EXISTS (SELECT 1 FROM documents WHERE id = \(documentId))
            ON CONFLICT (document_id) DO UPDATE SET status = excluded.status, indexed = excluded.indexed, total = excluded.total,
                model = excluded.model, error = excluded.error, updated_at = excluded.updated_at
            """)
    }

    public func indexStatus(documentId: String) async throws -> IndexStatus? {
        try await rows("""
            SELECT status, indexed, total, model, error, updated_at FROM document_index WHERE document_id = \(documentId)
            """).first.map {
            IndexStatus(status: IndexState(rawValue: try $0.get(0)) ?? .failed, indexed: try $0.get(1), total: try $0.get(2),
                        model: try $0.get(3), error: try $0.get(4), updatedAt: try $0.get(5))
        }
    }
}
