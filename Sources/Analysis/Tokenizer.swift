public import DocuThinkerCore
import Foundation

/// A word of a text with its code-point range.
public struct Token: Hashable, Sendable {
    /// Lower-cased surface form.
    public var lower: String
    /// Light stem used to group inflections (`rivers` → `river`, `filtered` → `filter`).
    public var stem: String
    public var start: Int
    public var end: Int
    public var isStopword: Bool
    /// Starts with an upper-case letter in the source.
    public var isCapitalized: Bool
}

/// Splits text into word tokens (letters and digits, with inner apostrophes, hyphens and periods).
public enum Tokenizer {
    public static func tokens(_ scalars: ArraySlice<Unicode.Scalar>, offset: Int = 0) -> [Token] {
        var tokens: [Token] = []
        var i = scalars.startIndex
        while i < scalars.endIndex {
            guard isWordScalar(scalars[i]) else { i += 1; continue }
            let start = i
            var j = i + 1
            while j < scalars.endIndex {
                if isWordScalar(scalars[j]) { j += 1; continue }
                if "'’-.".unicodeScalars.contains(scalars[j]), j + 1 < scalars.endIndex, isWordScalar(scalars[j + 1]) {
                    j += 2
                    continue
                }
                break
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<j])
            let surface = String(view)
            let lower = surface.lowercased().replacingOccurrences(of: "’", with: "'")
            tokens.append(Token(
                lower: lower, stem: stem(lower), start: offset + start - scalars.startIndex,
                end: offset + j - scalars.startIndex, isStopword: Stopwords.english.contains(lower),
                isCapitalized: scalars[start].properties.isUppercase))
            i = j
        }
        return tokens
    }

    /// Whether a lower-cased word is an English stop word.
    public static func isStopword(_ word: String) -> Bool { Stopwords.english.contains(word) }

    /// Tokens of a whole string.
    public static func tokens(_ text: String) -> [Token] {
        tokens(Array(text.unicodeScalars)[...])
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// A light English suffix stripper (a subset of Porter step 1) — enough to group plurals and tenses.
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.unicodeScalars.allSatisfy({ $0.isASCII }) else { return word }
        var w = word
        if w.hasSuffix("'s") { w.removeLast(2) }
        if w.hasSuffix("sses") { w.removeLast(2) }
        else if w.hasSuffix("ies"), w.count > 4 { w.removeLast(3); w += "y" }
        else if w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is") { w.removeLast() }
        if w.hasSuffix("ing"), w.count > 5 { w.removeLast(3); w = undouble(w) }
        else if w.hasSuffix("ed"), w.count > 4 { w.removeLast(2); w = undouble(w) }
        if w.hasSuffix("ational") { w.removeLast(5); w += "e" }
        else if w.hasSuffix("ation"), w.count > 7 { w.removeLast(5); w += "e" }
        else if w.hasSuffix("ness"), w.count > 6 { w.removeLast(4) }
        else if w.hasSuffix("ly"), w.count > 5 { w.removeLast(2) }
        return w
    }

    private static func undouble(_ w: String) -> String {
        guard let last = w.last, w.count > 3, w.dropLast().last == last, !"lsz".contains(last) else { return w }
        return String(w.dropLast())
    }
}
