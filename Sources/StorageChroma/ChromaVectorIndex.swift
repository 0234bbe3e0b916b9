import Foundation
import Synchronization
public import Storage

/// `VectorIndex` in a Chroma collection (v2 HTTP API). Chroma holds the vectors and ranks them
/// (cosine space); the database keeps the chunks. Each vector carries `owner`, `document_id`,
/// `model` and `chunk_id` metadata, and every query filters on owner and model (and documents when
/// asked), so one user's query never ranks another's chunks. Ids are `<chunk id>:<model>`.
public struct ChromaVectorIndex: VectorIndex {
    public let model: String
    public let dimensions: Int
    let client: ChromaClient
    /// The chunks (to know which still need a vector) and whether a document still exists.
    let chunks: any VectorStorage & DocumentRepository
    private let collection: CollectionId

    public init(client: ChromaClient, chunks: any VectorStorage & DocumentRepository, model: String, dimensions: Int) {
        self.client = client
        self.chunks = chunks
        self.model = model
        self.dimensions = dimensions
        collection = CollectionId()
    }

    public func chunksToEmbed(documentId: String) async throws -> [(chunkId: Int64, text: String)] {
        // Vectors of a `chroma:` model are never stored in the database: this lists every chunk.
        let all = try await chunks.chunksToEmbed(documentId: documentId, model: "chroma:" + model)
        guard !all.isEmpty else { return [] }
        let stored = try await call("get", [
            "where": ["$and": [["document_id": ["$eq": documentId]], ["model": ["$eq": model]]]],
            "include": [String](),
        ])
        let present = Set((stored["ids"] as? [String] ?? []).compactMap(Self.chunkId))
        return all.filter { !present.contains($0.chunkId) }
    }

    public func save(_ vectors: [ChunkVector], documentId: String, owner: String) async throws {
        try requireDimensions(vectors)
        guard !vectors.isEmpty else { return }
        for start in stride(from: 0, to: vectors.count, by: client.configuration.batchSize) {
            let batch = vectors[start..<min(vectors.count, start + client.configuration.batchSize)]
            _ = try await call("upsert", [
                "ids": batch.map { id($0.chunkId) },
                "embeddings": batch.map { $0.vector.map(Double.init) },
                "metadatas": batch.map { ["owner": owner, "document_id": documentId, "model": model, "chunk_id": $0.chunkId] as [String: Any] },
            ])
        }
        // A job that had not yet seen its document's delete: its late vectors go too.
        if try await chunks.documentExists(id: documentId) == false {
            try await remove(documentId: documentId, owner: owner)
        }
    }

    public func search(owner: String, query: [Float], k: Int, documents: Set<String>?) async throws -> [VectorHit] {
        guard query.count == dimensions, k > 0 else { return [] }
        if let documents, documents.isEmpty { return [] }
        var clauses: [[String: Any]] = [["owner": ["$eq": owner]], ["model": ["$eq": model]]]
        if let documents { clauses.append(["document_id": ["$in": documents.sorted()]]) }
        // A few more than asked, so that ties at the cut are broken by chunk id, as everywhere.
        let reply = try await call("query", [
            "query_embeddings": [query.map(Double.init)], "n_results": k + 8,
            "where": ["$and": clauses], "include": ["distances", "metadatas"],
        ])
        let ids = (reply["ids"] as? [[String]])?.first ?? []
        let distances = (reply["distances"] as? [[Any]])?.first ?? []
        let metadatas = (reply["metadatas"] as? [[Any]])?.first ?? []
        var hits: [VectorHit] = []
        for (i, id) in ids.enumerated() {
            guard let chunkId = Self.chunkId(id), i < distances.count, i < metadatas.count,
                  let distance = Self.number(distances[i]),
                  let document = (metadatas[i] as? [String: Any])?["document_id"] as? String else { continue }
            hits.append(VectorHit(chunkId: chunkId, documentId: document, score: 1 - distance))
        }
        return Array(hits.sorted { ($0.score, $1.chunkId) > ($1.score, $0.chunkId) }.prefix(k))
    }

    public func remove(documentId: String, owner: String) async throws {
        _ = try await call("delete", ["where": ["$and": [["document_id": ["$eq": documentId]], ["owner": ["$eq": owner]]]]])
    }

    /// Chroma's id of a chunk's vector of this model.
    func id(_ chunkId: Int64) -> String { "\(chunkId):\(model)" }

    /// A JSON number as Float, whatever type JSONSerialization gave it.
    static func number(_ value: Any) -> Float? {
        switch value {
        case let value as Double: Float(value)
        case let value as Int: Float(value)
        case let value as NSNumber: value.floatValue
        default: nil
        }
    }

    static func chunkId(_ id: String) -> Int64? {
        id.split(separator: ":", maxSplits: 1).first.flatMap { Int64($0) }
    }

    /// A collection operation; the collection is looked up (or created) once, and again if it
    /// was deleted on the server meanwhile.
    private func call(_ operation: String, _ body: [String: Any]) async throws -> [String: Any] {
        let id = try await collectionId()
        do {
            return try await client.collection(id, operation, body)
        } catch let error as StorageError where error.code == .invalid && error.message.contains("HTTP 404") {
            collection.forget()
            return try await client.collection(try await collectionId(), operation, body)
        }
    }

    private func collectionId() async throws -> String {
        if let known = collection.value { return known }
        let id = try await client.collectionId()
        collection.remember(id)
        return id
    }

    /// The collection's id once known, shared by copies of the index.
    private final class CollectionId: Sendable {
        private let id = Mutex<String?>(nil)
        var value: String? { id.withLock { $0 } }
        func remember(_ value: String) { id.withLock { $0 = value } }
        func forget() { id.withLock { $0 = nil } }
    }
}
