public import DocuThinkerCore
public import Foundation

/// One document's knowledge of an entity: how it names it and where.
public struct EntityContribution: Codable, Hashable, Sendable {
    /// The entity's key across the owner's library (normalised name, e.g. `organisation:united nations`).
    public var key: String
    public var name: String
    /// `person`, `organisation`, `place`, `date` or `concept`.
    public var type: String
    /// Every surface form seen in this document.
    public var aliases: [String]
    /// Where it is named (pages and code-point offsets in the document's text).
    public var mentions: [SourceSpan]

    public init(key: String, name: String, type: String, aliases: [String], mentions: [SourceSpan]) {
        self.key = key
        self.name = name
        self.type = type
        self.aliases = aliases
        self.mentions = mentions
    }
}

/// One document's evidence that two entities are related.
public struct RelationContribution: Codable, Hashable, Sendable {
    public var source: String
    public var target: String
    public var label: String
    public var weight: Int
    public var mentions: [SourceSpan]

    public init(source: String, target: String, label: String, weight: Int, mentions: [SourceSpan]) {
        self.source = source
        self.target = target
        self.label = label
        self.weight = weight
        self.mentions = mentions
    }
}

/// Everything one document contributes to its owner's graph.
public struct DocumentGraph: Codable, Hashable, Sendable {
    public var entities: [EntityContribution]
    public var relations: [RelationContribution]

    public init(entities: [EntityContribution], relations: [RelationContribution]) {
        self.entities = entities
        self.relations = relations
    }
}

/// An entity across the owner's library.
public struct EntitySummary: Codable, Hashable, Sendable {
    public var key: String
    public var name: String
    public var type: String
    public var documentCount: Int
    public var mentionCount: Int

    public init(key: String, name: String, type: String, documentCount: Int, mentionCount: Int) {
        self.key = key
        self.name = name
        self.type = type
        self.documentCount = documentCount
        self.mentionCount = mentionCount
    }
}

/// A relation across the owner's library: its weight is the sum over the documents that show it.
public struct LibraryRelation: Codable, Hashable, Sendable {
    public var source: String
    public var target: String
    public var label: String
    public var weight: Int

    public init(source: String, target: String, label: String, weight: Int) {
        self.source = source
        self.target = target
        self.label = label
        self.weight = weight
    }
}

/// The knowledge graph, stored as each document's contributions: an entity or relation exists
/// while some document of its owner contributes it, so deleting a document removes exactly what
/// it added (shared entities keep the other documents' mentions and weight) and saving a
/// document's graph again replaces its contributions (re-indexing is idempotent).
public protocol GraphStore: Sendable {
    /// Replaces the document's contributions and records the extraction `version` that made
    /// them; nothing when the document is not the owner's (or no longer exists).
    func saveGraph(_ graph: DocumentGraph, documentId: String, ownerId: String, version: Int) async throws
    /// Removes the document's contributions and its version (an external graph database is told of
    /// a deleted document this way; the embedded tables also lose them with the document row).
    func forgetDocument(documentId: String, ownerId: String) async throws
    /// The extraction version of the document's stored graph; nil when none was built.
    func graphVersion(documentId: String, ownerId: String) async throws -> Int?
    /// Ready documents (any owner's) whose graph is missing or of another version, oldest first:
    /// the background rebuild's work list.
    func documentsNeedingGraph(version: Int, limit: Int) async throws -> [DocumentReference]
    /// How many of the owner's ready documents have a graph of `version`, and how many are ready.
    func graphProgress(ownerId: String, version: Int) async throws -> (current: Int, ready: Int)
    /// The document's contributions; nil when it has none or is not the owner's.
    func documentGraph(documentId: String, ownerId: String) async throws -> DocumentGraph?
    /// The owner's entities whose name or key starts with `prefix` (ignoring case), most
    /// mentioned first.
    func entities(ownerId: String, prefix: String, limit: Int) async throws -> [EntitySummary]
    /// One entity's contributions by document, and its relations across the library.
    func entity(key: String, ownerId: String) async throws -> (contributions: [String: EntityContribution], relations: [LibraryRelation])?
}

/// A document named by its id and owner.
public struct DocumentReference: Hashable, Sendable {
    public var documentId: String
    public var ownerId: String

    public init(documentId: String, ownerId: String) {
        self.documentId = documentId
        self.ownerId = ownerId
    }
}

/// What both engines' graph queries share.
public enum GraphQueries {
    /// `prefix%` for LIKE, in lower case, with LIKE's own characters escaped by a backslash
    /// (PostgreSQL's default escape character; SQLite's queries name it).
    public static func likePrefix(_ prefix: String) -> String {
        prefix.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
