import StoreEngines
import APIService
import ArgumentParser
import Foundation
import Storage

/// `docuthinker migrate`: creates or upgrades the embedded database and lists its migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply database migrations to the data directory.")

    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let configuration = try await ServerOptions.dataDirectory(dataDir).configuration()
        try await reportingStartupErrors {
            let stores = try await migratedStores(configuration)
            for name in try await stores.database.appliedMigrations() { print("applied \(name)") }
            print("database ready at \(configuration.stores.sqlitePath)")
        }
    }
}
