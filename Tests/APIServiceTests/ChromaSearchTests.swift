import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StorageChroma
import StoreTestSupport
import Testing

/// The product with its vectors in Chroma (`DOCUTHINKER_CHROMA_URL`): a document's chunks are
/// stored there, semantic search finds them for their owner only, deleting the document removes
/// them; an unreachable Chroma leaves the rest of the product working.
@Suite("Vectors in Chroma", .enabled(if: TestChroma.available))
struct ChromaSearchTests {
    @Test func chunksLiveInChromaAreFoundByTheirOwnerOnlyAndGoWithTheDocument() async throws {
        let chroma = try TestChroma.newConfiguration()
        let app = try TestApp(overrides: [
            "docuthinker.chroma.url": .init(.string(chroma.url), isSecret: false),
            "docuthinker.chroma.collection": .init(.string(chroma.collection), isSecret: false),
        ])
        let client = ChromaClient(configuration: chroma)
        try await app.test { raw in
            let api = RouterE2EClient(client: raw)
            let ada = try await api.signUp("ada@example.com"), bob = try await api.signUp("bob@example.com")
            let uploaded = try await api.upload(fixture: "sample.pdf", token: ada.token)
            let id = try #require(try uploaded.object["id"] as? String)
            try await api.waitUntilIndexed(id, token: ada.token)
            let index = try await api.send(.get, "/v1/documents/\(id)/index", token: ada.token).object
            let total = try #require(index["total"] as? Int)
            #expect(total > 0)

            // The vectors are in Chroma, one per chunk, labelled with their owner and document.
            let collection = try await client.collectionId()
            let stored = try await client.collection(collection, "get", ["where": ["document_id": ["$eq": id]], "include": ["metadatas"]])
            let metadatas = try #require(stored["metadatas"] as? [[String: Any]])
            #expect(metadatas.count == total)
            #expect(metadatas.allSatisfy { $0["owner"] as? String == ada.id })

            let mine = try await api.send(.get, "/v1/search?q=filters%20pollution&mode=semantic", token: ada.token).object
            let hits = try #require(mine["results"] as? [[String: Any]], "\(mine)")
            #expect(!hits.isEmpty && hits.allSatisfy { $0["documentId"] as? String == id })
            let theirs = try await api.send(.get, "/v1/search?q=filters%20pollution&mode=semantic", token: bob.token)
            #expect(theirs.status == .ok)
            let bobHits = try #require(try theirs.object["results"] as? [[String: Any]])
            #expect(bobHits.isEmpty, "another user's query never ranks Ada's chunks")

            #expect(try await api.send(.delete, "/v1/documents/\(id)", token: ada.token).status == .noContent)
            var left = -1
            for _ in 0..<50 where left != 0 {
                let after = try await client.collection(collection, "get", ["where": ["document_id": ["$eq": id]], "include": [String]()])
                left = (after["ids"] as? [String])?.count ?? -1
                if left != 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(left == 0, "the document's vectors left Chroma with it")
        }
    }

    @Test func anUnreachableChromaDegradesSemanticSearchOnly() async throws {
        let app = try TestApp(overrides: [
            "docuthinker.chroma.url": .init(.string("http://127.0.0.1:\(PrivateRedisServer.freePort())"), isSecret: false),
        ])
        try await app.test { raw in
            let api = RouterE2EClient(client: raw)
            let ada = try await api.signUp("ada@example.com")
            #expect(try await api.send(.get, "/v1/documents", token: ada.token).status == .ok)
            let semantic = try await api.send(.get, "/v1/search?q=anything&mode=semantic", token: ada.token)
            #expect(semantic.status == .serviceUnavailable)
            #expect(semantic.errorCode == "vector_store_unavailable")
            #expect(String(buffer: semantic.body).contains("Chroma"), "the message says what is unavailable")
            #expect(try await api.send(.get, "/v1/search?q=anything&mode=hybrid", token: ada.token).status == .ok, "hybrid answers from keywords")
            let ready = try await api.send(.get, "/health/ready").object
            #expect(ready["status"] as? String == "degraded")
            #expect((ready["checks"] as? [String: Any])?["chroma"] as? String == "unreachable")
        }
    }
}
