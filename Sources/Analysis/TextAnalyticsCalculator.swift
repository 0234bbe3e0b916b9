import DocuThinkerCore
import TextProcessing
import Foundation

/// Counts, reading time (238 words per minute), Flesch reading ease, Flesch–Kincaid grade,
/// lexical diversity and the most frequent content words. Words and sentences are counted as
/// everywhere else (`WordCounter` over the text, the stored sentences); sentence length,
/// readability, diversity and keywords describe the body prose (contents lines, running heads,
/// notices, indexes and code aside), or everything when the document has no body.
enum TextAnalyticsCalculator {
    static let wordsPerMinute = 238.0

    static func analytics(_ document: AnalysisDocument, features: SentenceFeatures) -> TextAnalytics {
        var words = 0, syllables = 0
        var distinct = Set<String>()
        var keywordCounts: [String: Int] = [:]
        var keywordSurface: [String: [String: Int]] = [:]
        var body = document.sentences.indices.filter { document.roles[$0].isBody }
        if body.isEmpty { body = Array(document.sentences.indices) }
        var bodyWords = 0
        for index in body {
            let tokens = features.tokens[index]
            bodyWords += WordCounter.count(document.sentences[index].text)
            for token in tokens where token.lower.contains(where: \.isLetter) {
                words += 1
                syllables += syllableCount(token.lower)
                distinct.insert(token.lower)
                if !token.isStopword, token.lower.count > 2 {
                    keywordCounts[token.stem, default: 0] += 1
                    keywordSurface[token.stem, default: [:]][token.lower, default: 0] += 1
                }
            }
        }
        let paragraphs = document.paragraphCount
        let wordsPerSentence = Double(bodyWords) / Double(max(1, body.count))
        let syllablesPerWord = Double(syllables) / Double(max(1, words))
        let top = keywordCounts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(15).map { stem, count in
            KeywordCount(keyword: keywordSurface[stem]!.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key, count: count)
        }
        let allWords = WordCounter.count(String(String.UnicodeScalarView(document.text.scalars)))
        func round(_ value: Double, _ places: Double = 100) -> Double { (value * places).rounded() / places }
        return TextAnalytics(
            characters: document.text.count, words: allWords, sentences: document.sentences.count, paragraphs: paragraphs,
            syllables: syllables, readingTimeMinutes: round(Double(allWords) / wordsPerMinute, 10),
            averageSentenceLength: round(wordsPerSentence, 10),
            fleschReadingEase: round(words == 0 ? 0 : 206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWord, 10),
            fleschKincaidGrade: round(words == 0 ? 0 : 0.39 * wordsPerSentence + 11.8 * syllablesPerWord - 15.59, 10),
            lexicalDiversity: round(Double(distinct.count) / Double(max(1, words)), 1000), topKeywords: Array(top),
            bodySentences: body.count, bodyWords: bodyWords)
    }

    /// English syllables by vowel groups, with silent final e and a minimum of one.
    static func syllableCount(_ word: String) -> Int {
        let letters = Array(word.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic })
        guard !letters.isEmpty else { return 0 }
        let vowels: Set<Unicode.Scalar> = ["a", "e", "i", "o", "u", "y", "à", "á", "â", "é", "è", "ê", "ë", "í", "ï", "ó", "ô", "ú", "ü"]
        var count = 0
        var previousVowel = false
        for letter in letters {
            let vowel = vowels.contains(letter)
            if vowel && !previousVowel { count += 1 }
            previousVowel = vowel
        }
        if letters.count > 2, letters.last == "e", !vowels.contains(letters[letters.count - 2]), count > 1,
           !(letters[letters.count - 2] == "l" && !vowels.contains(letters[letters.count - 3])) {
            count -= 1
        }
        if letters.count > 3, letters.suffix(2) == ["e", "d"], count > 1, !["t", "d"].contains(letters[letters.count - 3]) {
            count -= 1
        }
        return max(1, count)
    }
}

/// Public access to the syllable counter (used by tests and benchmarks).
public enum TextAnalyticsSupport {
    public static func syllables(_ word: String) -> Int { TextAnalyticsCalculator.syllableCount(word) }
}
