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
            let stores = try migratedStores(configuration)
            for name in try stores.database.appliedMigrations() { print("applied \(name)") }
            print("database ready at \(stores.database.path)")
        }
    }
}
