import DocuThinkerCore
public import Foundation
public import Storage
public import GRDB

/// The embedded store: one SQLite database in WAL mode (GRDB `DatabasePool`). Opening never
/// migrates: `migrate()` does, under a lock, before a server starts (see `StoreFactory`).
public final class SQLiteStore: Sendable {
    /// The underlying pool; readers run concurrently with one writer. Only this target uses it.
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens (creating if needed) the database at `path`. Several processes may open the same
    /// file at once (`api` and `ai`): the busy timeout is set before any pragma, and switching
    /// to WAL is retried while another process holds the lock.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        var attempt = 0
        while true {
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                attempt += 1
                guard attempt < 50 else { throw error }
                usleep(UInt32(20_000 + attempt * 10_000))
            }
        }
    }

    /// Applies pending migrations. Safe to call from every process at once: an exclusive lock on
    /// a file beside the database serialises them, and each migration is applied once.
    public func migrate() throws {
        let lockPath = path + ".migrate-lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError(.unavailable, "Cannot open \(lockPath) (errno \(errno)).") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StorageError(.unavailable, "Cannot lock \(lockPath) (errno \(errno)).") }
        }
        defer { flock(descriptor, LOCK_UN) }
        do {
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StorageError(.unavailable, "The database \(path) could not be migrated: \(error.message ?? "\(error)") (\(error.resultCode)).")
        }
    }

    /// The names of the migrations applied so far.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// SQLite's journal mode (`wal` once opened).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The names of every migration this build knows, in order.
    public static var knownMigrations: [String] { migrator.migrations }
}
