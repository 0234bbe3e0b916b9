import StorageSQLite
import StoreEngines
import Foundation
import GRDB
import Storage
import Testing

/// Migrations as a step of the server's start: waiters resume once they are applied, a failure
/// reaches every waiter, a cancelled waiter stops waiting.
@Suite struct StoreMigrationsTests {
    static func configuration() -> StoreConfiguration {
        StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-migrations-" + UUID().uuidString)
    }

    static func stores() throws -> Stores { try StoreFactory.open(configuration()) }

    @Test func waitersResumeOnceApplied() async throws {
        let stores = try Self.stores()
        let migrations = StoreMigrations(stores: stores)
        #expect(try await stores.database.appliedMigrations().isEmpty)
        let waiters = (0..<3).map { _ in
            Task {
                try await migrations.waitUntilCompleted()
                // Whoever waited sees the whole schema.
                return try await stores.database.appliedMigrations()
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        try await migrations.apply()
        for waiter in waiters { #expect(try await waiter.value == SQLiteStore.knownMigrations) }
        try await migrations.apply()  // a second start is a no-op
        try await migrations.waitUntilCompleted()
    }

    @Test func aFailureReachesEveryWaiter() async throws {
        let configuration = Self.configuration()
        let stores = try StoreFactory.open(configuration)
        // A table the first migration creates already exists: that migration fails.
        let queue = try DatabaseQueue(path: configuration.sqlitePath)
        try await queue.write { try $0.execute(sql: "CREATE TABLE users (id TEXT)") }
        let migrations = StoreMigrations(stores: stores)
        let waiter = Task { try await migrations.waitUntilCompleted() }
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: (any Error).self) { try await migrations.apply() }
        await #expect(throws: (any Error).self) { try await waiter.value }
        await #expect(throws: (any Error).self) { try await migrations.waitUntilCompleted() }
        #expect(try await stores.database.appliedMigrations().isEmpty)
    }

    @Test func aCancelledWaiterStopsWaiting() async throws {
        let migrations = StoreMigrations(stores: try Self.stores())
        let waiter = Task { try await migrations.waitUntilCompleted() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
