import StorageSQLite
@testable import APIService
import Analysis
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Storage
import Testing

@Suite("Analysis routes")
struct AnalysisRouteTests {
    /// The document text as the API returns it, as scalars.
    private func text(_ client: any TestClientProtocol, _ id: String, _ session: Session) async throws -> [Unicode.Scalar] {
        try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { response in
            Array(try #require(try JSON.object(response)["text"] as? String).unicodeScalars)
        }
    }

    private func checkCitations(_ object: [String: Any], text: [Unicode.Scalar], id: String) throws -> Int {
        var checked = 0
        for item in object["items"] as? [[String: Any]] ?? [] {
            for citation in item["citations"] as? [[String: Any]] ?? [] {
                let start = try #require(citation["start"] as? Int), end = try #require(citation["end"] as? Int)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: text[start..<end])
                #expect(String(view) == citation["quote"] as? String)
                #expect(citation["documentId"] as? String == id)
                #expect((citation["page"] as? Int ?? 0) >= 1)
                checked += 1
            }
        }
        return checked
    }

    @Test func everyAnalysisCitesItsSource() async throws {
        let app = try TestApp()
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            let upload = try JSON.object(try await client.uploadFixture("sample.pdf", session: session))
            let id = try #require(upload["id"] as? String)
            let text = try await text(client, id, session)
            for kind in ["summary", "bullet-summary", "key-ideas", "discussion-points", "recommendations", "sentiment"] {
                try await client.execute(uri: "/v1/documents/\(id)/analyses/\(kind)", method: .get, headers: session.auth) { response in
                    #expect(response.status == .ok, "\(kind): \(String(buffer: response.body))")
                    let object = try JSON.object(response)
                    #expect(object["kind"] as? String == kind)
                    #expect(object["engine"] as? String == "offline")
                    #expect(try checkCitations(object, text: text, id: id) > 0 || kind == "recommendations", "\(kind) cites nothing")
                }
            }
            try await client.execute(uri: "/v1/documents/\(id)/analyses/summary", method: .get, headers: session.auth) { response in
                let object = try JSON.object(response)
                #expect(object["cached"] as? Bool == true, "computed by the ingestion job")
                #expect(object["summary"] is String)
            }
            try await client.execute(uri: "/v1/documents/\(id)/analyses/analytics", method: .get, headers: session.auth) { response in
                let analytics = try #require(try JSON.object(response)["analytics"] as? [String: Any])
                #expect((100...134).contains(analytics["words"] as? Int ?? 0), "words with letters, of the 134 tokens")
                #expect(analytics["readingTimeMinutes"] is Double)
            }
        }
    }

    @Test func parametersCacheRefreshAndErrors() async throws {
        let app = try TestApp()
        let id: String = try await app.test { client in
            let session = try await client.register("ada@example.com")
            let other = try await client.register("bob@example.com")
            let id = try #require(try JSON.object(try await client.uploadFixture("sample.docx", session: session))["id"] as? String)
            let uri = "/v1/documents/\(id)/analyses/summary"
            let headers = session.auth.merging(JSON.headers)
            for expectedCached in [false, true] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: JSON.body(["sentences": 2])) { response in
                    let object = try JSON.object(response)
                    #expect((object["items"] as? [Any])?.count == 2)
                    #expect(object["cached"] as? Bool == expectedCached)
                    #expect(object["parameters"] as? String == "sentences=2")
                }
            }
            try await client.execute(uri: uri + "?refresh=true", method: .post, headers: headers, body: JSON.body(["sentences": 2])) { response in
                let json = try JSON.object(response)
                #expect(json["cached"] as? Bool == false)
            }
            try await client.execute(uri: uri + "?length=short", method: .get, headers: session.auth) { response in
                let json = try JSON.object(response)
                #expect((json["items"] as? [Any])?.count == 3)
            }
            try await client.execute(uri: uri + "?sentences=99", method: .get, headers: session.auth) { response in
                #expect(response.status == .unprocessableContent)
            }
            for kind in ["summary-in-language?language=French", "rewrite?style=formal"] {
                try await client.execute(uri: "/v1/documents/\(id)/analyses/\(kind)", method: .get, headers: session.auth) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(JSON.errorCode(response) == "llm_unavailable")
                }
            }
            try await client.execute(uri: "/v1/documents/\(id)/analyses/summary-in-language", method: .get, headers: session.auth) { response in
                #expect(response.status == .unprocessableContent, "language is required")
            }
            try await client.execute(uri: "/v1/documents/\(id)/analyses/horoscope", method: .get, headers: session.auth) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: uri, method: .get, headers: other.auth) { response in
                #expect(response.status == .notFound, "another user's document")
            }
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            let defaultLength: Int = try await client.execute(uri: uri, method: .get, headers: session.auth) { response in
                (try JSON.object(response)["items"] as? [Any])?.count ?? 0
            }
            try await client.execute(uri: "/v1/documents/\(id)/analyses/refine-summary?instruction=shorter", method: .get, headers: session.auth) { response in
                let object = try JSON.object(response)
                #expect((object["items"] as? [Any])?.count == max(1, defaultLength / 2), "half of the default summary")
            }
            let store = try SQLiteStore(path: app.dataDirectory + "/docuthinker.sqlite")
            #expect(try await store.analysisCount(documentId: id) >= 5)
            try await client.execute(uri: "/v1/documents/\(id)", method: .delete, headers: session.auth) { _ in }
            return id
        }
        let store = try SQLiteStore(path: app.dataDirectory + "/docuthinker.sqlite")
        #expect(try await store.analysisCount(documentId: id) == 0, "deleting a document deletes its analyses")
    }

    @Test func legacyRoutesKeepTheOriginalFieldNames() async throws {
        try await TestApp().test { client in
            let session = try await client.register("ada@example.com")
            let headers = session.auth.merging(JSON.headers)
            let text = "The new library opened in May. Visitors praised the bright reading rooms and the friendly staff. "
                + "However, parking remains a serious problem for families. The council should add bicycle racks before summer. "
                + "Use the side entrance when the main door is closed."
            try await client.execute(uri: "/generate-key-ideas", method: .post, headers: headers, body: JSON.body(["documentText": text])) { response in
                let object = try JSON.object(response)
                #expect(object["message"] as? String == "Key ideas generated")
                #expect((object["keyIdeas"] as? String)?.hasPrefix("- **") == true)
            }
            try await client.execute(uri: "/generate-discussion-points", method: .post, headers: headers, body: JSON.body(["documentText": text])) { response in
                let object = try JSON.object(response)
                #expect(object["message"] as? String == "Discussion points generated")
                #expect((object["discussionPoints"] as? String)?.contains("?") == true)
            }
            try await client.execute(uri: "/actionable-recommendations", method: .post, headers: headers, body: JSON.body(["documentText": text])) { response in
                let recommendations = try JSON.object(response)["recommendations"] as? String ?? ""
                #expect(recommendations.contains("The council should add bicycle racks before summer."))
                #expect(recommendations.contains("Use the side entrance"))
            }
            try await client.execute(uri: "/bullet-summary", method: .post, headers: headers, body: JSON.body(["documentText": text])) { response in
                let json = try JSON.object(response)
                #expect((json["summary"] as? String)?.hasPrefix("- ") == true)
            }
            try await client.execute(uri: "/sentiment-analysis", method: .post, headers: headers, body: JSON.body(["documentText": "What a wonderful, delightful day. I love it!"])) { response in
                let object = try JSON.object(response)
                #expect((object["sentimentScore"] as? Double ?? 0) > 0.3)
                #expect(object["description"] is String)
            }
            try await client.execute(uri: "/refine-summary", method: .post, headers: headers,
                                     body: JSON.body(["summary": text, "refinementInstructions": "shorter"])) { response in
                let refined = try JSON.object(response)["refinedSummary"] as? String ?? ""
                #expect(!refined.isEmpty && refined.count < text.count)
            }
            for (uri, body) in [("/summary-in-language", ["documentText": text, "language": "French"]),
                                ("/content-rewriting", ["documentText": text, "style": "formal"])] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: JSON.body(body)) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(JSON.errorCode(response) == "llm_unavailable")
                }
            }
            // Without a language model, a missing language or style is not the problem to report (#16).
            for (uri, body) in [("/summary-in-language", ["documentText": text]), ("/content-rewriting", ["documentText": text])] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: JSON.body(body)) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(JSON.errorCode(response) == "llm_unavailable")
                }
            }
            try await client.execute(uri: "/generate-key-ideas", method: .post, headers: headers, body: JSON.body(["documentText": "   "])) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/generate-key-ideas", method: .post, headers: JSON.headers, body: JSON.body(["documentText": text])) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/upload", method: .post, headers: headers,
                                     body: JSON.body(["title": "Not mine", "text": text, "userId": ["someone-else"]])) { response in
                #expect(response.status == .notFound, "the original's userId must be the caller's")
            }
            let id: String = try await client.execute(uri: "/upload", method: .post, headers: headers,
                                                      body: JSON.body(["title": "Library news", "text": text, "userId": session.id])) { response in
                #expect(response.status == .ok)
                let object = try JSON.object(response)
                #expect(object["message"] as? String == "Document summarized")
                #expect((object["summary"] as? String)?.isEmpty == false)
                #expect(object["originalText"] as? String == text)
                return try #require(object["id"] as? String)
            }
            try await client.execute(uri: "/generate-key-ideas", method: .post, headers: headers, body: JSON.body(["documentId": id])) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/documents/\(id)", method: .get, headers: session.auth) { response in
                let json = try JSON.object(response)
                #expect(json["title"] as? String == "Library news")
            }
        }
    }

    @Test func ingestionAnalysesAreComputedByTheJob() async throws {
        let app = try TestApp()
        try await app.test { client in
            let session = try await client.register("ada@example.com")
            let upload = try JSON.object(try await client.uploadFixture("sample.html", session: session, waitUntilProcessed: false))
            #expect(upload["status"] as? String == "processing")
            #expect(upload["summary"] == nil)
            #expect(upload["analyses"] as? [String: String] == ["summary": "queued", "key-ideas": "queued"])
            let id = try #require(upload["id"] as? String)
            // The job's last stage computes both after the document is ready; poll for up to 10 s.
            let store = try SQLiteStore(path: app.dataDirectory + "/docuthinker.sqlite")
            var count = 0
            for _ in 0..<100 {
                count = try await store.analysisCount(documentId: id)
                if count == 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(count == 2)
            let document = try await client.waitForDocument(id, session: session)
            #expect(document["status"] as? String == "ready")
            try await client.execute(uri: "/v1/documents/\(id)/analyses/key-ideas", method: .get, headers: session.auth) { response in
                let json = try JSON.object(response)
                #expect(json["cached"] as? Bool == true)
            }
        }
    }
}
