/// Counts words the way every part of DocuThinker does: whitespace-separated runs, with every
/// CJK ideograph, kana or hangul syllable counted as one word (those scripts use no spaces).
public enum WordCounter {
    /// Whether the scalar is a CJK ideograph, kana or hangul syllable.
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xAC00...0xD7AF: true
        default: false
        }
    }

    public static func count(_ text: String) -> Int {
        var words = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                inWord = false
            } else if isCJK(scalar) {
                words += 1
                inWord = false
            } else if !inWord {
                words += 1
                inWord = true
            }
        }
        return words
    }
}
