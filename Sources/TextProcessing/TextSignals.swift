/// Judgements about one piece of text from its characters and words alone: glyph soup, code,
/// captions, notices and bibliography entries. Each is cheap (one pass) and conservative: a
/// sentence that is none of these stays body.
public enum TextSignals {
    /// Symbol-font or broken-encoding output: few letters and digits among the visible
    /// characters that are not code punctuation, private-use or replacement characters, or mostly
    /// one-letter "words" repeated.
    public static func isGlyphSoup(_ text: Substring.UnicodeScalarView) -> Bool {
        var visible = 0, wordish = 0, odd = 0, codeMarks = 0
        var tokens = 0, singles = 0, repeats = 0
        var token = "", previous = "", tokenLength = 0
        func close() {
            guard tokenLength > 0 else { return }
            tokens += 1
            // A one-character token that is not punctuation or a digit (`h`, `ª`; dot leaders are not soup).
            if tokenLength == 1, let only = token.unicodeScalars.first, only.properties.numericType == nil,
               !".,;:-–—·•…*()[]".unicodeScalars.contains(only) { singles += 1 }
            if token == previous { repeats += 1 }
            previous = token
            token = ""
            tokenLength = 0
        }
        for scalar in text {
            if scalar.properties.isWhitespace { close(); continue }
            visible += 1
            tokenLength += 1
            token.unicodeScalars.append(scalar)
            let value = scalar.value
            if (0xE000...0xF8FF).contains(value) || value == 0xFFFD || (0xF0000...0x10FFFF).contains(value) { odd += 1 }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { wordish += 1 }
            if "{}[]()<>=;:$\\|_#@~^&,\"'-+*/.".unicodeScalars.contains(scalar) { codeMarks += 1 }
        }
        close()
        guard visible >= 3 else { return false }
        if odd * 10 > visible { return true }
        // Few letters among characters that are not code punctuation either (`> z <- c(1:3,NA);` is code).
        if wordish * 2 < visible - codeMarks, visible >= 6 { return true }
        if tokens >= 5, singles * 10 >= tokens * 6, repeats * 4 >= tokens { return true }
        // Every "word" a short run of consonants or symbols (`hhh hh`, `c m m G F D`).
        let words = String(text).split(whereSeparator: \.isWhitespace)
        if words.count >= 2, words.allSatisfy(isJunkToken) { return true }
        return false
    }

    /// At most three characters with no vowel and no digit (`hhh`, `ª`, `m`).
    static func isJunkToken(_ word: Substring) -> Bool {
        word.count <= 3 && !word.contains { "aeiouyAEIOUY".contains($0) || $0.isNumber }
    }

    /// Code or commands: a prompt at the start, or code punctuation dense among the characters.
    public static func isCode(_ text: String) -> Bool {
        let trimmed = text.drop { $0.isWhitespace }
        if ["$ ", "> ", ">>> ", "% ", "gnuplot> ", "R> ", "# "].contains(where: { trimmed.hasPrefix($0) }) { return true }
        var visible = 0, symbols = 0, letters = 0
        for scalar in text.unicodeScalars where !scalar.properties.isWhitespace {
            visible += 1
            if "{}[]<>=;$\\|_#@~^&".unicodeScalars.contains(scalar) { symbols += 1 }
            if scalar.properties.isAlphabetic { letters += 1 }
        }
        guard visible >= 6 else { return false }
        return symbols * 100 >= visible * 8 && symbols >= 2 || letters * 3 < visible && visible >= 10
    }

    /// `Figure 3:`, `Fig. 2.`, `Table 1 —`, `Listing 4:` at the start.
    public static func isCaption(_ text: String) -> Bool {
        let lower = text.drop { $0.isWhitespace }.prefix(16).lowercased()
        for word in ["figure ", "fig. ", "table ", "listing ", "plate ", "exhibit "] where lower.hasPrefix(word) {
            let rest = lower.dropFirst(word.count)
            let number = rest.prefix { $0.isNumber || $0 == "." || $0 == "-" }
            guard !number.isEmpty, number.contains(where: \.isNumber) else { return false }
            let after = rest.dropFirst(number.count).first
            return after == nil || after == ":" || after == " " && rest.dropFirst(number.count + 1).first.map { $0.isUppercase || $0 == "—" || $0 == "-" } == true
        }
        return false
    }

    /// Phrases of copyright, licence and warranty notices (lower case).
    static let noticePhrases = [
        "copyright ©", "copyright (c)", "© 1", "© 2", "all rights reserved", "permission is granted", "permission is hereby granted",
        "permission to use, copy", "permission to copy", "free documentation license", "general public license",
        "without any warranty", "without warranty", "licensed under", "license as published", "invariant sections",
        "front-cover texts", "back-cover texts", "this program is free software", "creative commons", "isbn ",
        "distributed in the hope that it will be useful", "this document is free", "terms of the gnu",
        "the above copyright notice", "copyright notice", "is provided \"as is\"", "provided “as is”", "as is\" and",
    ]

    /// A copyright, licence or warranty notice.
    public static func isNotice(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.hasPrefix("copyright ") || lower.hasPrefix("©") { return true }
        return noticePhrases.contains { lower.contains($0) }
    }

    /// A bibliography entry: a year with at least three marks of a reference (pages, volume,
    /// publisher, journal, edition, ISBN or DOI, "et al.", a page range, `Surname, I.` at the start).
    public static func isReference(_ text: String) -> Bool {
        let lower = text.lowercased()
        let scalars = Array(lower.unicodeScalars)
        var hasYear = false
        if scalars.count >= 4 {
            for k in 0...(scalars.count - 4) where (k == 0 || !isDigit(scalars[k - 1])) && (k + 4 == scalars.count || !isDigit(scalars[k + 4])) {
                if (scalars[k] == "1" && ("5"..."9").contains(scalars[k + 1]) || scalars[k] == "2" && scalars[k + 1] == "0"),
                   isDigit(scalars[k + 2]), isDigit(scalars[k + 3]) { hasYear = true; break }
            }
        }
        guard hasYear else { return false }
        var marks = 0
        for cue in ["pp. ", "p. ", "vol. ", "vol ", "no. ", "press", "journal", "proceedings", " ed.", "edition", "isbn", "doi", "et al",
                    "publish", "university", "conference", "transactions"] where lower.contains(cue) {
            marks += 1
        }
        if scalars.indices.dropFirst().contains(where: { k in
            (scalars[k] == "-" || scalars[k] == "–") && isDigit(scalars[k - 1]) && k + 1 < scalars.count && isDigit(scalars[k + 1])
        }) { marks += 1 }
        let original = Array(text.unicodeScalars.drop { $0.properties.isWhitespace }.prefix(40))
        if let comma = original.firstIndex(of: ","), comma >= 2, original[0].properties.isUppercase,
           original[1..<comma].allSatisfy({ $0.properties.isLowercase || $0 == "-" }),
           comma + 3 < original.count, original[comma + 2].properties.isUppercase, original[comma + 3] == "." { marks += 1 }
        if original.first == "[" { marks += 1 }
        return marks >= 3
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
