import StoreEngines
import Foundation
import Storage
import Testing

/// `VectorIndex`: ranking, owner scoping, filters, resumable embedding, models kept apart, deletes,
/// and freshness across two index instances over the same stores (two `ai` tasks).
@Suite("Conformance: vector index")
struct VectorIndexConformance {
    /// A user with one stored document per entry of `documents` (its chunks' vectors, saved).
    static func library(_ stores: Stores, _ index: any VectorIndex, email: String,
                        documents: [[[Float]]]) async throws -> (owner: UserRecord, documents: [DocumentRecord], chunks: [[Int64]]) {
        let owner = Make.user(email)
        try await stores.database.createUser(owner)
        var records: [DocumentRecord] = [], chunkIds: [[Int64]] = []
        for vectors in documents {
            let record = Make.document(owner: owner.id)
            try await stores.database.insertDocument(record, content: Make.content, chunks: Make.chunks(vectors.indices.map { "chunk \($0)" }))
            let pending = try await index.chunksToEmbed(documentId: record.id)
            try await index.save(zip(pending, vectors).map { ChunkVector(chunkId: $0.0.chunkId, vector: $0.1) }, documentId: record.id, owner: owner.id)
            records.append(record)
            chunkIds.append(pending.map(\.chunkId))
        }
        return (owner, records, chunkIds)
    }

    static func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    @Test(arguments: StoreEngine.vectorIndexes)
    func ranksTheOwnersChunksByCosineBestFirstWithinTheirFilter(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let index = engine.vectorIndex(stores, "m", 3)
        let (ada, docs, chunks) = try await Self.library(stores, index, email: "ada@example.com", documents: [
            [Self.unit([1, 0, 0]), Self.unit([0, 1, 0]), Self.unit([1, 1, 0])],
            [Self.unit([1, 0.1, 0]), Self.unit([0, 0, 1])],
        ])
        let (bob, _, bobChunks) = try await Self.library(stores, index, email: "bob@example.com", documents: [[Self.unit([1, 0, 0])]])

        let hits = try await index.search(owner: ada.id, query: [1, 0, 0], k: 3, documents: nil)
        #expect(hits.map(\.chunkId) == [chunks[0][0], chunks[1][0], chunks[0][2]], "cosine order, k of them")
        #expect(hits.map(\.documentId) == [docs[0].id, docs[1].id, docs[0].id])
        #expect(abs(hits[0].score - 1) < 1e-5 && abs(hits[2].score - 0.70710677) < 1e-4, "scores are cosines: \(hits.map(\.score))")
        #expect(hits.allSatisfy { !bobChunks[0].contains($0.chunkId) }, "never another owner's chunks")

        let all = try await index.search(owner: ada.id, query: [1, 0, 0], k: 50, documents: nil)
        #expect(all.map(\.chunkId) == [chunks[0][0], chunks[1][0], chunks[0][2], chunks[0][1], chunks[1][1]],
                "k larger than the library: all five, the two orthogonal ones (score 0) in chunk order")

        let onlySecond = try await index.search(owner: ada.id, query: [1, 0, 0], k: 5, documents: [docs[1].id])
        #expect(onlySecond.map(\.chunkId) == [chunks[1][0], chunks[1][1]])
        #expect(try await index.search(owner: ada.id, query: [1, 0, 0], k: 5, documents: []).isEmpty)
        #expect(try await index.search(owner: bob.id, query: [0, 0, 1], k: 5, documents: nil).map(\.chunkId) == bobChunks[0])
        #expect(try await index.search(owner: "nobody", query: [1, 0, 0], k: 5, documents: nil).isEmpty)
        #expect(try await index.search(owner: ada.id, query: [1, 0], k: 5, documents: nil).isEmpty, "a query of other dimensions finds nothing")
        #expect(try await index.search(owner: ada.id, query: [1, 0, 0], k: 0, documents: nil).isEmpty)
    }

    @Test(arguments: StoreEngine.vectorIndexes)
    func equalScoresComeInChunkOrder(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let index = engine.vectorIndex(stores, "m", 2)
        let same = Self.unit([1, 1])
        let (ada, _, chunks) = try await Self.library(stores, index, email: "ada@example.com", documents: [[same, same, same, same]])
        let hits = try await index.search(owner: ada.id, query: same, k: 3, documents: nil)
        #expect(hits.map(\.chunkId) == Array(chunks[0].sorted().prefix(3)))
    }

    @Test(arguments: StoreEngine.vectorIndexes)
    func embeddingResumesWhereItStoppedAndModelsStayApart(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let index = engine.vectorIndex(stores, "m", 2)
        let (ada, document) = try await Make.library(stores.database, email: "ada@example.com", chunkTexts: ["a", "b", "c"])
        let pending = try await index.chunksToEmbed(documentId: document.id)
        #expect(pending.map(\.text) == ["a", "b", "c"])
        try await index.save([ChunkVector(chunkId: pending[0].chunkId, vector: [1, 0])], documentId: document.id, owner: ada.id)
        #expect(try await index.chunksToEmbed(documentId: document.id).map(\.text) == ["b", "c"])
        // Saving a chunk again replaces its vector.
        try await index.save([ChunkVector(chunkId: pending[0].chunkId, vector: [0, 1])], documentId: document.id, owner: ada.id)
        #expect(try await index.search(owner: ada.id, query: [0, 1], k: 5, documents: nil).map(\.score) == [1])

        await #expect(throws: StorageError.self, "a vector of the wrong length is refused") {
            try await index.save([ChunkVector(chunkId: pending[1].chunkId, vector: [1, 0, 0])], documentId: document.id, owner: ada.id)
        }
        #expect(try await index.chunksToEmbed(documentId: document.id).count == 2, "and nothing of it was stored")

        let other = engine.vectorIndex(stores, "other-model", 2)
        #expect(try await other.chunksToEmbed(documentId: document.id).count == 3)
        #expect(try await other.search(owner: ada.id, query: [0, 1], k: 5, documents: nil).isEmpty, "another model's vectors are invisible")
    }

    @Test(arguments: StoreEngine.vectorIndexes)
    func deletesAndOtherInstancesWritesAreSeenAtTheNextSearch(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let first = engine.vectorIndex(stores, "m", 2), second = engine.vectorIndex(stores, "m", 2)
        let (ada, docs, chunks) = try await Self.library(stores, first, email: "ada@example.com", documents: [[[1, 0]], [[0, 1]]])
        #expect(try await second.search(owner: ada.id, query: [1, 0], k: 5, documents: nil).count == 2, "loaded by the second instance")

        // A document added through the first instance is found by the second, which had loaded before.
        let added = Make.document(owner: ada.id)
        try await stores.database.insertDocument(added, content: Make.content, chunks: Make.chunks(["new"]))
        let pending = try await first.chunksToEmbed(documentId: added.id)
        try await first.save([ChunkVector(chunkId: pending[0].chunkId, vector: Self.unit([1, 0.5]))], documentId: added.id, owner: ada.id)
        #expect(try await second.search(owner: ada.id, query: [1, 0], k: 5, documents: nil).map(\.documentId).contains(added.id))

        // Deleted through the stores and removed from one instance: gone from both.
        _ = try await stores.database.deleteDocument(id: docs[0].id, ownerId: ada.id)
        try await first.remove(documentId: docs[0].id, owner: ada.id)
        for index in [first, second] {
            let ids = try await index.search(owner: ada.id, query: [1, 0], k: 5, documents: nil).map(\.chunkId)
            #expect(!ids.contains(chunks[0][0]) && ids.count == 2)
        }
        // A late vector of the deleted document (a job that had not yet seen the delete) is dropped.
        try await first.save([ChunkVector(chunkId: chunks[0][0], vector: [1, 0])], documentId: docs[0].id, owner: ada.id)
        #expect(try await second.search(owner: ada.id, query: [1, 0], k: 5, documents: nil).map(\.chunkId).contains(chunks[0][0]) == false)
    }
}
