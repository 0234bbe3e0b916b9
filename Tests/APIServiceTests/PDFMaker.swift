import Foundation

/// Writes real multi-page PDFs (Helvetica text, a correct cross-reference table) for tests that
/// need large documents without shipping them: poppler reads them like any other PDF.
enum PDFMaker {
    /// A PDF of `pages` pages; page `k` (1-based) carries `text(k)` as lines of at most ~90 characters.
    static func make(pages: Int, text: (Int) -> String) -> Data {
        var objects: [String] = []
        // 1: catalog, 2: page tree, 3: font, then a page and its content stream per page.
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = (0..<pages).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        for page in 1...pages {
            let contentID = 5 + 2 * (page - 1)
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents \(contentID) 0 R >>")
            var stream = "BT /F1 11 Tf 14 TL 56 740 Td\n"
            for line in wrap(text(page), width: 90) {
                let escaped = line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                    .replacingOccurrences(of: ")", with: "\\)")
                stream += "(\(escaped)) Tj T*\n"
            }
            stream += "ET"
            objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream")
        }
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(index + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { out += String(format: "%010d 00000 n \n", offset) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }

    /// Plain English prose for page `k`: varied sentences so chunks and embeddings differ.
    static func prose(page: Int, sentences: Int = 6) -> String {
        let subjects = ["The river survey", "A field team", "The water board", "Our laboratory", "The regional office", "Each volunteer"]
        let verbs = ["measured", "reported", "compared", "recorded", "reviewed", "estimated"]
        let objects = ["nitrate levels in the northern channel", "the rainfall over twelve weeks", "sediment near the old mill",
                       "oxygen in shallow pools", "the cost of new filters", "fish counts below the weir"]
        return (0..<sentences).map { s in
            let k = page * 7 + s * 3
            return "\(subjects[k % 6]) \(verbs[(k / 6) % 6]) \(objects[(k / 36) % 6]) on page \(page), section \(s + 1), and found \(k % 97) units."
        }.joined(separator: " ")
    }

    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + word.count + 1 > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
