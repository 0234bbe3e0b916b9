import AIService
import DocuThinkerCore
import Foundation
import KnowledgeGraph
import Storage

/// The knowledge graph as every edge reads it (REST; MCP and GraphQL to follow): one document's
/// nodes and edges, entity search across the owner's library, one entity with its documents,
/// mentions (quoted) and neighbours, and the rebuild's progress. Everything is scoped to the owner.
struct GraphReader: Sendable {
    let graph: any GraphStore
    let documents: any DocumentRepository

    /// A span of the document's text (code points, and the page it starts on).
    struct Span: Codable, Sendable {
        var start: Int
        var end: Int
        var page: Int
        /// The text at the span (entity pages only).
        var quote: String?
    }

    struct Node: Codable, Sendable {
        var id: String
        var name: String
        var type: String
        var aliases: [String]
        var mentions: [Span]
    }

    struct Edge: Codable, Sendable {
        var source: String
        var target: String
        var label: String
        var weight: Int
        var mentions: [Span]
    }

    /// `GET /v1/documents/{id}/graph`.
    struct DocumentGraphBody: Codable, Sendable {
        var documentId: String
        /// `ready` (built by the current extractor), `stale` (built by an older one; a rebuild is
        /// queued) or `pending` (not built yet).
        var status: String
        var version: Int?
        var nodes: [Node]
        var edges: [Edge]
    }

    struct EntityListItem: Codable, Sendable {
        var id: String
        var name: String
        var type: String
        var documentCount: Int
        var mentionCount: Int
    }

    struct EntityDocument: Codable, Sendable {
        var documentId: String
        var title: String?
        var name: String
        var aliases: [String]
        var mentionCount: Int
        /// The first mentions, each with its quote.
        var mentions: [Span]
    }

    struct Neighbour: Codable, Sendable {
        var id: String
        var name: String?
        var type: String?
        var label: String
        var weight: Int
        /// `out` when this entity is the relation's source, `in` when it is the target.
        var direction: String
    }

    struct EntityBody: Codable, Sendable {
        var id: String
        var name: String
        var type: String
        var aliases: [String]
        var documents: [EntityDocument]
        var neighbours: [Neighbour]
    }

    struct PathNode: Codable, Sendable {
        var id: String
        var name: String
        var type: String
    }

    struct PathEdge: Codable, Sendable {
        var source: String
        var target: String
        var label: String
        var weight: Int
    }

    /// `GET /v1/graph/path`: the shortest chain of relations between two entities, if one is
    /// within `maxHops` (and the search's budget).
    struct PathBody: Codable, Sendable {
        var from: String
        var to: String
        var found: Bool
        var hops: Int?
        var nodes: [PathNode]
        var edges: [PathEdge]
    }

    struct StatusBody: Codable, Sendable {
        var version: Int
        var readyDocuments: Int
        var current: Int
        var pending: Int
    }

    static let mentionsPerDocument = 20
    static let neighbourLimit = 50

    static let notFound = DomainError(.notFound, code: "not_found", message: "No such entity.")

    func documentGraph(id: String, ownerId: String) async throws -> DocumentGraphBody {
        guard let record = try await documents.document(id: id, ownerId: ownerId) else { throw DocumentErrors.notFound }
        let version = try await graph.graphVersion(documentId: id, ownerId: ownerId)
        guard let version else {
            if record.status != .ready { throw DocumentErrors.contentUnavailable(record) }
            return DocumentGraphBody(documentId: id, status: "pending", version: nil, nodes: [], edges: [])
        }
        let stored = try await graph.documentGraph(documentId: id, ownerId: ownerId) ?? DocumentGraph(entities: [], relations: [])
        let spans = { (spans: [SourceSpan]) in spans.map { Span(start: $0.start, end: $0.end, page: $0.page) } }
        return DocumentGraphBody(
            documentId: id, status: version == EntityExtractor.version ? "ready" : "stale", version: version,
            nodes: stored.entities.map { Node(id: $0.key, name: $0.name, type: $0.type, aliases: $0.aliases, mentions: spans($0.mentions)) },
            edges: stored.relations.map { Edge(source: $0.source, target: $0.target, label: $0.label, weight: $0.weight, mentions: spans($0.mentions)) })
    }

    /// Entities whose name (or id) starts with `query`, then — when few do — those within a
    /// small edit distance of it (a misspelt "Merkle" finds "Angela Merkel"), most mentioned first.
    func entities(query: String, limit: Int, ownerId: String) async throws -> [EntityListItem] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        var found = try await graph.entities(ownerId: ownerId, prefix: trimmed, limit: limit)
        if found.count < limit, trimmed.count >= 3 {
            let seen = Set(found.map(\.key))
            let candidates = try await graph.entities(ownerId: ownerId, prefix: "", limit: 2_000)
            let fuzzy = candidates.filter { !seen.contains($0.key) && Self.resembles(trimmed, $0.name) }
            found += fuzzy.prefix(limit - found.count)
        }
        return found.map { EntityListItem(id: $0.key, name: $0.name, type: $0.type, documentCount: $0.documentCount, mentionCount: $0.mentionCount) }
    }

    /// Whether `query` matches the start of `name` or of one of its words within one edit
    /// (two from six letters on), ignoring case.
    static func resembles(_ query: String, _ name: String) -> Bool {
        let q = Array(query.lowercased())
        let allowed = q.count >= 6 ? 2 : 1
        let lower = name.lowercased()
        let starts = [lower] + lower.split(separator: " ").dropFirst().map(String.init)
        return starts.contains { start in
            let candidate = Array(start)
            return [q.count - 1, q.count, q.count + 1].contains { length in
                length > 0 && length <= candidate.count && editDistance(q, Array(candidate.prefix(length))) <= allowed
            }
        }
    }

    /// Edits between two strings (insert, delete, substitute, or swap two neighbours: "smtih" is
    /// one edit from "smith").
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    func entity(id: String, ownerId: String) async throws -> EntityBody {
        guard let found = try await graph.entity(key: id, ownerId: ownerId) else { throw Self.notFound }
        let titles = try await DocumentTitles.of(Array(found.contributions.keys), ownerId: ownerId, in: documents)
        var bodies: [EntityDocument] = []
        for (documentId, contribution) in found.contributions.sorted(by: { $0.value.mentions.count > $1.value.mentions.count || ($0.value.mentions.count == $1.value.mentions.count && $0.key < $1.key) }) {
            let text = try await documents.content(documentId: documentId, ownerId: ownerId).map { ScalarText($0.text) }
            let mentions = contribution.mentions.prefix(Self.mentionsPerDocument).map {
                Span(start: $0.start, end: $0.end, page: $0.page, quote: text?.slice($0.start, $0.end))
            }
            bodies.append(EntityDocument(documentId: documentId, title: titles[documentId], name: contribution.name,
                                         aliases: contribution.aliases, mentionCount: contribution.mentions.count, mentions: mentions))
        }
        var neighbours: [Neighbour] = []
        for relation in found.relations.prefix(Self.neighbourLimit) {
            let outgoing = relation.source == id
            let other = outgoing ? relation.target : relation.source
            let summary = try await graph.entity(key: other, ownerId: ownerId)?.contributions.values.max { $0.mentions.count < $1.mentions.count }
            neighbours.append(Neighbour(id: other, name: summary?.name, type: summary?.type, label: relation.label, weight: relation.weight,
                                        direction: outgoing ? "out" : "in"))
        }
        let main = bodies.first
        var aliases: [String] = []
        for body in bodies { for alias in body.aliases where !aliases.contains(alias) { aliases.append(alias) } }
        return EntityBody(id: id, name: main?.name ?? id, type: found.contributions.values.first?.type ?? "concept", aliases: aliases,
                          documents: bodies, neighbours: neighbours)
    }

    /// Entities whose relations a path search may read (each is one store query): a bound on the
    /// work of one request whatever the library's size.
    static let pathBudget = 300
    static let maxHops = 1...6

    /// How strongly a relation joins: its weight, then whether the text names it.
    static func strength(_ relation: LibraryRelation) -> (Int, Int) { (relation.weight, relation.label == "mentioned with" ? 0 : 1) }

    /// The shortest path between two of the owner's entities, breadth first over their relations
    /// (strongest first), at most `maxHops` long.
    func path(from: String, to: String, maxHops: Int, ownerId: String) async throws -> PathBody {
        guard let start = try await graph.entity(key: from, ownerId: ownerId),
              let end = try await graph.entity(key: to, ownerId: ownerId) else { throw Self.notFound }
        func node(_ id: String, _ found: [String: EntityContribution]) -> PathNode {
            let main = found.values.max { $0.mentions.count < $1.mentions.count }
            return PathNode(id: id, name: main?.name ?? id, type: main?.type ?? "concept")
        }
        guard from != to else { return PathBody(from: from, to: to, found: true, hops: 0, nodes: [node(from, start.contributions)], edges: []) }
        var reached: [String: (previous: String, relation: LibraryRelation)] = [:]
        var frontier = [from], seen: Set<String> = [from], expansions = 0
        search: for _ in 0..<maxHops {
            var next: [String] = []
            for key in frontier {
                guard expansions < Self.pathBudget else { break search }
                expansions += 1
                let relations = key == from ? start.relations : (try await graph.entity(key: key, ownerId: ownerId)?.relations ?? [])
                // Strongest first; at equal weight a relation the text names before a bare co-occurrence.
                for relation in relations.sorted(by: { Self.strength($0) > Self.strength($1) }) {
                    let other = relation.source == key ? relation.target : relation.source
                    guard seen.insert(other).inserted else { continue }
                    reached[other] = (key, relation)
                    if other == to { break search }
                    next.append(other)
                }
            }
            frontier = next
        }
        guard reached[to] != nil else { return PathBody(from: from, to: to, found: false, hops: nil, nodes: [], edges: []) }
        var chain = [to], edges: [PathEdge] = []
        while let step = reached[chain[0]] {
            edges.insert(PathEdge(source: step.relation.source, target: step.relation.target, label: step.relation.label,
                                  weight: step.relation.weight), at: 0)
            chain.insert(step.previous, at: 0)
        }
        var nodes: [PathNode] = []
        for id in chain {
            let found = id == from ? start.contributions : id == to ? end.contributions
                : (try await graph.entity(key: id, ownerId: ownerId)?.contributions ?? [:])
            nodes.append(node(id, found))
        }
        return PathBody(from: from, to: to, found: true, hops: edges.count, nodes: nodes, edges: edges)
    }

    func status(ownerId: String) async throws -> StatusBody {
        let progress = try await graph.graphProgress(ownerId: ownerId, version: EntityExtractor.version)
        return StatusBody(version: EntityExtractor.version, readyDocuments: progress.ready, current: progress.current,
                          pending: progress.ready - progress.current)
    }
}
