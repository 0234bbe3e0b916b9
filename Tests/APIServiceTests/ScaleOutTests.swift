import AWSSupport
import Foundation
import HTTPTypes
import NIOCore
import Storage
import StorageS3
import StoreTestSupport
import Testing

/// The deployment the seed describes, on one machine: two `api` and two `ai` processes, each with
/// its own empty data directory, sharing one PostgreSQL (+ pgvector) and one S3 bucket. They must
/// behave as one product, keep nothing of the library on local disk, and survive losing a pair.
@Suite("Scale-out: two api + two ai on PostgreSQL and S3", .enabled(if: TestPostgres.available))
struct ScaleOutTests {
    /// One `api` → `ai` pair with its own data directory.
    final class Pair: @unchecked Sendable {
        let dataDirectory = NSTemporaryDirectory() + "dt-scale-" + UUID().uuidString
        let apiPort = DocuThinkerProcess.freePort(), aiPort = DocuThinkerProcess.freePort()
        var ai: DocuThinkerProcess?, api: DocuThinkerProcess?
        var client: LoopbackE2EClient { LoopbackE2EClient(port: apiPort) }

        func start(shared: [String: String]) async throws {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            let token = ["AI_SERVICE_TOKEN": TwoProcessStack.token]
            ai = try DocuThinkerProcess(["ai", "--port", String(aiPort)], environment: DocuThinkerProcess.environment(
                dataDirectory: dataDirectory, extra: shared.merging(token) { $1 }), directory: dataDirectory)
            try await ai?.waitUntilHealthy(port: aiPort)
            api = try DocuThinkerProcess(["api", "--port", String(apiPort)], environment: DocuThinkerProcess.environment(
                dataDirectory: dataDirectory, extra: shared.merging(token) { $1 }.merging(["AI_SERVICE_URL": "http://127.0.0.1:\(aiPort)"]) { $1 }),
                directory: dataDirectory)
            try await api?.waitUntilHealthy(port: apiPort)
        }

        func kill() {
            api?.stop(kill: true)
            ai?.stop(kill: true)
        }

        /// Files in the data directory larger than `bytes`.
        func files(largerThan bytes: Int) -> [String] {
            let enumerator = FileManager.default.enumerator(atPath: dataDirectory)
            var large: [String] = []
            while let path = enumerator?.nextObject() as? String {
                let size = (try? FileManager.default.attributesOfItem(atPath: dataDirectory + "/" + path)[.size] as? Int) ?? 0
                if size > bytes { large.append("\(path) (\(size) bytes)") }
            }
            return large
        }
    }

    @Test func twoPairsOnOneDatabaseAndBucketBehaveAsOneProduct() async throws {
        let database = try await TestPostgres.newDatabase()
        let bucketStore = try await TestS3.newStore()
        let shared = [
            "DATABASE_URL": database + "?sslmode=disable", "S3_BUCKET": bucketStore.configuration.bucket,
            "S3_ENDPOINT": try #require(TestS3.endpoint), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "DOCUTHINKER_JOB_LEASE_SECONDS": "3",
        ]
        let first = Pair(), second = Pair()
        defer { first.kill(); second.kill() }
        try await first.start(shared: shared)
        try await second.start(shared: shared)
        let one = first.client, two = second.client

        // Register on one, log in on the other.
        let credentials: [String: Any] = ["email": "ada@example.com", "password": "correct horse battery"]
        #expect(try await one.send(.post, "/v1/auth/register", json: credentials).status == .created)
        let login = try await two.send(.post, "/v1/auth/login", json: credentials).object
        let token = try #require(login["accessToken"] as? String)
        let userId = try #require((login["user"] as? [String: Any])?["id"] as? String)

        // Upload through one (a PDF over 200 KB), read everything through the other.
        let pdf = PDFMaker.make(pages: 200) { PDFMaker.prose(page: $0, sentences: 8) }
        try #require(pdf.count > 200_000, "the upload is \(pdf.count) bytes")
        let form = Multipart.upload(pdf, filename: "report.pdf")
        let uploaded = try await one.send(.post, "/v1/documents", headers: [.authorization: "Bearer \(token)", .contentType: form.contentType],
                                          body: form.body)
        #expect(uploaded.status == .created || uploaded.status == .accepted, "upload: \(String(buffer: uploaded.body))")
        let id = try #require(try uploaded.object["id"] as? String)
        try await two.waitUntilIndexed(id, token: token)
        let listed = try await two.send(.get, "/v1/documents", token: token)
        #expect(String(buffer: listed.body).contains(id))
        let text = try await two.send(.get, "/v1/documents/\(id)/text", token: token)
        #expect(text.status == .ok && String(buffer: text.body).contains("\"pages\""))
        for mode in ["keyword", "semantic", "hybrid"] {
            let uri = "/v1/search?q=measurements+of+the+river&mode=\(mode)&limit=5"
            let fromOne = try await one.send(.get, uri, token: token).object["results"] as? [[String: Any]]
            let fromTwo = try await two.send(.get, uri, token: token).object["results"] as? [[String: Any]]
            let ids = { (results: [[String: Any]]?) in (results ?? []).compactMap { "\($0["documentId"] ?? "")@\($0["start"] ?? "")" } }
            #expect(!ids(fromOne).isEmpty && ids(fromOne) == ids(fromTwo), "\(mode) search agrees across processes")
        }
        let summaryOne = try await one.send(.get, "/v1/documents/\(id)/analyses/summary", token: token)
        let summaryTwo = try await two.send(.get, "/v1/documents/\(id)/analyses/summary", token: token)
        let textOne = try summaryOne.object["summary"] as? String, textTwo = try summaryTwo.object["summary"] as? String
        #expect(summaryOne.status == .ok && textOne != nil && textOne == textTwo, "the analysis is shared")
        // GraphQL through the api whose AI side is the other process: the list's summaries cross in one batch call.
        let graph = try await two.send(.post, "/graphql", token: token, json: ["query": "{ documents { id summary } }"])
        let listedByGraph = (try graph.object["data"] as? [String: Any])?["documents"] as? [[String: Any]]
        #expect(listedByGraph?.first?["id"] as? String == id && listedByGraph?.first?["summary"] as? String == textTwo,
                "GraphQL: \(String(buffer: graph.body))")

        // Chat on one, history on the other.
        let chat = try #require(try await one.send(.post, "/v1/chats", token: token, json: [:]).object["id"] as? String)
        let answer = try await one.send(.post, "/v1/chats/\(chat)/messages", token: token, json: ["content": "What was measured at the river?"])
        #expect(answer.status == .ok, "chat: \(String(buffer: answer.body))")
        let history = try await two.send(.get, "/v1/chats/\(chat)", token: token).object["messages"] as? [[String: Any]]
        #expect(history?.count == 2 && history?.first?["content"] as? String == "What was measured at the river?")

        // Nothing of the library on local disk; the original is in the bucket.
        for pair in [first, second] { #expect(pair.files(largerThan: 200_000).isEmpty, "\(pair.files(largerThan: 200_000))") }
        #expect(try await bucketStore.read(key: "\(userId)/\(id)", maxBytes: 1 << 24) == pdf)
        let download = try await two.send(.get, "/v1/documents/\(id)/file", token: token)
        #expect(download.status == .ok && Data(download.body.readableBytesView) == pdf, "streamed back from S3")

        // Losing one pair (kill -9) leaves the other serving the whole library, new work included.
        first.kill()
        #expect(try await two.send(.get, "/v1/documents/\(id)", token: token).status == .ok)
        #expect(try await two.send(.get, "/v1/search?q=river&mode=semantic", token: token).status == .ok)
        let more = try #require(try await two.upload(fixture: "sample.pdf", token: token).object["id"] as? String)
        try await two.waitUntilIndexed(more, token: token)

        // Deleting the document deletes its original from the bucket.
        #expect(try await two.send(.delete, "/v1/documents/\(id)", token: token).status == .noContent)
        let gone = await #expect(throws: StorageError.self) { _ = try await bucketStore.read(key: "\(userId)/\(id)", maxBytes: 1 << 24) }
        #expect(gone?.code == .notFound)
    }
}
