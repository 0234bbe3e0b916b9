import Analysis
import DocuThinkerCore
import Foundation

/// The documents a question names by a word of their title: "How do I put the legend outside the
/// plot in gnuplot?" names "gnuplot documentation", "What is R?" names "R-intro". Chat also
/// answers from them as if the caller had chosen them, so a library holding gnuplot's and
/// Octave's manuals answers a gnuplot question from gnuplot's. Words every manual's title has
/// ("documentation", "manual", "guide") and words in the titles of half the library name nothing.
enum NamedDocuments {
    /// Title words that say what kind of document it is, not which.
    static let generic: Set<String> = [
        "documentation", "document", "docs", "doc", "manual", "guide", "introduction", "intro", "reference", "tutorial",
        "handbook", "user", "users", "notes", "chapter", "edition", "version", "book", "draft", "final", "untitled", "readme",
        "copy", "new", "file", "page", "pages", "part", "section", "report",
        "pdf", "docx", "html", "htm", "md", "markdown", "txt", "text", "odt", "rtf", "epub",
    ]

    /// The ids of the documents (`id`, `title`) that the question names, when it names some but not all.
    static func named(in question: String, titles: [(id: String, title: String)]) -> [String] {
        guard titles.count > 1 else { return [] }
        let asked = words(question)
        let titleWords = titles.map { words($0.title, splittingParts: true).filter(isDistinctive) }
        var titlesWith: [String: Int] = [:]
        for words in titleWords { for key in Set(words.map(key)) { titlesWith[key, default: 0] += 1 } }
        let named = titles.indices.filter { index in
            titleWords[index].contains { word in
                titlesWith[key(word), default: 0] * 2 <= titles.count && asked.contains { names($0, word) }
            }
        }
        return named.count < titles.count ? named.map { titles[$0].id } : []
    }

    /// Whether a question word names a title word: the same stem, or for one or two letters
    /// ("R", "Go") the same capitals.
    static func names(_ asked: String, _ titleWord: String) -> Bool {
        if titleWord.count <= 2 { return asked == titleWord }
        return asked.count > 2 && key(asked) == key(titleWord)
    }

    static func key(_ word: String) -> String { Tokenizer.stem(word.lowercased().replacingOccurrences(of: "’", with: "'")) }

    static func isDistinctive(_ word: String) -> Bool {
        let lower = word.lowercased()
        guard !Tokenizer.isStopword(lower), !generic.contains(lower), !lower.allSatisfy(\.isNumber) else { return false }
        return word.count > 2 || (word.allSatisfy(\.isUppercase) && word.allSatisfy(\.isLetter))
    }

    /// Words as written; with `splittingParts`, "lilypond-essay" and "node.js" also give their parts.
    static func words(_ text: String, splittingParts: Bool = false) -> [String] {
        let scalars = ScalarText(text)
        var words: [String] = []
        for token in Tokenizer.tokens(text) {
            let word = scalars.slice(token.start, token.end)
            words.append(word)
            if splittingParts {
                let parts = word.split(whereSeparator: { "-_.".contains($0) }).map(String.init)
                if parts.count > 1 { words += parts }
            }
        }
        return words
    }
}
