import DocuThinkerCore
import Foundation
import Logging
import PostgresNIO
public import Storage

/// Keyword search on PostgreSQL: a `tsvector` per chunk (filled by the keyword-index stage) in
/// `chunk_terms` under a GIN index, matched with an OR of the question's words and ranked
/// BM25-style: each matched word counts by its rarity among the chunks (idf, counted through the
/// index) times `ts_rank`'s length-normalised frequency — FTS5's bm25 ranks the same way, so
/// hybrid search keeps its quality on either engine.
extension PostgresStore: SearchRepository {
    public func indexKeywords(documentId: String) async throws {
        try await transaction { connection in
            try await Self.indexKeywords(documentId: documentId, on: connection, logger: logger)
        }
    }

    static func indexKeywords(documentId: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute("""
            INSERT INTO chunk_terms (chunk_id, owner_id, document_id, tsv)
            SELECT c.id, d.owner_id, c.document_id, to_tsvector('english', c.text) FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.document_id = \(documentId)
            ON CONFLICT (chunk_id) DO NOTHING
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
        // Each word as its own tsquery (English stemming; stopwords give an empty query), with the
        // number of chunks it matches; the chunk count is the planner's estimate once the table has
        // been analysed (exact enough for an idf, and free), counted while it is small.
        let terms = try await rows("""
            SELECT q::text, (SELECT count(*) FROM chunk_terms WHERE tsv @@ q) FROM unnest(\(words)) AS w,
                LATERAL plainto_tsquery('english', w) AS q WHERE numnode(q) > 0
            """)
        var total = Double(try await rows("SELECT reltuples FROM pg_class WHERE oid = 'chunk_terms'::regclass").first?.get(0, as: Float.self) ?? 0)
        if total < 10_000 { total = Double(try await rows("SELECT count(*) FROM chunk_terms").first?.get(0, as: Int.self) ?? 0) }
        var queries: [String] = [], weights: [Double] = []
        for row in terms {
            let matching = Double(try row.get(1, as: Int.self))
            guard matching > 0 else { continue }
            queries.append(try row.get(0))
            // BM25's idf, kept positive for words in more than half of the chunks (as FTS5 does).
            weights.append(max(1e-6, log((max(total, matching) - matching + 0.5) / (matching + 0.5))))
        }
        guard !queries.isEmpty else { return [] }
        // One ts_rank per word, written out (a correlated sum over a word table cost twice as much).
        var binds = PostgresBindings()
        var score: [String] = []
        for (query, weight) in zip(queries, weights) {
            binds.append(query)
            score.append("\(weight) * ts_rank(t.tsv, $\(binds.count)::tsquery, 1)")
        }
        binds.append(queries.map { "(\($0))" }.joined(separator: " | "))
        let any = binds.count
        binds.append(ownerId)
        let owner = binds.count
        var filter = ""
        if let documentIds {
            binds.append(documentIds)
            filter = " AND t.document_id = ANY($\(binds.count))"
        }
        binds.append(limit)
        let sql = """
            SELECT c.id, c.document_id, c.ordinal, c.page, c.start_offset, c.end_offset, c.text, r.score
            FROM (SELECT t.chunk_id, (\(score.joined(separator: " + ")))::float8 AS score FROM chunk_terms t
                  WHERE t.tsv @@ $\(any)::tsquery AND t.owner_id = $\(owner)\(filter)
                  ORDER BY score DESC, t.chunk_id LIMIT $\(binds.count)) r
            JOIN chunks c ON c.id = r.chunk_id
            ORDER BY r.score DESC, c.id
            """
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map {
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
