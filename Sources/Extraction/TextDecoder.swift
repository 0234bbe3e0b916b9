public import Foundation

/// Turns bytes into text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252.
/// Invalid bytes never crash; they are replaced and reported.
public enum TextDecoder {
    /// A decoded text and what was noticed on the way.
    public struct Decoded: Sendable {
        public var text: String
        public var encoding: String
        public var warnings: [String]
    }

    /// Decodes `data`; binary content (NUL bytes without a UTF-16 BOM) is `unsupportedFormat`.
    public static func decode(_ data: Data) throws -> Decoded {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return utf8(bytes[3...], encoding: "utf-8")
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return utf16(bytes[2...], bigEndian: false) }
        if bytes.starts(with: [0xFE, 0xFF]) { return utf16(bytes[2...], bigEndian: true) }
        let sample = bytes.prefix(8192)
        let controls = sample.filter { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20 && $0 != 0x1B) }.count
        if sample.contains(0) || (sample.count > 0 && Double(controls) / Double(sample.count) > 0.05) {
            throw ExtractionError(.unsupportedFormat, "The file looks binary, not text.")
        }
        if isValidUTF8(bytes) { return utf8(bytes[...], encoding: "utf-8") }
        return Decoded(
            text: windows1252(bytes), encoding: "windows-1252",
            warnings: ["The text was not valid UTF-8 and was decoded as Windows-1252."])
    }

    private static func utf8(_ bytes: ArraySlice<UInt8>, encoding: String) -> Decoded {
        let valid = isValidUTF8(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        return Decoded(
            text: text, encoding: encoding,
            warnings: valid ? [] : ["Invalid UTF-8 byte sequences were replaced with U+FFFD."])
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> Decoded {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
            units.append(bigEndian ? (a << 8 | b) : (b << 8 | a))
            index += 2
        }
        var warnings: [String] = []
        if bytes.count % 2 != 0 { warnings.append("A trailing odd byte of the UTF-16 text was ignored.") }
        var invalid = false
        var view = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): view.append(scalar)
            case .emptyInput: break loop
            case .error: invalid = true; view.append("\u{FFFD}")
            }
        }
        if invalid { warnings.append("Invalid UTF-16 sequences were replaced with U+FFFD.") }
        return Decoded(text: String(view), encoding: bigEndian ? "utf-16be" : "utf-16le", warnings: warnings)
    }

    static func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Code points of bytes 0x80...0x9F in Windows-1252 (0 = undefined, kept as C1 control).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: [UInt8]) -> String {
        var view = String.UnicodeScalarView()
        view.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F, cp1252High[Int(byte - 0x80)] != 0 {
                view.append(Unicode.Scalar(cp1252High[Int(byte - 0x80)])!)
            } else {
                view.append(Unicode.Scalar(byte))
            }
        }
        return String(view)
    }
}
