public import DocuThinkerCore
public import Foundation

/// Decides a document's format from its bytes (magic numbers, ZIP contents), never its name.
public enum FormatDetector {
    /// The detected format, or `unsupportedFormat` / `empty`.
    public static func detect(_ data: Data) throws -> DocumentFormat {
        guard !data.isEmpty else { throw ExtractionError(.empty, "The file is empty.") }
        let head = data.prefix(1024)
        if head.range(of: Data("%PDF-".utf8)) != nil { return .pdf }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if data.starts(with: [0x49, 0x49, 0x2A, 0x00]) || data.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            if zipContains(data, entryName: "word/document.xml") { return .docx }
            throw ExtractionError(.unsupportedFormat, "This ZIP archive is not a Word (DOCX) document.")
        }
        if let binary = knownBinaryName(data) {
            throw ExtractionError(.unsupportedFormat, "\(binary) files are not supported; upload PDF, DOCX, HTML, Markdown, text, or a PNG, JPEG or TIFF scan.")
        }
        let decoded = try TextDecoder.decode(data)
        if looksLikeHTML(decoded.text) { return .html }
        if looksLikeMarkdown(decoded.text) { return .markdown }
        return .text
    }

    /// Whether the ZIP's central directory names `entryName` (a cheap byte search of the directory).
    static func zipContains(_ data: Data, entryName: String) -> Bool {
        data.range(of: Data(entryName.utf8), options: .backwards) != nil
    }

    private static let signatures: [(bytes: [UInt8], name: String)] = [
        ([0x89, 0x50, 0x4E, 0x47], "Damaged PNG"),
        ([0x47, 0x49, 0x46, 0x38], "GIF image"), ([0x1F, 0x8B], "gzip"), ([0x42, 0x5A, 0x68], "bzip2"),
        ([0xD0, 0xCF, 0x11, 0xE0], "Legacy Office (.doc/.xls)"), ([0x7F, 0x45, 0x4C, 0x46], "ELF executable"),
        ([0x52, 0x61, 0x72, 0x21], "RAR archive"), ([0x37, 0x7A, 0xBC, 0xAF], "7-Zip archive"),
        ([0x49, 0x44, 0x33], "MP3 audio"), ([0x00, 0x00, 0x00], "Binary"), ([0x4D, 0x5A], "Windows executable"),
        ([0x7B, 0x5C, 0x72, 0x74, 0x66], "RTF"),
    ]

    private static func knownBinaryName(_ data: Data) -> String? {
        for signature in signatures where data.starts(with: signature.bytes) { return signature.name }
        return nil
    }

    static func looksLikeHTML(_ text: String) -> Bool {
        let head = String(text.unicodeScalars.prefix(2048)).lowercased()
        let trimmed = head.drop(while: { $0.isWhitespace })
        if trimmed.hasPrefix("<!doctype html") || trimmed.hasPrefix("<html") { return true }
        let markers = ["<html", "<body", "<head>", "<head ", "<title>", "<div", "<p>", "<meta "]
        return trimmed.hasPrefix("<") && markers.contains(where: { head.contains($0) })
    }

    static func looksLikeMarkdown(_ text: String) -> Bool {
        var score = 0
        var linesSeen = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            linesSeen += 1
            if linesSeen > 400 { break }
            if line.range(of: #"^#{1,6} \S"#, options: .regularExpression) != nil { score += 2 }
            if line.hasPrefix("```") { score += 2 }
            if line.range(of: #"\[[^\]]+\]\([^)]+\)"#, options: .regularExpression) != nil { score += 1 }
            if line.range(of: #"^\s*[-*+] \S"#, options: .regularExpression) != nil { score += 1 }
            if line.range(of: #"\*\*[^*]+\*\*"#, options: .regularExpression) != nil { score += 1 }
            if line.hasPrefix("> ") { score += 1 }
            if score >= 3 { return true }
        }
        return false
    }
}
