import Analysis
import Foundation

/// Reads a follow-up against the previous turn. "And how do I switch it back to whitespace?"
/// names nothing to search for; the question before it did ("How do I make gnuplot read commas
/// as the column separator?"). A short question that leans on the one before (a pronoun without
/// its noun, "and …", "what about …", "instead", "back") is searched together with the previous
/// question's content words. Anything else is searched as asked.
public enum FollowUpQuestion {
    /// The text to search and rank with: `question`, or `question` plus the previous question's
    /// content words when it is a follow-up.
    public static func resolve(_ question: String, previous: String?) -> String {
        guard let previous, !previous.isEmpty, isFollowUp(question) else { return question }
        let asked = Set(Tokenizer.tokens(question).map(\.stem))
        let carried = Tokenizer.tokens(previous).filter { !$0.isStopword && $0.lower.count > 2 && !asked.contains($0.stem) }.map(\.lower)
        guard !carried.isEmpty else { return question }
        return question + " (" + carried.joined(separator: " ") + ")"
    }

    static let openers = ["and ", "but ", "also ", "what about", "how about", "and what", "then ", "so "]
    static let leaning: Set<String> = ["it", "its", "that", "this", "these", "those", "they", "them", "there", "one", "ones", "instead", "back", "again", "same", "else", "other"]

    /// Short and leaning on something said before.
    public static func isFollowUp(_ question: String) -> Bool {
        let lower = question.lowercased().trimmingCharacters(in: .whitespaces)
        let words = lower.split(whereSeparator: { !$0.isLetter && $0 != "'" }).map(String.init)
        guard words.count <= 14 else { return false }
        if openers.contains(where: lower.hasPrefix) { return true }
        let content = Tokenizer.tokens(question).filter { !$0.isStopword && $0.lower.count > 2 }
        return words.contains(where: leaning.contains) && content.count <= 4
    }
}
