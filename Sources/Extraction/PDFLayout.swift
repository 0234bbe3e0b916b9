import DocuThinkerCore

/// Recovers paragraphs, headings and list items from the plain lines poppler returns for a page.
///
/// Heuristics: a blank line ends a paragraph; so does a line that ends a sentence and is clearly
/// shorter than the page's typical line; a short line without closing punctuation that stands
/// before longer text is a heading; lines starting with a bullet or `1.` / `a)` are list items.
enum PDFLayout {
    static func appendPage(_ pageText: String, page: Int, into accumulator: inout TextAccumulator) {
        let lines = pageText.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).trimmingWhitespace()
        }
        let lengths = lines.map { $0.unicodeScalars.count }.filter { $0 > 0 }.sorted()
        let typical = lengths.isEmpty ? 0 : lengths[lengths.count * 3 / 4]
        var current: [String] = []
        var currentKind = BlockKind.paragraph

        func flush() {
            if !current.isEmpty {
                accumulator.appendBlock(current.joined(separator: "\n"), kind: currentKind)
            }
            current = []
            currentKind = .paragraph
        }

        for (index, line) in lines.enumerated() {
            if line.isEmpty { flush(); continue }
            let length = line.unicodeScalars.count
            let next = index + 1 < lines.count ? lines[index + 1] : ""
            if isListItem(line) {
                flush()
                currentKind = .listItem
            } else if current.isEmpty, isHeading(line, length: length, typical: typical, next: next) {
                accumulator.appendBlock(line, kind: .heading, level: headingLevel(line))
                continue
            }
            current.append(line)
            let endsSentence = line.last.map { ".!?:;\u{201D}\"".contains($0) } ?? false
            if endsSentence && typical > 0 && length < typical * 7 / 10 { flush() }
        }
        flush()
    }

    static func isListItem(_ line: String) -> Bool {
        guard let first = line.unicodeScalars.first else { return false }
        if "•▪◦‣–-*·".unicodeScalars.contains(first), line.unicodeScalars.dropFirst().first == " " { return true }
        return ListMarker.length(in: line) != nil
    }

    static func isHeading(_ line: String, length: Int, typical: Int, next: String) -> Bool {
        guard length >= 2, length <= 80, typical > 0, length < typical * 6 / 10, !next.isEmpty else { return false }
        guard let last = line.last, !".,;:!?".contains(last) else { return false }
        guard let first = line.unicodeScalars.first,
              first.properties.isUppercase || ("0"..."9").contains(first) else { return false }
        let words = line.split(separator: " ")
        guard words.count <= 12 else { return false }
        return next.unicodeScalars.count > length
    }

    /// `2.3 Title` is level 2; otherwise level 1.
    static func headingLevel(_ line: String) -> Int {
        var level = 0
        var inNumber = false
        for scalar in line.unicodeScalars {
            if ("0"..."9").contains(scalar) {
                if !inNumber { level += 1; inNumber = true }
            } else if scalar == ".", inNumber {
                inNumber = false
            } else {
                break
            }
        }
        return max(1, min(6, level))
    }
}
