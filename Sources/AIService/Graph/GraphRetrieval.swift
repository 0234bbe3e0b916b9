import DocuThinkerCore
import KnowledgeGraph
public import Storage

/// Graph-augmented retrieval: a question that names entities of the caller's library also draws
/// the passages that mention them (weight 1 per mention) and their most related neighbours
/// (`neighbourWeight` per mention), and those scores are added to hybrid search's. An entity
/// mentioned in more than `maximumShare` of the caller's passages says nothing about which
/// passage answers ("R" in the R manuals) and is left out.
///
/// Measured on the retrieval evaluation sets before it is used anywhere (`docuthinker evaluate
/// --retrieval … --graph`); see README "Knowledge graph" for the numbers and where it is on.
public struct GraphRetrieval: Sendable {
    /// The layout of a document's passages: id and code-point range, in reading order.
    public typealias ChunkLayout = @Sendable (_ documentId: String, _ ownerId: String) async throws -> [(id: Int64, start: Int, end: Int)]

    let graph: any GraphStore
    let layout: ChunkLayout
    /// Passages the owner has in all (for `maximumShare`).
    let passageCount: @Sendable (_ ownerId: String) async throws -> Int
    public var neighbours = 3
    public var neighbourWeight = 0.5
    public var maximumShare = 0.05
    /// How much the graph's (normalised) score adds to hybrid search's fused score.
    public var weight = 0.3

    public init(graph: any GraphStore, layout: @escaping ChunkLayout, passageCount: @escaping @Sendable (String) async throws -> Int) {
        self.graph = graph
        self.layout = layout
        self.passageCount = passageCount
    }

    /// The entities of the owner's library the question names, by key (most specific phrase first).
    public func namedEntities(in question: String, ownerId: String) async throws -> [EntitySummary] {
        var found: [String: EntitySummary] = [:], order: [String] = []
        for phrase in QuestionNames.phrases(question) {
            for entity in try await graph.entities(ownerId: ownerId, prefix: phrase, limit: 20)
            where QuestionNames.normalise(entity.name) == phrase && found[entity.key] == nil {
                found[entity.key] = entity
                order.append(entity.key)
            }
        }
        return order.compactMap { found[$0] }
    }

    /// Passages scored by the mentions of the named entities and their neighbours, best first;
    /// empty when the question names no specific entity.
    public func passages(for question: String, ownerId: String, documentIds: Set<String>?) async throws -> [(chunkId: Int64, score: Double)] {
        let named = try await namedEntities(in: question, ownerId: ownerId)
        guard !named.isEmpty else { return [] }
        let limit = max(1.0, Double(try await passageCount(ownerId)) * maximumShare)
        var layouts: [String: [(id: Int64, start: Int, end: Int)]] = [:]
        var scores: [Int64: Double] = [:]
        func add(_ contributions: [String: EntityContribution], weight: Double) async throws -> Bool {
            var touched: [Int64: Double] = [:]
            for (documentId, contribution) in contributions where documentIds?.contains(documentId) ?? true {
                if layouts[documentId] == nil { layouts[documentId] = try await layout(documentId, ownerId) }
                let chunks = layouts[documentId] ?? []
                for mention in contribution.mentions {
                    // The first passage ending after the mention starts, and those after it that it overlaps.
                    var low = 0, high = chunks.count
                    while low < high { let mid = (low + high) / 2; if chunks[mid].end <= mention.start { low = mid + 1 } else { high = mid } }
                    var k = low
                    while k < chunks.count, chunks[k].start < mention.end { touched[chunks[k].id, default: 0] += weight; k += 1 }
                }
            }
            guard Double(touched.count) <= limit else { return false }
            scores.merge(touched, uniquingKeysWith: +)
            return true
        }
        for entity in named {
            guard let found = try await graph.entity(key: entity.key, ownerId: ownerId),
                  try await add(found.contributions, weight: 1) else { continue }
            let related = found.relations.map { $0.source == entity.key ? $0.target : $0.source }
            for key in related.prefix(neighbours) {
                if let neighbour = try await graph.entity(key: key, ownerId: ownerId) {
                    _ = try await add(neighbour.contributions, weight: neighbourWeight)
                }
            }
        }
        return scores.map { (chunkId: $0.key, score: $0.value) }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.chunkId < $1.chunkId }
    }

    /// The re-ranking step hybrid search takes (`SearchService.hybridRerank`).
    public var hybridRerank: @Sendable (String, String, [String]?, [(chunkId: Int64, score: Double)]) async throws -> [(chunkId: Int64, score: Double)] {
        let retrieval = self
        return { ownerId, query, documentIds, fused in
            retrieval.rerank(hybrid: fused, graph: try await retrieval.passages(for: query, ownerId: ownerId, documentIds: documentIds.map(Set.init)))
        }
    }

    /// The graph retrieval of a database's graph tables or graph database: passages laid out by the
    /// database's chunk rows.
    public static func over(_ store: any DatabaseStore, graph: any GraphStore) -> GraphRetrieval {
        GraphRetrieval(graph: graph, layout: { documentId, ownerId in
            let chunks = try await store.chunks(documentId: documentId, ownerId: ownerId)
            guard !chunks.isEmpty else { return [] }   // not the owner's
            return zip(try await store.chunkIds(documentId: documentId), chunks).map { (id: $0, start: $1.start, end: $1.end) }
        }, passageCount: { try await store.chunkCount(ownerId: $0, documentIds: nil) })
    }

    /// Hybrid results with the graph's passages added: each side min-max normalised, the graph's
    /// weighted by `weight`; a passage only the graph found enters with its graph score alone.
    public func rerank(hybrid: [(chunkId: Int64, score: Double)], graph: [(chunkId: Int64, score: Double)]) -> [(chunkId: Int64, score: Double)] {
        guard !graph.isEmpty else { return hybrid }
        func normalised(_ list: [(chunkId: Int64, score: Double)]) -> [Int64: Double] {
            guard let top = list.map(\.score).max(), let bottom = list.map(\.score).min() else { return [:] }
            return Dictionary(list.map { ($0.chunkId, top > bottom ? ($0.score - bottom) / (top - bottom) : 1) }, uniquingKeysWith: max)
        }
        let h = normalised(hybrid), g = normalised(graph)
        let rank = Dictionary(hybrid.enumerated().map { ($1.chunkId, $0) }, uniquingKeysWith: min)
        return Set(h.keys).union(g.keys).map { id in (chunkId: id, score: (h[id] ?? 0) + weight * (g[id] ?? 0)) }.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            let ra = rank[a.chunkId] ?? Int.max, rb = rank[b.chunkId] ?? Int.max
            return ra != rb ? ra < rb : a.chunkId < b.chunkId
        }
    }
}
