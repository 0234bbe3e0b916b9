import StorageSQLite
import Analysis
import TextProcessing
import Configuration
import DocuThinkerCore
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Storage
import HummingbirdTesting
import Testing

/// Ingestion jobs through the in-process app: failures reported on the document, fairness
/// between users, and documents whose text is not there yet.
@Suite("Ingestion jobs")
struct IngestionJobTests {
    @Test func aFileThatFailsDuringProcessingIsMarkedFailedWithItsCause() async throws {
        try await TestApp().test { client in
            let session = try await client.register("ada@example.com")
            // Its declared sizes are small (it passes the quick inspection); inflating it finds the part cut short.
            let response = try await client.uploadFixture("lying-bomb.docx", session: session, waitUntilProcessed: false)
            #expect(response.status == .created)
            let id = try #require(try JSON.object(response)["id"] as? String)
            let document = try await client.waitForDocument(id, session: session)
            #expect(document["status"] as? String == "failed")
            #expect(document["error"] as? String == "unreadable", "cut short at its forged size")
            #expect((document["errorMessage"] as? String)?.isEmpty == false)
            #expect((document["job"] as? [String: Any])?["state"] as? String == "failed")
            try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { response in
                #expect(response.status == .unprocessableContent)
                #expect(JSON.errorCode(response) == "unreadable")
            }
            // Uploading the same file after it failed is a retry, not a duplicate (#16).
            let retry = try await client.uploadFixture("lying-bomb.docx", session: session, waitUntilProcessed: false)
            #expect(retry.status == .created)
            // A failed document can be deleted like any other.
            try await client.execute(uri: "/v1/documents/\(id)", method: .delete, headers: session.auth) { response in
                #expect(response.status == .noContent)
            }
        }
    }

    @Test func sentencesAreStoredAtImportAndAreTheOnesAnalysesUse() async throws {
        let app = try TestApp()
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            let id = try #require(try JSON.object(try await client.uploadFixture("sample.docx", session: session))["id"] as? String)
            let store = try SQLiteStore(path: app.dataDirectory + "/docuthinker.sqlite")
            let stored = try await store.sentences(documentId: id, ownerId: session.id)
            let content = try #require(try await store.content(documentId: id, ownerId: session.id))
            let segmented = AnalysisDocument(id: id, text: content.text, pages: content.pages, blocks: content.blocks).sentences
            #expect(!stored.isEmpty)
            #expect(stored.map { SourceSpan(page: $0.page, start: $0.start, end: $0.end) } == segmented.map(\.span))
            // A summary cites stored sentences exactly.
            let spans = Set(stored.map { [$0.start, $0.end] })
            try await client.execute(uri: "/v1/documents/\(id)/analyses/summary", method: .get, headers: session.auth) { response in
                let items = try #require(try JSON.object(response)["items"] as? [[String: Any]])
                let cited = items.flatMap { ($0["citations"] as? [[String: Any]]) ?? [] }
                #expect(!cited.isEmpty && cited.allSatisfy { spans.contains([$0["start"] as? Int ?? -1, $0["end"] as? Int ?? -1]) })
            }
            // So does chat: its candidates are the stored sentences inside the retrieved passages.
            let chat = try await client.execute(uri: "/v1/chats", method: .post, headers: session.auth) { try #require(try JSON.object($0)["id"] as? String) }
            func ask() async throws -> (found: Bool, spans: [[Int]]) {
                try await client.execute(uri: "/v1/chats/\(chat)/messages", method: .post, headers: session.auth.merging(JSON.headers),
                                         body: JSON.body(["content": "How much did sales grow in the quarter?"])) { response in
                    let answer = try JSON.object(response)
                    return (answer["found"] as? Bool == true,
                            (answer["citations"] as? [[String: Any]] ?? []).map { [$0["start"] as? Int ?? -1, $0["end"] as? Int ?? -1] })
                }
            }
            let (found, first) = try await ask()
            #expect(found && !first.isEmpty && first.allSatisfy(spans.contains), "chat cites stored sentences: \(first)")
            // Without the sentences it cited, the same question cannot cite them again: the
            // chat reads the stored segmentation, it does not segment the passages anew.
            let database = try DatabaseQueue(path: app.dataDirectory + "/docuthinker.sqlite")
            for span in first {
                try await database.write { try $0.execute(sql: "DELETE FROM sentences WHERE documentId = ? AND startOffset = ?", arguments: [id, span[0]]) }
            }
            try await database.close()
            let second = try await ask().spans
            #expect(Set(second).isDisjoint(with: first), "\(second) after removing \(first)")
        }
    }

    @Test func aDocumentStillProcessingSaysSoInsteadOfNotFound() async throws {
        // One worker, busy with a large PDF: the second upload waits in the queue.
        let app = try TestApp(overrides: ["docuthinker.ingest.workers": .init(.int(1), isSecret: false)])
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            let big = try #require(try JSON.object(try await client.upload(PDFMaker.make(pages: 300) { PDFMaker.prose(page: $0) }, filename: "big.pdf",
                                                                           session: session, waitUntilProcessed: false))["id"] as? String)
            let id = try #require(try JSON.object(try await client.uploadFixture("sample.md", session: session, waitUntilProcessed: false))["id"] as? String)
            try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { response in
                #expect(response.status == .conflict)
                #expect(JSON.errorCode(response) == "document_processing")
            }
            try await client.execute(uri: "/v1/documents/\(id)/analyses/summary", method: .get, headers: session.auth) { response in
                #expect(response.status == .conflict)
                #expect(JSON.errorCode(response) == "document_processing")
            }
            // Deleting the big document stops its work, so the queued one runs now rather than
            // after 300 pages of embeddings (minutes on a loaded CI machine).
            try await client.execute(uri: "/v1/documents/\(big)", method: .delete, headers: session.auth) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await client.waitForDocument(id, session: session)["status"] as? String == "ready")
        }
    }

    @Test func oneUsersHugeUploadDoesNotStarveAnotherUser() async throws {
        let app = try TestApp(overrides: ["docuthinker.ingest.workers": .init(.int(1), isSecret: false)])
        try await app.test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let big = try #require(try JSON.object(try await client.upload(
                PDFMaker.make(pages: 600) { PDFMaker.prose(page: $0, sentences: 2) }, filename: "big.pdf", session: ada, waitUntilProcessed: false))["id"] as? String)
            // Bob uploads once Ada's job is embedding (the long stage), with the only worker busy.
            for _ in 0..<600 {
                let job = try await client.execute(uri: "/v1/documents/\(big)", method: .get, headers: ada.auth) { try JSON.object($0)["job"] as? [String: Any] }
                if job?["stage"] as? String == "embeddings" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let small = try #require(try JSON.object(try await client.uploadFixture("sample.pdf", session: bob, waitUntilProcessed: false))["id"] as? String)
            let bobs = try await client.waitForDocument(small, session: bob)
            #expect(bobs["status"] as? String == "ready")
            let adas = try await client.execute(uri: "/v1/documents/\(big)", method: .get, headers: ada.auth) { try JSON.object($0) }
            #expect(adas["status"] as? String == "processing", "Bob's small document was served between Ada's slices")
            // 600 pages of embeddings in a debug build beside the whole suite: allow minutes.
            #expect(try await client.waitForDocument(big, session: ada, within: .seconds(480))["status"] as? String == "ready")
        }
    }
}
