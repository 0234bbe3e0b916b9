import CZlib
import Foundation

/// The parts of a ZIP container (a DOCX), read from its central directory, and each part's
/// bytes inflated with zlib under hard bounds. Written for hostile uploads (`scripts/fuzz docx`
/// found ZIPFoundation trapping on an entry past the end of the data, and inflating forever when a
/// part's compressed data ends before its stream does):
/// - every entry's data must lie inside the file; ZIP64 is refused (a DOCX under the upload
///   limit never needs it);
/// - inflation stops at the entry's declared size (a part that expands further is corrupt) and
///   at the end of its compressed bytes (a stream cut short is corrupt): it always ends.
struct ZIPContainer {
    struct Entry {
        var name: String
        /// 0 stored, 8 deflated.
        var method: Int
        var compressedSize: Int
        var uncompressedSize: Int
        var dataStart: Int
    }

    let bytes: [UInt8]
    let entries: [Entry]

    static let damaged = ExtractionError(.unreadable, "The DOCX container is damaged (a part points outside the file).")

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int? { at >= 0 && at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : nil }
        func u32(_ at: Int) -> Int? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        // The end-of-central-directory record, searched from the end (a comment may follow it).
        var end: Int?
        var at = bytes.count - 22
        while at >= max(0, bytes.count - 22 - 65_535) {
            if u32(at) == 0x0605_4B50 { end = at; break }
            at -= 1
        }
        guard let end, let count = u16(end + 10), let size = u32(end + 12), let offset = u32(end + 16),
              offset != 0xFFFF_FFFF, size != 0xFFFF_FFFF, offset + size <= end else { throw Self.damaged }
        var entries: [Entry] = []
        var entry = offset
        for _ in 0..<count {
            guard u32(entry) == 0x0201_4B50, let method = u16(entry + 10), let compressed = u32(entry + 20),
                  let uncompressed = u32(entry + 24), let nameLength = u16(entry + 28), let extraLength = u16(entry + 30),
                  let commentLength = u16(entry + 32), let local = u32(entry + 42), entry + 46 + nameLength <= bytes.count,
                  compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, local != 0xFFFF_FFFF, u32(local) == 0x0403_4B50,
                  let localName = u16(local + 26), let localExtra = u16(local + 28) else { throw Self.damaged }
            let dataStart = local + 30 + localName + localExtra
            guard dataStart + compressed <= bytes.count else { throw Self.damaged }
            let name = String(decoding: bytes[(entry + 46)..<(entry + 46 + nameLength)], as: UTF8.self)
            entries.append(Entry(name: name, method: method, compressedSize: compressed, uncompressedSize: uncompressed, dataStart: dataStart))
            entry += 46 + nameLength + extraLength + commentLength
        }
        self.bytes = bytes
        self.entries = entries
    }

    subscript(name: String) -> Entry? { entries.first { $0.name == name } }

    /// The entry's bytes: never more than its declared size, nor more than `budget` (which it
    /// lowers); throws `archiveLimit` past the budget and `unreadable` for a corrupt part.
    func contents(of entry: Entry, budget: inout Int, limitMessage: String) throws -> Data {
        let corrupt = ExtractionError(.unreadable, "A part of the DOCX is corrupt (\(entry.name)).")
        guard entry.uncompressedSize <= budget else { throw ExtractionError(.archiveLimit, limitMessage) }
        let input = bytes[entry.dataStart..<(entry.dataStart + entry.compressedSize)]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else { throw corrupt }
            budget -= entry.uncompressedSize
            return Data(input)
        case 8:
            var output = Data(count: entry.uncompressedSize)
            var stream = z_stream()
            guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw corrupt }
            defer { inflateEnd(&stream) }
            let result: Int32 = input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBytes { target in
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                    stream.avail_in = UInt32(source.count)
                    stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = UInt32(target.count)
                    // One call with all the input and room for exactly the declared size: it ends the
                    // stream, runs out of input (cut short) or out of room (expands beyond its claim).
                    return inflate(&stream, Z_FINISH)
                }
            }
            guard result == Z_STREAM_END, Int(stream.total_out) == entry.uncompressedSize else { throw corrupt }
            budget -= entry.uncompressedSize
            return output
        default:
            throw corrupt
        }
    }
}
