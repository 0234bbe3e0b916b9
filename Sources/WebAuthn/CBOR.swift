import Foundation

/// A decoded CBOR value (RFC 8949), as much as WebAuthn needs: integers, byte and text strings,
/// arrays, maps, booleans, null and simple floats. Indefinite lengths and tags are refused: no
/// authenticator uses them in attestation objects or COSE keys.
public enum CBOR: Hashable, Sendable {
    case unsigned(UInt64)
    case negative(Int64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([CBOR: CBOR])
    case bool(Bool)
    case null
    case double(Double)

    /// The value under an integer or text key of a map.
    public subscript(key: CBOR) -> CBOR? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    public var bytes: [UInt8]? { if case .bytes(let value) = self { value } else { nil } }
    public var text: String? { if case .text(let value) = self { value } else { nil } }

    /// The value as a signed integer, when it is one.
    public var int: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value
        default: nil
        }
    }

    /// An integer key (COSE labels: `1`, `-2`…).
    public static func int(_ value: Int64) -> CBOR { value >= 0 ? .unsigned(UInt64(value)) : .negative(value) }
}

/// Reads one CBOR item from bytes, with bounds on nesting and sizes (the input comes from a client).
public struct CBORDecoder {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    private let bytes: [UInt8]
    private(set) var offset: Int
    static let maxDepth = 16

    /// Decodes the item that starts at `offset`; `end` is where it ended (authenticator data puts
    /// a COSE key before optional extensions, so its length is only known by decoding it).
    public static func decode(_ bytes: [UInt8], from offset: Int = 0) throws -> (value: CBOR, end: Int) {
        var decoder = CBORDecoder(bytes: bytes, offset: offset)
        let value = try decoder.item(depth: 0)
        return (value, decoder.offset)
    }

    /// Decodes exactly one item that fills `bytes`.
    public static func decodeWhole(_ bytes: [UInt8]) throws -> CBOR {
        let (value, end) = try decode(bytes)
        guard end == bytes.count else { throw Failure(description: "\(bytes.count - end) bytes after the CBOR item") }
        return value
    }

    private mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Failure(description: "CBOR ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw Failure(description: "CBOR ends early") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func argument(_ info: UInt8) throws -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25: return try take(2).reduce(0) { $0 << 8 | UInt64($1) }
        case 26: return try take(4).reduce(0) { $0 << 8 | UInt64($1) }
        case 27: return try take(8).reduce(0) { $0 << 8 | UInt64($1) }
        default: throw Failure(description: "unsupported CBOR length encoding \(info)")
        }
    }

    private mutating func length(_ info: UInt8) throws -> Int {
        let value = try argument(info)
        // Every element takes at least one byte: a longer length is a lie (and no allocation is made for it).
        guard value <= UInt64(bytes.count - offset) else { throw Failure(description: "CBOR length \(value) is longer than the data") }
        return Int(value)
    }

    private mutating func item(depth: Int) throws -> CBOR {
        guard depth < Self.maxDepth else { throw Failure(description: "CBOR nested too deeply") }
        let initial = try byte()
        let major = initial >> 5, info = initial & 0x1f
        switch major {
        case 0: return .unsigned(try argument(info))
        case 1:
            let value = try argument(info)
            guard value < UInt64(Int64.max) else { throw Failure(description: "CBOR negative integer out of range") }
            return .negative(-1 - Int64(value))
        case 2: return .bytes(try take(try length(info)))
        case 3:
            guard let text = String(validating: try take(try length(info)), as: UTF8.self) else {
                throw Failure(description: "CBOR text is not UTF-8")
            }
            return .text(text)
        case 4:
            let count = try length(info)
            var items: [CBOR] = []
            for _ in 0..<count { items.append(try item(depth: depth + 1)) }
            return .array(items)
        case 5:
            let count = try length(info)
            var map: [CBOR: CBOR] = [:]
            for _ in 0..<count {
                let key = try item(depth: depth + 1)
                guard map[key] == nil else { throw Failure(description: "duplicate CBOR map key") }
                map[key] = try item(depth: depth + 1)
            }
            return .map(map)
        case 7:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22, 23: return .null
            case 26: return .double(Double(Float(bitPattern: UInt32(try argument(26)))))
            case 27: return .double(Double(bitPattern: try argument(27)))
            default: throw Failure(description: "unsupported CBOR simple value \(info)")
            }
        default:
            throw Failure(description: "unsupported CBOR major type \(major)")
        }
    }
}

/// Writes CBOR (the subset above) in the canonical form WebAuthn uses; the tests' software
/// authenticator builds its attestation objects with it.
public enum CBOREncoder {
    public static func encode(_ value: CBOR) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    private static func head(_ major: UInt8, _ value: UInt64, to out: inout [UInt8]) {
        switch value {
        case 0..<24: out.append(major << 5 | UInt8(value))
        case 24..<256: out += [major << 5 | 24, UInt8(value)]
        case 256..<65_536: out += [major << 5 | 25, UInt8(value >> 8), UInt8(value & 0xff)]
        case 65_536..<4_294_967_296: out += [major << 5 | 26] + (0..<4).reversed().map { UInt8(value >> (8 * UInt64($0)) & 0xff) }
        default: out += [major << 5 | 27] + (0..<8).reversed().map { UInt8(value >> (8 * UInt64($0)) & 0xff) }
        }
    }

    private static func write(_ value: CBOR, to out: inout [UInt8]) {
        switch value {
        case .unsigned(let number): head(0, number, to: &out)
        case .negative(let number): head(1, UInt64(-1 - number), to: &out)
        case .bytes(let bytes): head(2, UInt64(bytes.count), to: &out); out += bytes
        case .text(let text): head(3, UInt64(text.utf8.count), to: &out); out += Array(text.utf8)
        case .array(let items): head(4, UInt64(items.count), to: &out); for item in items { write(item, to: &out) }
        case .map(let map):
            head(5, UInt64(map.count), to: &out)
            // Canonical order: keys sorted by their encoding (shorter first, then bytewise).
            let entries = map.map { (key: encode($0.key), value: $0.value) }.sorted {
                $0.key.count != $1.key.count ? $0.key.count < $1.key.count : $0.key.lexicographicallyPrecedes($1.key)
            }
            for entry in entries { out += entry.key; write(entry.value, to: &out) }
        case .bool(let flag): out.append(flag ? 0xf5 : 0xf4)
        case .null: out.append(0xf6)
        case .double(let number): out.append(0xfb); out += (0..<8).reversed().map { UInt8(number.bitPattern >> (8 * UInt64($0)) & 0xff) }
        }
    }
}
