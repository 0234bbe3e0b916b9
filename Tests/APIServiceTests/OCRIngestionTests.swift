import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Scans through the whole product: uploaded, read by OCR in their own job stage, stored with
/// their word boxes, searchable; a blank scan fails with `no_text`. Uses `scripts/make-scans`'
/// files and the real Tesseract (both made and installed by `make test`).
@Suite("OCR in ingestion", .serialized)  // one app reading scans at a time beside the other suites
struct OCRIngestionTests {
    static let scans = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("test-data/scans")
    static var available: Bool {
        let tesseract = ["/usr/bin/tesseract", "/usr/local/bin/tesseract"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        let present = FileManager.default.fileExists(atPath: scans.appendingPathComponent("manifest.jsonl").path) && tesseract
        if !present, ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_TEST_DATA"] == "1" {
            Issue.record("scans or tesseract missing: run scripts/bootstrap and scripts/make-scans")
        }
        return present
    }

    static func scan(_ name: String) throws -> Data { try Data(contentsOf: scans.appendingPathComponent(name)) }

    static func truth(_ name: String) throws -> String {
        let lines = try String(contentsOf: scans.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n")
        for line in lines {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if entry["file"] as? String == name { return try #require(entry["truth"] as? String) }
        }
        throw CancellationError()
    }

    /// Polls the document until its job ends, noting every (stage, done, total) seen on the way.
    static func follow(_ client: some TestClientProtocol, _ id: String, _ session: Session) async throws -> (document: [String: Any], seen: [String]) {
        var seen: [String] = []
        let deadline = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < deadline {
            let document = try await client.execute(uri: "/v1/documents/\(id)", method: .get, headers: session.auth) { try JSON.object($0) }
            if let job = document["job"] as? [String: Any], let stage = job["stage"] as? String {
                let step = "\(stage) \(job["done"] as? Int ?? -1)/\(job["total"] as? Int ?? -1)"
                if seen.last != step { seen.append(step) }
                let state = job["state"] as? String
                if document["status"] as? String != "processing", state != "queued", state != "running" { return (document, seen) }
            }
            try await Task.sleep(for: .milliseconds(40))
        }
        Issue.record("document \(id) still processing; seen \(seen)")
        return ([:], seen)
    }

    @Test func scannedPageOfAMixedPDFIsReadAndKeptWithItsWordBoxes() async throws {
        guard Self.available else { return }
        try await TestApp().test { client in
            let session = try await client.register("ada@example.com")
            let response = try await client.upload(try Self.scan("mixed.pdf"), filename: "mixed.pdf", session: session, waitUntilProcessed: false)
            #expect(response.status == .created)
            let id = try #require(try JSON.object(response)["id"] as? String)
            let (document, seen) = try await Self.follow(client, id, session)
            #expect(document["status"] as? String == "ready", "\(document)")
            #expect(seen.contains("ocr 0/1") || seen.contains("ocr 1/1"), "OCR ran as its own stage, one page to read: \(seen)")
            let quality = try #require(document["quality"] as? [String: Any])
            let ocrPages = try #require(quality["ocrPages"] as? [[String: Any]])
            #expect(ocrPages.map { $0["page"] as? Int } == [2], "only the scanned page is read")
            #expect((ocrPages.first?["confidence"] as? Double ?? 0) > 0.8)
            #expect(ocrPages.first?["dpi"] as? Int == 300)
            #expect((quality["emptyPages"] as? [Int]) == [])

            let text = try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { try JSON.object($0) }
            let full = try #require(text["text"] as? String)
            let scalars = Array(full.unicodeScalars)
            let pages = try #require(text["pages"] as? [[String: Any]])
            let second = (try #require(pages[1]["start"] as? Int), try #require(pages[1]["end"] as? Int))
            let pageText = String(String.UnicodeScalarView(scalars[second.0..<second.1]))
            let recall = OCRRecall.recall(truth: try Self.truth("mixed.pdf"), read: pageText)
            #expect(recall >= 0.9, "word recall of the scanned page: \(recall)")

            let boxes = try await client.execute(uri: "/v1/documents/\(id)/ocr", method: .get, headers: session.auth) { response in
                #expect(response.status == .ok)
                return try JSON.object(response)
            }
            #expect(boxes["languages"] as? [String] == ["eng"])
            let boxPages = try #require(boxes["pages"] as? [[String: Any]])
            #expect(boxPages.count == 1 && boxPages.first?["page"] as? Int == 2)
            #expect((boxPages.first?["width"] as? Int ?? 0) > 2000, "rendered at 300 dpi")
            let words = try #require(boxPages.first?["words"] as? [[String: Any]])
            #expect(words.count > 100)
            for word in words {
                let start = try #require(word["start"] as? Int), end = try #require(word["end"] as? Int)
                #expect(start >= second.0 && end <= second.1, "inside page 2")
                #expect(String(String.UnicodeScalarView(scalars[start..<end])) == word["text"] as? String, "offsets count code points of /text")
                #expect((word["box"] as? [Int])?.count == 4)
            }

            // A word seen only on the scanned page is found by keyword search, on page 2.
            let pageOne = String(String.UnicodeScalarView(scalars[(pages[0]["start"] as? Int ?? 0)..<(pages[0]["end"] as? Int ?? 0)])).lowercased()
            let pageThree = String(String.UnicodeScalarView(scalars[(pages[2]["start"] as? Int ?? 0)..<(pages[2]["end"] as? Int ?? 0)])).lowercased()
            let only = words.compactMap { $0["text"] as? String }.first { word in
                word.count >= 7 && word.allSatisfy(\.isLetter) && !pageOne.contains(word.lowercased()) && !pageThree.contains(word.lowercased())
            }
            let term = try #require(only)
            let hits = try await client.execute(uri: "/v1/search?q=\(term)&mode=keyword", method: .get, headers: session.auth) { try JSON.object($0) }
            let results = try #require(hits["results"] as? [[String: Any]])
            #expect(results.contains { $0["documentId"] as? String == id && $0["page"] as? Int == 2 }, "\(term) → \(results)")

            // Nobody else sees the boxes.
            let bob = try await client.register("bob@example.com")
            try await client.execute(uri: "/v1/documents/\(id)/ocr", method: .get, headers: bob.auth) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func rotatedScanAndImagesBecomeDocuments() async throws {
        guard Self.available else { return }
        try await TestApp().test { client in
            let session = try await client.register("ada@example.com")
            for (file, format, mime) in [("rotated-180.pdf", "pdf", "application/pdf"), ("page.png", "png", "image/png"),
                                         ("page.jpg", "jpeg", "image/jpeg"), ("page.tif", "tiff", "image/tiff")] {
                let response = try await client.upload(try Self.scan(file), filename: file, session: session, waitUntilProcessed: false)
                #expect(response.status == .created, "\(file): \(String(buffer: response.body))")
                let id = try #require(try JSON.object(response)["id"] as? String)
                let document = try await client.waitForDocument(id, session: session, within: .seconds(240))
                #expect(document["status"] as? String == "ready", "\(file): \(document)")
                #expect(document["format"] as? String == format && document["pageCount"] as? Int == 1)
                let text = try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { try JSON.object($0) }
                let recall = OCRRecall.recall(truth: try Self.truth(file), read: text["text"] as? String ?? "")
                #expect(recall >= 0.9, "\(file): word recall \(recall)")
                try await client.execute(uri: "/v1/documents/\(id)/file", method: .get, headers: session.auth) { response in
                    #expect(response.headers[.contentType] == mime)
                }
            }
        }
    }

    @Test func blankScanFailsWithNoText() async throws {
        guard Self.available else { return }
        try await TestApp().test { client in
            let session = try await client.register("ada@example.com")
            let response = try await client.upload(try Self.scan("blank.pdf"), filename: "blank.pdf", session: session, waitUntilProcessed: false)
            let id = try #require(try JSON.object(response)["id"] as? String)
            let document = try await client.waitForDocument(id, session: session, within: .seconds(240))
            #expect(document["status"] as? String == "failed")
            #expect(document["error"] as? String == "no_text")
            #expect((document["errorMessage"] as? String ?? "").contains("even after reading its page by OCR"))
            try await client.execute(uri: "/v1/documents/\(id)/text", method: .get, headers: session.auth) { response in
                #expect(response.status != .ok, "nothing was stored as its text")
            }
        }
    }

    @Test func withOCROffAScanFailsSayingWhyAndTextPagesStillServe() async throws {
        guard Self.available else { return }
        try await TestApp(overrides: ["docuthinker.ocr": .init(.string("off"), isSecret: false)]).test { client in
            let session = try await client.register("ada@example.com")
            let scan = try await client.upload(try Self.scan("rotated-90.pdf"), filename: "rotated-90.pdf", session: session, waitUntilProcessed: false)
            let scanned = try await client.waitForDocument(try #require(try JSON.object(scan)["id"] as? String), session: session)
            #expect(scanned["status"] as? String == "failed" && scanned["error"] as? String == "no_text")
            #expect((scanned["errorMessage"] as? String ?? "").contains("OCR is off on this server: DOCUTHINKER_OCR is off"))
            let mixed = try await client.upload(try Self.scan("mixed.pdf"), filename: "mixed.pdf", session: session, waitUntilProcessed: false)
            let document = try await client.waitForDocument(try #require(try JSON.object(mixed)["id"] as? String), session: session)
            #expect(document["status"] as? String == "ready")
            let quality = try #require(document["quality"] as? [String: Any])
            #expect(quality["emptyPages"] as? [Int] == [2] && quality["ocrPages"] == nil)
        }
    }

    @Test func unknownOCRLanguageTurnsOCROffAndSaysWhichPackage() async throws {
        guard Self.available else { return }
        try await TestApp(overrides: ["docuthinker.ocr.languages": .init(.string("eng+xyz"), isSecret: false)]).test { client in
            let session = try await client.register("ada@example.com")
            let scan = try await client.upload(try Self.scan("page.png"), filename: "page.png", session: session, waitUntilProcessed: false)
            let document = try await client.waitForDocument(try #require(try JSON.object(scan)["id"] as? String), session: session)
            #expect(document["error"] as? String == "no_text")
            #expect((document["errorMessage"] as? String ?? "").contains("apt-get install tesseract-ocr-xyz"))
        }
    }
}

/// Multiset word recall of `read` against `truth` (lower-cased runs of letters and digits).
enum OCRRecall {
    static func recall(truth: String, read: String) -> Double {
        func words(_ text: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) { counts[String(word), default: 0] += 1 }
            return counts
        }
        let expected = words(truth), found = words(read)
        let total = expected.values.reduce(0, +)
        guard total > 0 else { return 1 }
        return Double(expected.reduce(0) { $0 + min($1.value, found[$1.key] ?? 0) }) / Double(total)
    }
}
