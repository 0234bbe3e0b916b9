public import Foundation

/// The name lists the offline extractor consults: places (with their population, so a small town
/// called "Reading" does not turn every sentence-initial "Reading" into a place), given and family
/// names. Loaded once from `models/gazetteers` (written by `scripts/fetch-gazetteers`); without
/// those files only the built-in lists are used.
public struct Gazetteer: Sendable {
    /// Lower-cased place name → (kind, population).
    var places: [String: Place]
    /// Lower-cased given name → share of people with it, in per cent.
    var givenNames: [String: Double]
    /// Lower-cased family name → share, in per cent.
    var familyNames: [String: Double]
    /// Whether the files were found (false: built-in lists only).
    public let isComplete: Bool

    struct Place: Sendable {
        var kind: String
        var population: Int
    }

    /// The built-in lists alone.
    public static let builtIn = Gazetteer(places: [:], givenNames: [:], familyNames: [:], isComplete: false)

    init(places: [String: Place], givenNames: [String: Double], familyNames: [String: Double], isComplete: Bool) {
        var merged = places
        for name in BuiltInLists.places where merged[name] == nil { merged[name] = Place(kind: "region", population: 1_000_000) }
        self.places = merged
        self.givenNames = givenNames
        self.familyNames = familyNames
        self.isComplete = isComplete
    }

    /// Reads `places.tsv`, `given-names.tsv` and `family-names.tsv` from `directory`.
    /// Throws when a file is missing or unreadable.
    public init(directory: String) throws {
        func rows(_ name: String) throws -> [[Substring]] {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        }
        var places: [String: Place] = [:]
        for row in try rows("places.tsv") where row.count >= 3 {
            let key = row[0].lowercased()
            let population = Int(row[2]) ?? 0
            if let known = places[key], known.population >= population { continue }
            places[key] = Place(kind: String(row[1]), population: population)
        }
        func shares(_ name: String) throws -> [String: Double] {
            var result: [String: Double] = [:]
            for row in try rows(name) where row.count >= 2 { result[row[0].lowercased()] = Double(row[1]) ?? 0 }
            return result
        }
        self.init(places: places, givenNames: try shares("given-names.tsv"), familyNames: try shares("family-names.tsv"), isComplete: true)
    }

    /// Loads the directory's lists, or the built-in ones when they are absent (with the reason).
    public static func load(directory: String) -> (gazetteer: Gazetteer, problem: String?) {
        do {
            return (try Gazetteer(directory: directory), nil)
        } catch {
            return (.builtIn, "gazetteers not found in \(directory) (run scripts/fetch-gazetteers): entity types rely on the built-in lists")
        }
    }

    func place(_ lower: String) -> Place? { places[lower] }
    func isGivenName(_ lower: String) -> Bool { givenNames[lower] != nil }
    func isFamilyName(_ lower: String) -> Bool { familyNames[lower] != nil }
}
