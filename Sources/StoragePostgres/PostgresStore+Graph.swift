import DocuThinkerCore
import Foundation
import PostgresNIO
public import Storage

extension PostgresStore: GraphStore {
    public func saveGraph(_ graph: DocumentGraph, documentId: String, ownerId: String, version: Int) async throws {
        let entities = try graph.entities.map { ($0, try StoredJSON.text($0.aliases), try StoredJSON.text($0.mentions)) }
        let relations = try graph.relations.map { ($0, try StoredJSON.text($0.mentions)) }
        try await transaction { connection in
            // Locks the document row: a delete running at the same time waits, or wins and leaves nothing to save.
            guard try await connection.query("SELECT 1 FROM documents WHERE id = \(documentId) AND owner_id = \(ownerId) FOR UPDATE",
                                             logger: logger).collect().count == 1 else { return }
            try await connection.query("DELETE FROM graph_entities WHERE document_id = \(documentId)", logger: logger)
            try await connection.query("DELETE FROM graph_relations WHERE document_id = \(documentId)", logger: logger)
            for (entity, aliases, mentions) in entities {
                try await connection.query("""
                    INSERT INTO graph_entities (document_id, owner_id, key, name, type, aliases, mentions, mention_count)
                    VALUES (\(documentId), \(ownerId), \(entity.key), \(entity.name), \(entity.type), \(aliases)::jsonb, \(mentions)::jsonb,
                            \(entity.mentions.count))
                    """, logger: logger)
            }
            for (relation, mentions) in relations {
                try await connection.query("""
                    INSERT INTO graph_relations (document_id, owner_id, source, target, label, weight, mentions)
                    VALUES (\(documentId), \(ownerId), \(relation.source), \(relation.target), \(relation.label), \(relation.weight), \(mentions)::jsonb)
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO graph_builds (document_id, owner_id, version, built_at) VALUES (\(documentId), \(ownerId), \(version), \(Date.now))
                ON CONFLICT (document_id) DO UPDATE SET version = excluded.version, built_at = excluded.built_at
                """, logger: logger)
        }
    }

    public func forgetDocument(documentId: String, ownerId: String) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM graph_entities WHERE document_id = \(documentId) AND owner_id = \(ownerId)", logger: logger)
            try await connection.query("DELETE FROM graph_relations WHERE document_id = \(documentId) AND owner_id = \(ownerId)", logger: logger)
            try await connection.query("DELETE FROM graph_builds WHERE document_id = \(documentId) AND owner_id = \(ownerId)", logger: logger)
        }
    }

    public func graphVersion(documentId: String, ownerId: String) async throws -> Int? {
        try await rows("SELECT version FROM graph_builds WHERE document_id = \(documentId) AND owner_id = \(ownerId)")
            .first.map { Int(try $0.get(0) as Int64) }
    }

    public func documentsNeedingGraph(version: Int, limit: Int) async throws -> [DocumentReference] {
        try await rows("""
            SELECT d.id, d.owner_id FROM documents d LEFT JOIN graph_builds g ON g.document_id = d.id
            WHERE d.status = 'ready' AND (g.version IS NULL OR g.version <> \(version)) ORDER BY d.created_at, d.id LIMIT \(limit)
            """).map { DocumentReference(documentId: try $0.get(0), ownerId: try $0.get(1)) }
    }

    public func graphProgress(ownerId: String, version: Int) async throws -> (current: Int, ready: Int) {
        let row = try await rows("""
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN g.version = \(version) THEN 1 ELSE 0 END), 0)
            FROM documents d LEFT JOIN graph_builds g ON g.document_id = d.id WHERE d.owner_id = \(ownerId) AND d.status = 'ready'
            """).first
        guard let row else { return (0, 0) }
        return (Int(try row.get(1) as Int64), Int(try row.get(0) as Int64))
    }

    public func documentGraph(documentId: String, ownerId: String) async throws -> DocumentGraph? {
        let entities = try await rows("""
            SELECT key, name, type, aliases::text, mentions::text FROM graph_entities
            WHERE document_id = \(documentId) AND owner_id = \(ownerId) ORDER BY key
            """).map(Self.entity)
        let relations = try await rows("""
            SELECT source, target, label, weight, mentions::text FROM graph_relations
            WHERE document_id = \(documentId) AND owner_id = \(ownerId) ORDER BY source, target, label
            """).map {
            RelationContribution(source: try $0.get(0), target: try $0.get(1), label: try $0.get(2), weight: Int(try $0.get(3) as Int64),
                                 mentions: StoredJSON.value([SourceSpan].self, from: try $0.get(4) as String) ?? [])
        }
        return entities.isEmpty && relations.isEmpty ? nil : DocumentGraph(entities: entities, relations: relations)
    }

    public func entities(ownerId: String, prefix: String, limit: Int) async throws -> [EntitySummary] {
        let pattern = GraphQueries.likePrefix(prefix)
        // The name and type of the document that mentions the entity most.
        return try await rows("""
            SELECT key, (array_agg(name ORDER BY mention_count DESC, document_id))[1], (array_agg(type ORDER BY mention_count DESC, document_id))[1],
                   count(*), sum(mention_count)::bigint
            FROM graph_entities WHERE owner_id = \(ownerId) AND (lower(name) LIKE \(pattern) OR lower(key) LIKE \(pattern))
            GROUP BY key ORDER BY sum(mention_count) DESC, key LIMIT \(limit)
            """).map {
            EntitySummary(key: try $0.get(0), name: try $0.get(1), type: try $0.get(2), documentCount: Int(try $0.get(3) as Int64),
                          mentionCount: Int(try $0.get(4) as Int64))
        }
    }

    public func entity(key: String, ownerId: String) async throws -> (contributions: [String: EntityContribution], relations: [LibraryRelation])? {
        var contributions: [String: EntityContribution] = [:]
        for row in try await rows("""
            SELECT key, name, type, aliases::text, mentions::text, document_id FROM graph_entities WHERE owner_id = \(ownerId) AND key = \(key)
            """) {
            contributions[try row.get(5)] = try Self.entity(row)
        }
        guard !contributions.isEmpty else { return nil }
        let relations = try await rows("""
            SELECT source, target, label, sum(weight)::bigint FROM graph_relations WHERE owner_id = \(ownerId) AND (source = \(key) OR target = \(key))
            GROUP BY source, target, label ORDER BY sum(weight) DESC, source, target, label
            """).map { LibraryRelation(source: try $0.get(0), target: try $0.get(1), label: try $0.get(2), weight: Int(try $0.get(3) as Int64)) }
        return (contributions, relations)
    }

    private static func entity(_ row: PostgresRandomAccessRow) throws -> EntityContribution {
        EntityContribution(key: try row.get(0), name: try row.get(1), type: try row.get(2),
                           aliases: StoredJSON.value([String].self, from: try row.get(3) as String) ?? [],
                           mentions: StoredJSON.value([SourceSpan].self, from: try row.get(4) as String) ?? [])
    }
}
