public import Foundation
public import Storage
import StorageSQLite

/// Which stores to open, from typed configuration. Today the embedded engines (SQLite + a local
/// directory); `DATABASE_URL` and `S3_BUCKET` name the scale-out engines the next steps add.
public struct StoreConfiguration: Sendable, Hashable {
    /// `DOCUTHINKER_DATA_DIR`: the SQLite database, original files, staging area.
    public var dataDirectory: String
    /// `DATABASE_URL` (postgres://…): PostgreSQL instead of SQLite.
    public var databaseURL: String?
    /// `S3_BUCKET`: original files in S3 instead of the data directory.
    public var s3Bucket: String?
    /// `DOCUTHINKER_OBJECTS_LOCAL_PATHS` (default true): readers of the data directory's files may
    /// open them by path; false makes them stream every file, as they will from S3.
    public var localObjectPaths: Bool

    public init(dataDirectory: String, databaseURL: String? = nil, s3Bucket: String? = nil, localObjectPaths: Bool = true) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.s3Bucket = s3Bucket
        self.localObjectPaths = localObjectPaths
    }

    /// The SQLite database file.
    public var sqlitePath: String { dataDirectory + "/docuthinker.sqlite" }
    /// Where uploads are staged before they are stored (never referenced by a document).
    public var stagingDirectory: String { dataDirectory + "/tmp" }
}

/// The opened stores every entry point works with.
public struct Stores: Sendable {
    /// Users, documents, chats, keyword index, vectors, jobs… in one database.
    public let database: any DatabaseStore
    /// Original files.
    public let objects: any ObjectStore
    /// Upload staging directory (on local disk whatever the object store).
    public let stagingDirectory: String

    /// Applies pending migrations under the engine's lock; every process may call it at start.
    public func migrate() async throws {
        try await database.migrate()
    }
}

/// The only code that opens a database or the object store (ARCHITECTURE.md, "one store factory").
public enum StoreFactory {
    /// Opens the configured stores (without migrating: call `Stores.migrate()` before serving).
    public static func open(_ configuration: StoreConfiguration) throws -> Stores {
        if configuration.databaseURL != nil {
            throw StorageError(.unavailable, "DATABASE_URL is set, but this build stores data in SQLite only (PostgreSQL support is not built yet); unset it to use \(configuration.sqlitePath).")
        }
        if configuration.s3Bucket != nil {
            throw StorageError(.unavailable, "S3_BUCKET is set, but this build keeps files in the data directory only (S3 support is not built yet); unset it.")
        }
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: configuration.stagingDirectory, withIntermediateDirectories: true)
        } catch {
            throw StorageError(.unavailable, "Cannot create the data directory \(configuration.dataDirectory): \(error.localizedDescription)")
        }
        return Stores(
            database: try SQLiteStore(path: configuration.sqlitePath),
            objects: try FileObjectStore(root: configuration.dataDirectory + "/objects", sharesLocalPaths: configuration.localObjectPaths),
            stagingDirectory: configuration.stagingDirectory)
    }

    /// Opens and migrates: for one-shot commands and tests.
    public static func openMigrated(_ configuration: StoreConfiguration) async throws -> Stores {
        let stores = try open(configuration)
        try await stores.migrate()
        return stores
    }
}
