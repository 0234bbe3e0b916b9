import Foundation

import Testing
import WireFormats

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

@Suite("Server-sent events parser limits")
struct SSEParserLimitTests {
    /// A stream that never sends a line end is dropped at the limit instead of growing without
    /// end, and the events after it are still read.
    @Test func anEndlessLineIsDroppedAndTheStreamGoesOn() {
        var parser = SSEParser(maxLineBytes: 1_000)
        var events: [(event: String?, data: String)] = []
        for _ in 0..<50 { events += parser.feed(Array(repeating: UInt8(ascii: "x"), count: 100)) }
        events += parser.feed(Array("still the long line\ndata: after\n\n".utf8))
        #expect(parser.droppedLines == 1)
        #expect(events.map(\.data) == ["after"])
        // The same line arriving in one read is dropped the same way.
        var whole = SSEParser(maxLineBytes: 1_000)
        let all = whole.feed(Array(repeating: UInt8(ascii: "x"), count: 5_000) + Array("\ndata: after\n\n".utf8))
        #expect(whole.droppedLines == 1 && all.map(\.data) == ["after"])
    }
}
