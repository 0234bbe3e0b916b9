import DocuThinkerCore
import Foundation
import PostgresNIO
public import Storage

extension PostgresStore: GraphStore {
    public func saveGraph(_ graph: DocumentGraph, documentId: String, ownerId: String) async throws {
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
        }
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
