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
        let configuration = AppConfiguration(reader: try await AppConfiguration.standardReader())
        let directory = dataDir ?? configuration.dataDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory + "/docuthinker.sqlite")
        for name in try store.appliedMigrations() { print("applied \(name)") }
        print("database ready at \(directory)/docuthinker.sqlite")
    }
}
