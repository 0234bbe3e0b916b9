public import DocuThinkerCore
import Foundation
public import Storage

/// The knowledge graph in an openCypher database (FalkorDB here; Neo4j and Neptune through their
/// transports). Each document's contribution is kept apart, so deleting a document removes
/// exactly what it added:
///
///     (:Doc {owner, id, version})-[:MENTIONS {name, aliases, mentions, count}]->(:Entity {owner, key, type})
///     (:Entity)-[:REL {owner, doc, label, weight, mentions}]->(:Entity)
///
/// An entity lives while some document mentions it; every node and edge carries its owner and
/// every query names it. Which documents exist, and which extraction version built each graph,
/// stay in the database beside the documents (`ledger`, the embedded graph tables' bookkeeping),
/// so the background rebuild and the owner checks work as with the embedded store.
public struct OpenCypherGraphStore: GraphStore {
    public let transport: any CypherTransport
    /// The documents' database: owner checks and the graphs' versions.
    let ledger: any GraphStore
    /// Entities and relations written per statement (one transaction holds them all).
    var batch = 400

    public init(transport: any CypherTransport, ledger: any GraphStore) {
        self.transport = transport
        self.ledger = ledger
    }

    public var description: String { transport.description }

    /// Creates the indexes the queries use (an index that exists already is fine).
    public func prepare() async throws {
        for statement in transport.indexStatements {
            do {
                _ = try await transport.run([CypherStatement(statement)])
            } catch let error as CypherError where error.message.contains("already indexed") {
                continue
            }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> CypherValue {
        .string(String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: CypherValue) -> T? {
        guard let text = value.string else { return nil }
        return try? JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The statements that remove a document's contributions and then any entity nothing mentions.
    static func removal(documentId: String, ownerId: String) -> [CypherStatement] {
        let parameters: [String: CypherValue] = ["o": .string(ownerId), "d": .string(documentId)]
        return [
            CypherStatement("MATCH (d:Doc {owner: $o, id: $d})-[m:MENTIONS]->() DELETE m", parameters),
            CypherStatement("MATCH (:Entity {owner: $o})-[r:REL {doc: $d}]->() DELETE r", parameters),
            CypherStatement("MATCH (d:Doc {owner: $o, id: $d}) DELETE d", parameters),
            CypherStatement("MATCH (e:Entity {owner: $o}) WHERE NOT ()-[:MENTIONS]->(e) DETACH DELETE e", ["o": .string(ownerId)]),
        ]
    }

    public func saveGraph(_ graph: DocumentGraph, documentId: String, ownerId: String, version: Int) async throws {
        let o = CypherValue.string(ownerId), d = CypherValue.string(documentId)
        var statements = Array(Self.removal(documentId: documentId, ownerId: ownerId).dropLast())
        statements.append(CypherStatement("CREATE (:Doc {owner: $o, id: $d, version: $v})", ["o": o, "d": d, "v": .int(Int64(version))]))
        for start in stride(from: 0, to: graph.entities.count, by: batch) {
            let rows = try graph.entities[start..<min(graph.entities.count, start + batch)].map { entity -> CypherValue in
                .map(["key": .string(entity.key), "type": .string(entity.type), "name": .string(entity.name),
                      "aliases": try Self.json(entity.aliases), "mentions": try Self.json(entity.mentions),
                      "count": .int(Int64(entity.mentions.count))])
            }
            statements.append(CypherStatement("""
                UNWIND $rows AS x MATCH (d:Doc {owner: $o, id: $d}) MERGE (e:Entity {owner: $o, key: x.key}) ON CREATE SET e.type = x.type \
                CREATE (d)-[:MENTIONS {name: x.name, aliases: x.aliases, mentions: x.mentions, count: x.count}]->(e)
                """, ["o": o, "d": d, "rows": .list(rows)]))
        }
        for start in stride(from: 0, to: graph.relations.count, by: batch) {
            let rows = try graph.relations[start..<min(graph.relations.count, start + batch)].map { relation -> CypherValue in
                .map(["source": .string(relation.source), "target": .string(relation.target), "label": .string(relation.label),
                      "weight": .int(Int64(relation.weight)), "mentions": try Self.json(relation.mentions)])
            }
            statements.append(CypherStatement("""
                UNWIND $rows AS x MATCH (a:Entity {owner: $o, key: x.source}), (b:Entity {owner: $o, key: x.target}) \
                CREATE (a)-[:REL {owner: $o, doc: $d, label: x.label, weight: x.weight, mentions: x.mentions}]->(b)
                """, ["o": o, "d": d, "rows": .list(rows)]))
        }
        statements.append(Self.removal(documentId: documentId, ownerId: ownerId).last!)
        _ = try await transport.run(statements)
        // The version is recorded beside the document, which also tells whether the document is
        // (still) the owner's: when it is not, what was just written goes again.
        try await ledger.saveGraph(DocumentGraph(entities: [], relations: []), documentId: documentId, ownerId: ownerId, version: version)
        if try await ledger.graphVersion(documentId: documentId, ownerId: ownerId) == nil {
            try await forgetDocument(documentId: documentId, ownerId: ownerId)
        }
    }

    public func forgetDocument(documentId: String, ownerId: String) async throws {
        _ = try await transport.run(Self.removal(documentId: documentId, ownerId: ownerId))
        try await ledger.forgetDocument(documentId: documentId, ownerId: ownerId)
    }

    public func documentGraph(documentId: String, ownerId: String) async throws -> DocumentGraph? {
        let parameters: [String: CypherValue] = ["o": .string(ownerId), "d": .string(documentId)]
        let results = try await transport.run([
            CypherStatement("""
                MATCH (:Doc {owner: $o, id: $d})-[m:MENTIONS]->(e:Entity) RETURN e.key AS key, m.name AS name, e.type AS type, m.aliases AS aliases, m.mentions AS mentions ORDER BY key
                """, parameters),
            CypherStatement("""
                MATCH (a:Entity {owner: $o})-[r:REL {doc: $d}]->(b:Entity) \
                RETURN a.key AS source, b.key AS target, r.label AS label, r.weight AS weight, r.mentions AS mentions \
                ORDER BY source, target, label
                """, parameters),
        ])
        let entities = results[0].map(Self.entity)
        let relations = results[1].map { row in
            RelationContribution(source: row[0].string ?? "", target: row[1].string ?? "", label: row[2].string ?? "",
                                 weight: row[3].int ?? 0, mentions: Self.decode([SourceSpan].self, row[4]) ?? [])
        }
        return entities.isEmpty && relations.isEmpty ? nil : DocumentGraph(entities: entities, relations: relations)
    }

    static func entity(_ row: [CypherValue]) -> EntityContribution {
        EntityContribution(key: row[0].string ?? "", name: row[1].string ?? "", type: row[2].string ?? "concept",
                           aliases: decode([String].self, row[3]) ?? [], mentions: decode([SourceSpan].self, row[4]) ?? [])
    }

    public func entities(ownerId: String, prefix: String, limit: Int) async throws -> [EntitySummary] {
        // As the embedded store: contributions whose name or key starts with the prefix, grouped by
        // entity, named as the document that mentions it most names it.
        let rows = try await transport.run([CypherStatement("""
            MATCH (d:Doc {owner: $o})-[m:MENTIONS]->(e:Entity) WHERE toLower(m.name) STARTS WITH $p OR e.key STARTS WITH $p \
            WITH e, m ORDER BY m.count DESC, d.id \
            WITH e, collect(m.name) AS names, count(m) AS documents, sum(m.count) AS mentions \
            RETURN e.key AS key, names[0] AS name, e.type AS type, documents, mentions ORDER BY mentions DESC, key LIMIT $limit
            """, ["o": .string(ownerId), "p": .string(prefix.lowercased()), "limit": .int(Int64(limit))])])[0]
        return rows.map {
            EntitySummary(key: $0[0].string ?? "", name: $0[1].string ?? "", type: $0[2].string ?? "concept",
                          documentCount: $0[3].int ?? 0, mentionCount: $0[4].int ?? 0)
        }
    }

    public func entity(key: String, ownerId: String) async throws -> (contributions: [String: EntityContribution], relations: [LibraryRelation])? {
        let parameters: [String: CypherValue] = ["o": .string(ownerId), "k": .string(key)]
        let results = try await transport.run([
            CypherStatement("""
                MATCH (d:Doc {owner: $o})-[m:MENTIONS]->(e:Entity {owner: $o, key: $k}) RETURN e.key AS key, m.name AS name, e.type AS type, m.aliases AS aliases, m.mentions AS mentions, d.id AS document
                """, parameters),
            CypherStatement("""
                MATCH (a:Entity {owner: $o})-[r:REL]->(b:Entity {owner: $o}) WHERE a.key = $k OR b.key = $k \
                WITH a.key AS source, b.key AS target, r.label AS label, sum(r.weight) AS weight \
                RETURN source, target, label, weight ORDER BY weight DESC, source, target, label
                """, parameters),
        ])
        guard !results[0].isEmpty else { return nil }
        var contributions: [String: EntityContribution] = [:]
        for row in results[0] { contributions[row[5].string ?? ""] = Self.entity(row) }
        let relations = results[1].map {
            LibraryRelation(source: $0[0].string ?? "", target: $0[1].string ?? "", label: $0[2].string ?? "", weight: $0[3].int ?? 0)
        }
        return (contributions, relations)
    }

    public func graphVersion(documentId: String, ownerId: String) async throws -> Int? {
        try await ledger.graphVersion(documentId: documentId, ownerId: ownerId)
    }

    public func documentsNeedingGraph(version: Int, limit: Int) async throws -> [DocumentReference] {
        try await ledger.documentsNeedingGraph(version: version, limit: limit)
    }

    public func graphProgress(ownerId: String, version: Int) async throws -> (current: Int, ready: Int) {
        try await ledger.graphProgress(ownerId: ownerId, version: version)
    }
}
