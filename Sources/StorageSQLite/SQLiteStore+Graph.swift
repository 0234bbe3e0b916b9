import DocuThinkerCore
import Foundation
import GRDB
public import Storage

extension SQLiteStore: GraphStore {
    public func saveGraph(_ graph: DocumentGraph, documentId: String, ownerId: String, version: Int) async throws {
        let entities = try graph.entities.map { ($0, try StoredJSON.text($0.aliases), try StoredJSON.text($0.mentions)) }
        let relations = try graph.relations.map { ($0, try StoredJSON.text($0.mentions)) }
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ? AND ownerId = ?)",
                                    arguments: [documentId, ownerId]) == true else { return }
            try db.execute(sql: "DELETE FROM graph_entities WHERE documentId = ?", arguments: [documentId])
            try db.execute(sql: "DELETE FROM graph_relations WHERE documentId = ?", arguments: [documentId])
            for (entity, aliases, mentions) in entities {
                try db.execute(sql: """
                    INSERT INTO graph_entities (documentId, ownerId, key, name, type, aliases, mentions, mentionCount)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [documentId, ownerId, entity.key, entity.name, entity.type, aliases, mentions, entity.mentions.count])
            }
            for (relation, mentions) in relations {
                try db.execute(sql: """
                    INSERT INTO graph_relations (documentId, ownerId, source, target, label, weight, mentions) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [documentId, ownerId, relation.source, relation.target, relation.label, relation.weight, mentions])
            }
            try db.execute(sql: """
                INSERT INTO graph_builds (documentId, ownerId, version, builtAt) VALUES (?, ?, ?, ?)
                ON CONFLICT (documentId) DO UPDATE SET version = excluded.version, builtAt = excluded.builtAt
                """, arguments: [documentId, ownerId, version, Date.now])
        }
    }

    public func forgetDocument(documentId: String, ownerId: String) async throws {
        try await pool.write { db in
            for table in ["graph_entities", "graph_relations", "graph_builds"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE documentId = ? AND ownerId = ?", arguments: [documentId, ownerId])
            }
        }
    }

    public func graphVersion(documentId: String, ownerId: String) async throws -> Int? {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM graph_builds WHERE documentId = ? AND ownerId = ?", arguments: [documentId, ownerId])
        }
    }

    public func documentsNeedingGraph(version: Int, limit: Int) async throws -> [DocumentReference] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.ownerId FROM documents d LEFT JOIN graph_builds g ON g.documentId = d.id
                WHERE d.status = 'ready' AND (g.version IS NULL OR g.version <> ?) ORDER BY d.createdAt, d.id LIMIT ?
                """, arguments: [version, limit]).map { DocumentReference(documentId: $0[0], ownerId: $0[1]) }
        }
    }

    public func graphProgress(ownerId: String, version: Int) async throws -> (current: Int, ready: Int) {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), COALESCE(SUM(CASE WHEN g.version = ? THEN 1 ELSE 0 END), 0)
                FROM documents d LEFT JOIN graph_builds g ON g.documentId = d.id WHERE d.ownerId = ? AND d.status = 'ready'
                """, arguments: [version, ownerId])
            return (row?[1] ?? 0, row?[0] ?? 0)
        }
    }

    public func documentGraph(documentId: String, ownerId: String) async throws -> DocumentGraph? {
        try await pool.read { db in
            let entities = try Row.fetchAll(db, sql: """
                SELECT key, name, type, aliases, mentions FROM graph_entities WHERE documentId = ? AND ownerId = ? ORDER BY key
                """, arguments: [documentId, ownerId]).map(Self.entity)
            let relations = try Row.fetchAll(db, sql: """
                SELECT source, target, label, weight, mentions FROM graph_relations WHERE documentId = ? AND ownerId = ?
                ORDER BY source, target, label
                """, arguments: [documentId, ownerId]).map {
                RelationContribution(source: $0[0], target: $0[1], label: $0[2], weight: $0[3],
                                     mentions: StoredJSON.value([SourceSpan].self, from: $0[4] as String) ?? [])
            }
            return entities.isEmpty && relations.isEmpty ? nil : DocumentGraph(entities: entities, relations: relations)
        }
    }

    public func entities(ownerId: String, prefix: String, limit: Int) async throws -> [EntitySummary] {
        let pattern = GraphQueries.likePrefix(prefix)
        return try await pool.read { db in
            // SQLite takes the bare columns (name, type) from the row holding MAX(mentionCount):
            // the name the document that mentions the entity most uses.
            try Row.fetchAll(db, sql: """
                SELECT key, name, type, COUNT(*), SUM(mentionCount), MAX(mentionCount) FROM graph_entities
                WHERE ownerId = ? AND (lower(name) LIKE ? ESCAPE '\\' OR lower(key) LIKE ? ESCAPE '\\')
                GROUP BY key ORDER BY SUM(mentionCount) DESC, key LIMIT ?
                """, arguments: [ownerId, pattern, pattern, limit]).map {
                EntitySummary(key: $0[0], name: $0[1], type: $0[2], documentCount: $0[3], mentionCount: $0[4])
            }
        }
    }

    public func entity(key: String, ownerId: String) async throws -> (contributions: [String: EntityContribution], relations: [LibraryRelation])? {
        try await pool.read { db in
            var contributions: [String: EntityContribution] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT key, name, type, aliases, mentions, documentId FROM graph_entities WHERE ownerId = ? AND key = ?
                """, arguments: [ownerId, key]) {
                contributions[row[5]] = Self.entity(row)
            }
            guard !contributions.isEmpty else { return nil }
            let relations = try Row.fetchAll(db, sql: """
                SELECT source, target, label, SUM(weight) FROM graph_relations WHERE ownerId = ? AND (source = ? OR target = ?)
                GROUP BY source, target, label ORDER BY SUM(weight) DESC, source, target, label
                """, arguments: [ownerId, key, key]).map { LibraryRelation(source: $0[0], target: $0[1], label: $0[2], weight: $0[3]) }
            return (contributions, relations)
        }
    }

    private static func entity(_ row: Row) -> EntityContribution {
        EntityContribution(key: row[0], name: row[1], type: row[2], aliases: StoredJSON.value([String].self, from: row[3] as String) ?? [],
                           mentions: StoredJSON.value([SourceSpan].self, from: row[4] as String) ?? [])
    }
}
