/// The words of a free-text query that keyword search looks for (the same on every engine):
/// letters and digits only, so user input is never query syntax; common words dropped when
/// others remain; at most 32.
public enum KeywordQuery {
    public static let stopwords: Set<String> = ["a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
                                         "i", "if", "in", "is", "it", "my", "of", "on", "or", "that", "the", "this", "to", "was",
                                         "what", "when", "where", "which", "who", "why", "will", "with", "you", "your"]

    public static func words(_ text: String) -> [String] {
        let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        let content = words.filter { !stopwords.contains($0) }
        return Array(Array(Set(content.isEmpty ? words : content)).sorted().prefix(32))
    }
}
