import DocuThinkerCore
import Retrieval
import Testing

/// The search rules every edge applies through `SearchRequest`: one failure per broken rule,
/// naming the field, and the defaults when a value is absent.
@Suite struct SearchRequestTests {
    @Test func defaultsAndCleaning() throws {
        let request = try SearchRequest(query: "  tidal power \n", documentIds: ["a", " ", " b "])
        #expect(request.query == "tidal power")
        #expect(request.mode == .hybrid)
        #expect(request.limit == SearchRequest.defaultLimit)
        #expect(request.documentIds == ["a", "b"])
        #expect(try SearchRequest(query: "x", mode: "keyword", limit: 100).limit == 100)
        #expect(try SearchRequest(query: String(repeating: "é", count: 1_000)).query.count == 1_000)
    }

    @Test(arguments: [
        (nil, nil, nil, "query"), ("   ", nil, nil, "query"), (String(repeating: "a", count: 1_001), nil, nil, "query"),
        ("x", "fuzzy", nil, "mode"), ("x", nil, 0, "limit"), ("x", nil, 101, "limit"), ("x", nil, -5, "limit"),
    ] as [(String?, String?, Int?, String)])
    func brokenRulesNameTheirField(query: String?, mode: String?, limit: Int?, field: String) {
        #expect {
            try SearchRequest(query: query, mode: mode, limit: limit)
        } throws: { error in
            let error = error as? DomainError
            return error?.kind == .invalid && error?.code == "validation_failed" && error?.details?["field"] == field
        }
    }
}
