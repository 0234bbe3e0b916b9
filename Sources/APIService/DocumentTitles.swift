import Storage

/// Titles of the documents a list of results points into, read once per document, so search
/// results (REST and MCP) can say "River Study Report, p. 2" rather than an id.
enum DocumentTitles {
    static func of(_ documentIds: some Sequence<String>, ownerId: String, in documents: any DocumentRepository) async throws -> [String: String] {
        var titles: [String: String] = [:]
        for id in Set(documentIds) {
            titles[id] = try await documents.document(id: id, ownerId: ownerId)?.title
        }
        return titles
    }
}
