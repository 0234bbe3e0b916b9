import Foundation

/// The phrases of a question written as names, normalised as entity keys are ("Who did the
/// United Nations meet in Geneva?" → "united nations", "united", "nations", "geneva"): runs of one
/// to four words, each capitalised or an acronym (the question's first word only when an acronym),
/// not starting or ending with a function word. Lower-case words are not tried: in manuals the
/// extractor's capitalised headings ("File", "Value") would match every other question.
public enum QuestionNames {
    /// The longest phrase tried, in words.
    public static let maximumWords = 4

    /// Distinct normalised phrases, longest first (so "United Nations" is tried before "Nations").
    public static func phrases(_ question: String) -> [String] {
        let words = question.split { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "'" || $0 == "’") }
            .map { String($0).trimmingCharacters(in: .init(charactersIn: ".'’-")) }
            .filter { !$0.isEmpty }
        var seen: Set<String> = [], out: [(words: Int, phrase: String)] = []
        for start in words.indices {
            for length in 1...maximumWords where start + length <= words.count {
                let run = words[start..<(start + length)]
                guard let first = run.first, let last = run.last, !isFunctionWord(first), !isFunctionWord(last),
                      run.indices.allSatisfy({ isNameWord(run[$0], first: $0 == 0) || isFunctionWord(run[$0]) }) else { continue }
                let phrase = EntityResolver.normalise(run.joined(separator: " "))
                if !phrase.isEmpty, seen.insert(phrase).inserted { out.append((length, phrase)) }
            }
        }
        return out.sorted { $0.words > $1.words }.map(\.phrase)
    }

    /// A word written as (part of) a name: an acronym, or capitalised where a sentence does not start.
    static func isNameWord(_ word: String, first: Bool) -> Bool {
        isWrittenInCapitals(word) || (!first && word.first?.isUppercase == true)
    }

    /// Two or more characters, all capitals or digits ("WHO", "G7").
    static func isWrittenInCapitals(_ word: String) -> Bool {
        word.count > 1 && word.allSatisfy { $0.isUppercase || $0.isNumber }
    }

    /// A function word, unless written in capitals ("WHO", "IT" may be acronyms).
    static func isFunctionWord(_ word: String) -> Bool {
        !isWrittenInCapitals(word) && BuiltInLists.functionWords.contains(word.lowercased())
    }

    /// The normalised form of an entity's name, to compare with `phrases`.
    public static func normalise(_ name: String) -> String {
        EntityResolver.normalise(name)
    }
}
