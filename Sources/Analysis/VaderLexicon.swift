/// The sentiment lexicon, parsed once on first use from the compiled-in table.
enum VaderLexicon {
    static let valence: [String: Double] = {
        var table: [String: Double] = [:]
        table.reserveCapacity(7_600)
        for line in raw.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2, let value = Double(parts[1]) { table[String(parts[0])] = value }
        }
        return table
    }()
}
