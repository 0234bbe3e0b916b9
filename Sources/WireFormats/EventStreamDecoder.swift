import Foundation

/// Decodes AWS's binary event-stream framing (used by Bedrock ConverseStream): each message is
/// `total length (4) | headers length (4) | prelude CRC (4) | headers | payload | message CRC (4)`,
/// big-endian, CRC-32 (IEEE). Headers are `name length (1) | name | type (1) | value`; only string
/// values (type 7) are kept.
public struct EventStreamDecoder: Sendable {
    public struct Message: Sendable, Equatable {
        public var headers: [String: String]
        public var payload: Data
    }

    private var buffer = Data()

    public init() {}

    /// Adds bytes and returns every message completed by them.
    public mutating func feed(_ bytes: Data) throws -> [Message] {
        buffer.append(bytes)
        var messages: [Message] = []
        while buffer.count >= 12 {
            let start = buffer.startIndex
            let total = Int(Self.uint32(buffer, at: start))
            guard total >= 16, total <= 16 * 1024 * 1024 else { throw EventStreamError("Event-stream message length \(total) is invalid.") }
            guard buffer.count >= total else { break }
            let headersLength = Int(Self.uint32(buffer, at: start + 4))
            guard Self.uint32(buffer, at: start + 8) == CRC32.checksum(buffer[start..<(start + 8)]) else {
                throw EventStreamError("Event-stream prelude checksum mismatch.")
            }
            guard Self.uint32(buffer, at: start + total - 4) == CRC32.checksum(buffer[start..<(start + total - 4)]) else {
                throw EventStreamError("Event-stream message checksum mismatch.")
            }
            guard 12 + headersLength + 4 <= total else { throw EventStreamError("Event-stream headers overflow the message.") }
            var headers: [String: String] = [:]
            var i = start + 12
            let headersEnd = i + headersLength
            while i < headersEnd {
                let nameLength = Int(buffer[i]); i += 1
                guard i + nameLength + 1 <= headersEnd else { throw EventStreamError("Event-stream header is truncated.") }
                let name = String(decoding: buffer[i..<(i + nameLength)], as: UTF8.self); i += nameLength
                let type = buffer[i]; i += 1
                /// The value's bytes, which must end inside the headers.
                func value(_ length: Int) throws -> Range<Int> {
                    guard length <= headersEnd - i else { throw EventStreamError("Event-stream header value overflows the headers.") }
                    defer { i += length }
                    return i..<(i + length)
                }
                switch type {
                case 7, 6:  // string, byte array: 2-byte length
                    let prefix = try value(2)
                    let bytes = try value(Int(buffer[prefix.lowerBound]) << 8 | Int(buffer[prefix.lowerBound + 1]))
                    if type == 7 { headers[name] = String(decoding: buffer[bytes], as: UTF8.self) }
                case 0, 1: break                 // bool true/false
                case 2: _ = try value(1)         // byte
                case 3: _ = try value(2)         // int16
                case 4: _ = try value(4)         // int32
                case 5, 8: _ = try value(8)      // int64, timestamp
                case 9: _ = try value(16)        // uuid
                default: throw EventStreamError("Unknown event-stream header type \(type).")
                }
            }
            let payload = Data(buffer[headersEnd..<(start + total - 4)])
            messages.append(Message(headers: headers, payload: payload))
            buffer.removeSubrange(start..<(start + total))
        }
        return messages
    }

    static func uint32(_ data: Data, at index: Data.Index) -> UInt32 {
        UInt32(data[index]) << 24 | UInt32(data[index + 1]) << 16 | UInt32(data[index + 2]) << 8 | UInt32(data[index + 3])
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// A frame that breaks the event-stream format (length, checksum or header out of bounds).
public struct EventStreamError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
