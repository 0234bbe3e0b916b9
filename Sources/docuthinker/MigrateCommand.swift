import StoreEngines
import APIService
import ArgumentParser
import Foundation
import Storage

/// `docuthinker migrate`: creates or upgrades the configured database (SQLite in the data
/// directory, or PostgreSQL with `DATABASE_URL`) and lists its migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply database migrations (SQLite in the data directory, or PostgreSQL with DATABASE_URL).")

    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let configuration = try await ServerOptions.dataDirectory(dataDir).configuration()
        try await reportingStartupErrors {
            let stores = try await migratedStores(configuration)
            for name in try await stores.database.appliedMigrations() { print("applied \(name)") }
            print("database ready: \(stores.databaseDescription)")
        }
    }
}
