/// The rules a search request follows on every edge (REST, legacy routes, MCP), in one place.
enum SearchRules {
    /// How many results one search may ask for.
    static let limits = 1...100
    static let defaultLimit = 10
    /// The longest query, in characters.
    static let maxQueryCharacters = 1_000
}
