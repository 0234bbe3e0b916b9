import Foundation
import Testing
import WireFormats

@Suite("AWS event-stream decoder")
struct EventStreamDecoderTests {
    /// A message with the given raw header bytes and payload, checksums right.
    static func message(headers: [UInt8], payload: [UInt8]) -> Data {
        func be(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        var bytes = be(UInt32(12 + headers.count + payload.count + 4)) + be(UInt32(headers.count))
        bytes += be(CRC32.checksum(bytes))
        bytes += headers + payload
        bytes += be(CRC32.checksum(bytes))
        return Data(bytes)
    }

    @Test func stringHeadersAndPayloadAreReadInAnyPieces() throws {
        let name = Array(":event-type".utf8), value = Array("contentBlockDelta".utf8)
        let headers = [UInt8(name.count)] + name + [7, 0, UInt8(value.count)] + value + [4, UInt8(1), 0x61, 4, 0, 0, 0, 1]
        let one = Self.message(headers: headers, payload: Array(#"{"delta":{"text":"Hi"}}"#.utf8))
        let stream = one + Self.message(headers: [], payload: Array("{}".utf8))
        for size in [1, 5, 17, stream.count] {
            var decoder = EventStreamDecoder()
            var messages: [EventStreamDecoder.Message] = []
            var index = 0
            while index < stream.count {
                messages += try decoder.feed(stream.subdata(in: index..<min(stream.count, index + size)))
                index += size
            }
            #expect(messages.count == 2, "pieces of \(size)")
            #expect(messages.first?.headers == [":event-type": "contentBlockDelta"])
            #expect(messages.first.map { String(decoding: $0.payload, as: UTF8.self) } == #"{"delta":{"text":"Hi"}}"#)
        }
    }

    /// Found while writing its fuzz target: a header value whose length runs past the headers (here
    /// a string said to be 65,535 bytes long in a small message) was read past the end of the
    /// buffer, which traps.
    @Test func aHeaderValueLongerThanItsMessageIsAnErrorNotATrap() {
        for headers: [UInt8] in [[1, 0x61, 7, 0xFF, 0xFF, 0x62], [1, 0x61, 9, 1, 2], [1, 0x61, 7, 0], [1, 0x61, 5, 1, 2, 3]] {
            var decoder = EventStreamDecoder()
            #expect(throws: EventStreamError.self) { _ = try decoder.feed(Self.message(headers: headers, payload: Array("payload after".utf8))) }
        }
    }
}
