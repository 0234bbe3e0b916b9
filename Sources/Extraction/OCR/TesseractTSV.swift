/// Reads the TSV Tesseract writes (`tesseract IMAGE BASE tsv`): one row per word with its block,
/// paragraph and line, its box and its confidence. Words become lines joined by single spaces,
/// paragraphs are separated by a blank line, and each word keeps its offsets in that text.
enum TesseractTSV {
    /// Words below this confidence (0...100) that hold no letter or digit are scanner noise.
    static let noiseConfidence = 50.0

    /// The page read from `tsv`; only the first image of a multi-image file is kept.
    static func page(_ tsv: String, number: Int, dpi: Int?) -> OCRPage {
        var width = 0, height = 0
        var text = String.UnicodeScalarView()
        var offset = 0
        var words: [OCRWord] = []
        var lastLine: (Int, Int, Int)?
        var lastParagraph: (Int, Int)?
        for row in tsv.split(separator: "\n", omittingEmptySubsequences: true).dropFirst() {
            let fields = row.split(separator: "\t", maxSplits: 11, omittingEmptySubsequences: false)
            guard fields.count >= 11, let level = Int(fields[0]), let imageNumber = Int(fields[1]) else { continue }
            guard imageNumber == 1 else { break }
            let numbers = fields[2...9].map { Int($0) ?? 0 }
            if level == 1 { width = numbers[6]; height = numbers[7]; continue }
            guard level == 5, fields.count == 12 else { continue }
            let word = String(fields[11]).trimmingWhitespace()
            let confidence = Double(fields[10]) ?? 0
            guard !word.isEmpty, confidence >= 0 else { continue }
            if confidence < noiseConfidence, !word.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
                continue
            }
            let line = (numbers[0], numbers[1], numbers[2])
            if let lastLine, lastLine == line {
                text.append(" "); offset += 1
            } else if let lastParagraph {
                let separator = lastParagraph == (line.0, line.1) ? "\n" : "\n\n"
                text.append(contentsOf: separator.unicodeScalars); offset += separator.unicodeScalars.count
            }
            lastLine = line
            lastParagraph = (line.0, line.1)
            let length = word.unicodeScalars.count
            words.append(OCRWord(text: word, box: Array(numbers[4...7]), confidence: min(1, confidence / 100),
                                 start: offset, end: offset + length))
            text.append(contentsOf: word.unicodeScalars)
            offset += length
        }
        return OCRPage(page: number, width: width, height: height, dpi: dpi, text: String(text), words: words)
    }
}
