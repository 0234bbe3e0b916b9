import Foundation

/// BERT's tokenizer: basic tokenization (clean-up, CJK splitting, lower-casing with accent
/// stripping, punctuation splitting) then greedy longest-match WordPiece over `vocab.txt`.
public struct WordPieceTokenizer: Sendable {
    let vocabulary: [String: Int32]
    let unknown: Int32
    public let classify: Int32
    public let separator: Int32
    public let padding: Int32
    let maxCharactersPerWord = 100

    public init(vocabularyFile url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var vocabulary: [String: Int32] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            vocabulary[String(line).trimmingCharacters(in: .init(charactersIn: "\r"))] = Int32(index)
        }
        guard let unknown = vocabulary["[UNK]"], let classify = vocabulary["[CLS]"], let separator = vocabulary["[SEP]"],
              let padding = vocabulary["[PAD]"] else {
            throw EmbeddingError(.modelInvalid, "vocab.txt lacks the BERT special tokens.")
        }
        self.vocabulary = vocabulary
        self.unknown = unknown
        self.classify = classify
        self.separator = separator
        self.padding = padding
    }

    /// `[CLS] pieces… [SEP]`, truncated to `maxLength` tokens in all.
    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        var ids: [Int32] = [classify]
        outer: for word in basicTokens(text) {
            for id in wordPieces(word) {
                if ids.count >= maxLength - 1 { break outer }
                ids.append(id)
            }
        }
        ids.append(separator)
        return ids
    }

    /// Whitespace- and punctuation-split, lower-cased, accent-stripped words.
    func basicTokens(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        let folded = text.lowercased().decomposedStringWithCanonicalMapping
        for scalar in folded.unicodeScalars {
            let value = scalar.value
            if value == 0 || value == 0xFFFD { continue }
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.generalCategory == .spaceSeparator {
                flush()
                continue
            }
            let category = scalar.properties.generalCategory
            if category == .control || category == .format { continue }
            if Self.isCJK(value) || Self.isPunctuation(scalar) {
                flush()
                words.append(String(scalar))
                continue
            }
            current.append(scalar)
        }
        flush()
        return words
    }

    func wordPieces(_ word: String) -> [Int32] {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count <= maxCharactersPerWord else { return [unknown] }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while start < end {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                let candidate = (start > 0 ? "##" : "") + String(view)
                if let id = vocabulary[candidate] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unknown] }
            pieces.append(id)
            start = end
        }
        return pieces
    }

    static func isCJK(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x20000...0x2A6DF).contains(value)
            || (0x2A700...0x2B73F).contains(value) || (0x2B740...0x2B81F).contains(value) || (0x2B820...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) {
            return true
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
