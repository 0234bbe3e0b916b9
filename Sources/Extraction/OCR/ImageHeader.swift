public import Foundation

/// The pixel size of a PNG, JPEG or TIFF file read from its header, so an image too large to
/// decode safely (a decompression bomb) or a damaged one is refused before any reader opens it.
enum ImageHeader {
    /// Width and height, or nil when the header cannot be read.
    static func size(_ data: Data, format: DocumentImageKind) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(1_048_576))
        switch format {
        case .png:
            guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
            return (Int(bigEndian(bytes, 16, 4)), Int(bigEndian(bytes, 20, 4)))
        case .jpeg:
            var index = 2
            while index + 9 < bytes.count {
                guard bytes[index] == 0xFF else { return nil }
                let marker = bytes[index + 1]
                if marker == 0xFF { index += 1; continue }
                let length = Int(bigEndian(bytes, index + 2, 2))
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (Int(bigEndian(bytes, index + 7, 2)), Int(bigEndian(bytes, index + 5, 2)))
                }
                guard length >= 2 else { return nil }
                index += 2 + length
            }
            return nil
        case .tiff:
            guard bytes.count >= 8 else { return nil }
            let little = bytes[0] == 0x49
            func read(_ at: Int, _ count: Int) -> Int? {
                guard at >= 0, at + count <= bytes.count else { return nil }
                let slice = bytes[at..<at + count]
                return Int(little ? slice.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } : slice.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            }
            guard let directory = read(4, 4), let entries = read(directory, 2) else { return nil }
            var width: Int?, height: Int?
            for entry in 0..<min(entries, 500) {
                let at = directory + 2 + entry * 12
                guard let tag = read(at, 2), let type = read(at + 2, 2) else { return nil }
                let value = type == 3 ? read(at + 8, 2) : read(at + 8, 4)
                if tag == 256 { width = value }
                if tag == 257 { height = value }
            }
            guard let width, let height else { return nil }
            return (width, height)
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        bytes[at..<at + count].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}

/// The image formats read as one-page documents.
enum DocumentImageKind {
    case png, jpeg, tiff
}
