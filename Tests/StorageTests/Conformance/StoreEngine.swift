import StorageSQLite
import StoreTestSupport
import StoreEngines
import StorageCypher
import DocuThinkerCore
import Foundation
import Retrieval
import Storage

/// One store engine the conformance suites run against. Every suite takes `StoreEngine.all` as
/// its argument list, so a new engine (PostgreSQL, S3, …) is one more entry here.
struct StoreEngine: Sendable, CustomTestStringConvertible {
    var name: String
    /// Fresh, migrated, empty stores.
    var make: @Sendable () async throws -> Stores
    /// The engine's vector index over its stores for a model of the given dimensions.
    var vectorIndex: @Sendable (Stores, _ model: String, _ dimensions: Int) -> any VectorIndex

    var testDescription: String { name }

    static let sqliteAndFiles = StoreEngine(name: "SQLite + files", make: {
        let directory = NSTemporaryDirectory() + "dt-conformance-" + UUID().uuidString
        return try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: directory))
    }, vectorIndex: { stores, model, dimensions in
        MatrixVectorIndex(storage: stores.database, model: model, dimensions: dimensions)
    })

    /// PostgreSQL (+ pgvector) started by `scripts/services start`, which exports
    /// `DOCUTHINKER_TEST_POSTGRES_URL`; each test gets a new database. The vector index is pgvector's.
    static let postgres = StoreEngine(name: "PostgreSQL + S3", make: {
        let database = try await TestPostgres.newDatabase()
        let bucket = try await TestS3.newBucket()
        let directory = NSTemporaryDirectory() + "dt-conformance-" + UUID().uuidString
        return try await StoreFactory.openMigrated(StoreConfiguration(
            dataDirectory: directory, databaseURL: database, s3Bucket: bucket, databasePoolSize: 4, s3Endpoint: TestS3.endpoint))
    }, vectorIndex: { stores, model, dimensions in
        stores.databaseVectorIndex!(model, dimensions)
    })

    /// PostgreSQL with the in-memory index over its stored vectors (the `VectorStorage` path).
    static let postgresMatrix = StoreEngine(name: "PostgreSQL, in-memory vector index", make: postgres.make, vectorIndex: sqliteAndFiles.vectorIndex)

    /// SQLite with the vector index in Chroma (`scripts/services start`), a new collection per test.
    static let chroma = StoreEngine(name: "SQLite + Chroma", make: {
        let directory = NSTemporaryDirectory() + "dt-conformance-" + UUID().uuidString
        var configuration = StoreConfiguration(dataDirectory: directory)
        configuration.chroma = try TestChroma.newConfiguration()
        return try await StoreFactory.openMigrated(configuration)
    }, vectorIndex: { stores, model, dimensions in
        stores.databaseVectorIndex!(model, dimensions)
    })

    /// SQLite with the knowledge graph in FalkorDB (`scripts/services start`), a new graph per test.
    static let falkorDB = StoreEngine(name: "SQLite + FalkorDB graph", make: {
        let directory = NSTemporaryDirectory() + "dt-conformance-" + UUID().uuidString
        var configuration = StoreConfiguration(dataDirectory: directory)
        try TestFalkorDB.configure(&configuration)
        return try await StoreFactory.openMigrated(configuration)
    }, vectorIndex: sqliteAndFiles.vectorIndex)

    /// SQLite with the knowledge graph behind Neo4j's HTTP Query API (the loopback server in front
    /// of the real FalkorDB), a new database per test.
    static let neo4j = StoreEngine(name: "SQLite + Neo4j Query API", make: {
        let directory = NSTemporaryDirectory() + "dt-conformance-" + UUID().uuidString
        var configuration = StoreConfiguration(dataDirectory: directory)
        configuration.neo4j = Neo4jConfiguration(uri: try await CypherHTTPTestServer.shared.url(), password: CypherHTTPTestServer.password,
                                                 database: "dt-" + UUID().uuidString.lowercased())
        return try await StoreFactory.openMigrated(configuration)
    }, vectorIndex: sqliteAndFiles.vectorIndex)

    /// SQLite with the knowledge graph behind Neptune's openCypher endpoint (SigV4-signed requests
    /// to the loopback server in front of the real FalkorDB).
    static let neptune = StoreEngine(name: "SQLite + Neptune openCypher", make: {
        let directory = NSTemporaryDirectory() + "dt-conformance-" + UUID().uuidString
        let stores = try await StoreFactory.openMigrated(StoreConfiguration(dataDirectory: directory))
        return stores.withGraphDatabase(try await CypherHTTPTestServer.shared.neptuneTransport())
    }, vectorIndex: sqliteAndFiles.vectorIndex)

    /// The engines of the knowledge-graph suite: each database's tables, FalkorDB, and FalkorDB
    /// behind the Neo4j and Neptune HTTP protocols.
    static let graphs: [StoreEngine] = all + (TestFalkorDB.available ? [.falkorDB, .neo4j, .neptune] : [])

    static let all: [StoreEngine] = TestPostgres.available ? [.sqliteAndFiles, .postgres] : [.sqliteAndFiles]
    /// The engines of the vector index suite (also the in-memory index over PostgreSQL).
    static let vectorIndexes: [StoreEngine] = (TestPostgres.available ? [.sqliteAndFiles, .postgres, .postgresMatrix] : [.sqliteAndFiles])
        + (TestChroma.available ? [.chroma] : [])
}

import Testing

/// Records the suites share.
enum Make {
    static func user(_ email: String) -> UserRecord {
        UserRecord(id: UUID().uuidString, email: email, passwordHash: "$2b$04$hash", createdAt: .now)
    }

    static func document(owner: String, title: String = "doc", at date: Date = .now, status: DocumentStatus = .ready) -> DocumentRecord {
        let id = UUID().uuidString
        return DocumentRecord(
            id: id, ownerId: owner, title: title, filename: "\(title).pdf", format: .pdf, status: status, pageCount: 2,
            sizeBytes: 10, sha256: "abc", characters: 22, author: nil, quality: nil, objectKey: "\(owner)/\(id)",
            createdAt: date, updatedAt: date)
    }

    /// A quality report with every field set, for round trips.
    static func quality(pageCount: Int = 2, characters: Int = 20) -> QualityReport {
        var report = QualityReport(characters: characters, words: 4, pageCount: pageCount, emptyPages: [2], likelyScanned: false, language: "en",
                                   languageConfidence: 0.75, warnings: ["1 of 2 pages have no text layer, \"scanned\"?", "second, with a comma"])
        report.unusablePages = [1]
        report.ocrPages = [OCRPageQuality(page: 1, words: 3, confidence: 0.875, dpi: 300)]
        report.ocrConfidence = 0.875
        return report
    }

    static let content = DocumentContent(
        text: "Page one.\n\nPage two.", pages: [PageRange(number: 1, start: 0, end: 9), PageRange(number: 2, start: 11, end: 20)],
        blocks: [TextBlock(kind: .paragraph, level: nil, page: 1, start: 0, end: 9)])

    static func chunks(_ texts: [String]) -> [ChunkRecord] {
        texts.enumerated().map { ChunkRecord(ordinal: $0.offset, page: 1, pageEnd: 1, start: 0, end: 9, wordCount: 2, text: $0.element) }
    }

    /// A registered user with one stored (ready) document holding `chunkTexts`.
    static func library(_ database: any DatabaseStore, email: String, chunkTexts: [String]) async throws -> (user: UserRecord, document: DocumentRecord) {
        let owner = user(email)
        try await database.createUser(owner)
        let record = document(owner: owner.id)
        try await database.insertDocument(record, content: content, chunks: chunks(chunkTexts))
        return (owner, record)
    }
}
