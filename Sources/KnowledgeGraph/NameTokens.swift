import DocuThinkerCore
import Foundation

/// A word or punctuation mark of a sentence, as the entity extractor sees it.
struct NameToken: Sendable {
    /// The surface form (a possessive `'s` is left out).
    var text: String
    /// Lower case, without a final abbreviation dot ("Inc." → "inc", "U.S." → "u.s.").
    var lower: String
    /// Code points in the document's text.
    var start: Int
    var end: Int
    var isWord: Bool
    /// Starts with an upper-case letter.
    var isCapitalised: Bool
    /// Two or more letters, all upper case ("NATO", "U.S.").
    var isAllCaps: Bool
    /// Some letter after the first is upper case ("iPhone", "McDonald").
    var hasInnerCapital: Bool
    var isNumber: Bool
    /// A name cannot go on past it (a possessive, or the capitalised part of "Paris-based").
    var endsName: Bool
    /// The first word of its sentence, of a quotation or after a colon: capitalised by rule.
    var atStart: Bool
    /// A line break stands between it and the token before (a name does not continue across one).
    var afterLineBreak = false

    var canBeName: Bool { isWord && (isCapitalised || hasInnerCapital) }
}

/// Splits one sentence into `NameToken`s.
enum NameTokenizer {
    /// Abbreviations whose dot belongs to the word ("Inc.", "Dr.").
    static let dottedAbbreviations: Set<String> = [
        "inc", "corp", "ltd", "co", "jr", "sr", "st", "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt",
        "col", "capt", "sgt", "mt", "ft", "bros", "no", "vs", "rev", "maj", "adm", "cmdr", "supt", "insp", "det", "messrs",
        "ala", "ariz", "ark", "calif", "colo", "conn", "fla", "ga", "ill", "ind", "kan", "ky", "md", "mass", "mich", "minn",
        "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "vt", "va", "wash", "wis", "wyo", "ont", "que", "alta",
    ]

    static func tokens(_ text: ScalarText, start: Int, end: Int) -> [NameToken] {
        let scalars = text.scalars
        var tokens: [NameToken] = []
        var i = start
        var nextAtStart = true
        var sawLineBreak = false
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s.properties.generalCategory == .nonspacingMark }
        while i < end {
            let s = scalars[i]
            if s.properties.isWhitespace {
                if s == "\n" || s == "\r" || s == "\u{2028}" { sawLineBreak = true }
                i += 1
                continue
            }
            guard isWordScalar(s) else {
                let opensQuote = "\"“‘'(«".unicodeScalars.contains(s)
                tokens.append(NameToken(text: String(s), lower: String(s), start: i, end: i + 1, isWord: false, isCapitalised: false,
                                        isAllCaps: false, hasInnerCapital: false, isNumber: false, endsName: true, atStart: false))
                if opensQuote || s == ":" || s == "—" || s == "•" || s == "|" { nextAtStart = true }
                sawLineBreak = false
                i += 1
                continue
            }
            var j = i + 1
            while j < end {
                if isWordScalar(scalars[j]) { j += 1; continue }
                if "'’-.&".unicodeScalars.contains(scalars[j]), j + 1 < end, isWordScalar(scalars[j + 1]) {
                    // "AT&T" only between capitals.
                    if scalars[j] == "&", !(scalars[j - 1].properties.isUppercase && scalars[j + 1].properties.isUppercase) { break }
                    j += 2
                    continue
                }
                break
            }
            var word = String(String.UnicodeScalarView(scalars[i..<j]))
            var tokenEnd = j
            var endsName = false
            // Possessives: "Apple's", "Apple’s", "Reuters'".
            for suffix in ["'s", "’s", "'S", "’S"] where word.hasSuffix(suffix) && word.count > 2 {
                word.removeLast(2)
                tokenEnd -= 2
                endsName = true
            }
            if !endsName, j < end, "'’".unicodeScalars.contains(scalars[j]), word.hasSuffix("s") { endsName = true }
            // "Paris-based", "Texas-born": the capitalised parts are the name.
            if word.contains("-") {
                let parts = word.split(separator: "-", omittingEmptySubsequences: false)
                if let first = parts.first?.unicodeScalars.first, first.properties.isUppercase,
                   let cut = parts.firstIndex(where: { part in part.unicodeScalars.first.map { $0.properties.isLowercase } ?? false }),
                   cut > 0 {
                    let kept = parts[..<cut].joined(separator: "-")
                    tokenEnd = i + kept.unicodeScalars.count
                    word = kept
                    endsName = true
                }
            }
            var lower = word.lowercased().replacingOccurrences(of: "’", with: "'")
            // "U.S." and "Inc.": the dot after belongs to the word.
            if tokenEnd == j, j < end, scalars[j] == "." {
                let letters = word.split(separator: ".")
                if letters.count >= 2 && letters.allSatisfy({ $0.count == 1 })
                    || word.unicodeScalars.count == 1 && word.unicodeScalars.first!.properties.isUppercase {
                    // "U.S.", and an initial: "J. R. R. Tolkien".
                    word += "."
                    tokenEnd += 1
                    lower += "."
                } else if dottedAbbreviations.contains(lower) {
                    word += "."
                    tokenEnd += 1
                }
            }
            let letters = word.unicodeScalars.filter { $0.properties.isAlphabetic }
            let first = word.unicodeScalars.first!
            let isCapitalised = first.properties.isUppercase
            let isAllCaps = letters.count >= 2 && letters.allSatisfy { $0.properties.isUppercase }
            let hasInnerCapital = letters.dropFirst().contains { $0.properties.isUppercase }
            let isNumber = letters.isEmpty
            tokens.append(NameToken(text: word, lower: lower, start: i, end: tokenEnd, isWord: true, isCapitalised: isCapitalised,
                                    isAllCaps: isAllCaps, hasInnerCapital: hasInnerCapital, isNumber: isNumber, endsName: endsName,
                                    atStart: nextAtStart, afterLineBreak: sawLineBreak))
            // "3. Change the…": a list number leaves the next word first.
            nextAtStart = nextAtStart && letters.isEmpty
            sawLineBreak = false
            // What a possessive or hyphen cut off is not part of any name; an abbreviation's dot is.
            i = max(j, tokenEnd)
        }
        return tokens
    }
}
