/// Decides whether a PDF page's text layer can be used or the page must be read by OCR.
///
/// A page is read by OCR when it has no text (a scan), when its text is glyph soup (a font
/// without a usable Unicode map: replacement and private-use characters, mostly punctuation, or
/// "words" without vowels), or when a few characters sit on a page mostly covered by an image
/// (a scanned page with a stamped header or page number).
enum TextLayerCheck {
    enum Verdict: Equatable {
        case usable
        /// No text at all.
        case empty
        /// Text that cannot be trusted.
        case unusable
    }

    /// The verdict on `text`; `imageCoverage` (0...1 of the page area) is asked only for short text.
    static func verdict(_ text: String, imageCoverage: () -> Double) -> Verdict {
        var visible = 0, alphanumeric = 0, broken = 0
        for scalar in text.unicodeScalars where !scalar.properties.isWhitespace {
            visible += 1
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { alphanumeric += 1 }
            switch scalar.value {
            case 0xFFFD, 0xE000...0xF8FF, 0x00...0x1F, 0x7F...0x9F: broken += 1
            default: break
            }
        }
        if visible < 3 { return .empty }
        if broken * 10 > visible { return .unusable }
        if visible >= 40, alphanumeric * 2 < visible { return .unusable }
        if lacksVowels(text) { return .unusable }
        if visible < 100, imageCoverage() >= 0.5 { return .unusable }
        return .usable
    }

    /// True when at least 20 Latin words are on the page and fewer than 6 in 10 hold a vowel.
    static func lacksVowels(_ text: String) -> Bool {
        var words = 0, voiced = 0
        var length = 0, hasVowel = false, latin = true
        func close() {
            if length >= 2, latin {
                words += 1
                if hasVowel { voiced += 1 }
            }
            length = 0; hasVowel = false; latin = true
        }
        for scalar in text.unicodeScalars {
            guard scalar.properties.isAlphabetic else { close(); continue }
            length += 1
            if scalar.value > 0x24F { latin = false }
            if "aeiouyAEIOUYàáâãäåèéêëìíîïòóôõöùúûüýÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝ".unicodeScalars.contains(scalar) { hasVowel = true }
        }
        close()
        return words >= 20 && voiced * 10 < words * 6
    }
}
