import Foundation
@testable import LLM
import Testing

@Suite("Server-sent events parser")
struct SSEParserTests {
    /// Network reads split bytes anywhere, also inside a UTF-8 character: the parser must not
    /// decode half a character (it used to turn "é" split in two reads into two U+FFFD).
    @Test func aCharacterSplitAcrossReadsIsDecodedWhole() {
        let body = Array("data: {\"text\":\"Café – naïve 日本 🙂\"}\r\n\r\nevent: done\ndata: [DONE]\n\n".utf8)
        for split in 1..<body.count {
            var parser = SSEParser()
            let events = parser.feed(body[..<split]) + parser.feed(body[split...])
            #expect(events.map(\.data) == [#"{"text":"Café – naïve 日本 🙂"}"#, "[DONE]"], "split at \(split)")
            #expect(events.map(\.event) == [nil, "done"])
        }
    }

    @Test func byteByByteAndMultiLineData() {
        var parser = SSEParser()
        var events: [(event: String?, data: String)] = []
        for byte in Array("data: one\ndata: two\n\n: comment\n\ndata: three\n\n".utf8) { events += parser.feed([byte]) }
        #expect(events.map(\.data) == ["one\ntwo", "three"])
    }
}
