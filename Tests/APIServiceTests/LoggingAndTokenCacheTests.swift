@testable import APIService
import DocuThinkerCore
import Foundation
import Logging
import Storage
@testable import ServerSupport
import Testing

@Suite("Hot-path helpers: log lines and verified tokens")
struct LoggingAndTokenCacheTests {
    /// The hand-built JSON of the access log parses back to the same values, whatever the text.
    @Test func logValuesAreValidJSON() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t bell \u{07} nul \u{00} naïve 中文 🚀 </script>"
        var line = "{"
        FastJSON.appendString("msg", to: &line)
        line += ":"
        FastJSON.appendString(hostile, to: &line)
        line += ","
        FastJSON.appendString("meta", to: &line)
        line += ":"
        JSONLogHandler.append(.dictionary(["b": .array([.string("x"), .stringConvertible(42)]), "a": .string("y")]), to: &line)
        line += "}"
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == hostile)
        let meta = try #require(object["meta"] as? [String: Any])
        #expect(meta["a"] as? String == "y")
        #expect(meta["b"] as? [String] == ["x", "42"])
    }

    @Test func timestampsAreUTCWithMilliseconds() throws {
        let stamp = FastJSON.now()
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(stamp)")
        let parsed = try #require(ISO8601DateFormatter.fractional.date(from: stamp))
        #expect(abs(parsed.timeIntervalSinceNow) < 5)
    }

    /// A remembered token stops working when it expires, and a forged one is never remembered.
    @Test func verifiedTokensExpire() async throws {
        let tokens = await TokenService(secret: TestApp.secret, accessLifetime: .seconds(60), refreshLifetime: .seconds(600))
        let now = Date.now
        let token = try await tokens.issueAccessToken(userId: "ada", now: now)
        #expect(await tokens.verifyAccessToken(token, now: now) == "ada")
        #expect(await tokens.verifyAccessToken(token, now: now.addingTimeInterval(30)) == "ada", "from the cache")
        #expect(await tokens.verifyAccessToken(token, now: now.addingTimeInterval(61)) == nil, "expired, cached or not")
        var forged = Array(token)
        forged[forged.count - 2] = forged[forged.count - 2] == "A" ? "B" : "A"
        #expect(await tokens.verifyAccessToken(String(forged), now: now) == nil)
    }
}

extension ISO8601DateFormatter {
    static var fractional: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

@Suite("Library list JSON")
struct DocumentListJSONTests {
    /// The hand-written list equals what the generic encoder makes of the same records.
    @Test func handWrittenListMatchesTheEncoder() throws {
        var quality = QualityReport(characters: 12, words: 3, pageCount: 3, emptyPages: [2, 3], likelyScanned: true, language: "en",
                                    languageConfidence: 0.1 + 0.2, warnings: ["a \"quoted\" / warning", "ünïcode\ttab"])
        quality.unusablePages = [1]
        quality.ocrPages = [OCRPageQuality(page: 2, words: 7, confidence: 0.91, dpi: 300), OCRPageQuality(page: 3, words: 0, confidence: 0, dpi: nil)]
        quality.ocrConfidence = 0.91
        let records = [
            DocumentRecord(id: "a", ownerId: "o", title: "Tab\tand \"quotes\" — ünïcode 🚀", filename: nil, format: .pdf, status: .ready,
                           pageCount: 3, sizeBytes: 10, sha256: "abc", characters: 12, author: "Ada\nLovelace", quality: quality,
                           objectKey: "o/a", createdAt: Date(timeIntervalSince1970: 1_795_603_357.349), updatedAt: Date(timeIntervalSince1970: 0.5)),
            DocumentRecord(id: "b", ownerId: "o", title: "Plain", filename: "b.txt", format: .text, status: .failed, error: "bad",
                           pageCount: 1, sizeBytes: 1, sha256: "d", characters: 1, author: nil, quality: nil,
                           objectKey: "o/b", createdAt: .now, updatedAt: .now),
        ]
        let fast = try JSONSerialization.jsonObject(with: Data(DocumentDTO.jsonArray(records).utf8)) as? [NSDictionary]
        let generic = try JSONSerialization.jsonObject(with: JSONIO.encoder.encode(records.map { DocumentDTO($0) })) as? [NSDictionary]
        #expect(fast != nil && fast == generic)
        #expect(DocumentDTO.jsonArray(records).contains(#""languageConfidence":0.30000000000000004,"#), "a double is written exactly")
        #expect(fast?.last?["quality"] == nil, "no report before extraction")
        #expect(fast?.first?["createdAt"] as? String == "2026-11-25T10:42:37.349Z")
    }
}
