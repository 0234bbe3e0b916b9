/// The sentiment lexicon: VADER's valences (-4...4), extended with Pattern's adjective
/// polarities (scaled by 3) for the words VADER lacks. Parsed once on first use.
enum VaderLexicon {
    static let valence: [String: Double] = {
        var table: [String: Double] = [:]
        table.reserveCapacity(8_800)
        for line in raw.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2, let value = Double(parts[1]) { table[String(parts[0])] = value }
        }
        for line in PatternLexicon.raw.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2, let value = Double(parts[1]), table[String(parts[0])] == nil {
                table[String(parts[0])] = value * 3
            }
        }
        return table
    }()
}

/// Namespace of the Pattern adjective table (see `PatternLexicon+Data.swift`).
enum PatternLexicon {}
