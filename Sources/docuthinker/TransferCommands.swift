import APIService
import ArgumentParser
import Foundation
import LibraryTransfer
import StoreEngines

/// `docuthinker export PATH`: the whole library of the configured stores (SQLite + files, or
/// PostgreSQL + S3) into a directory, in the documented layout of `ExportFormat`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the whole library of the configured store (users, documents, files, vectors, analyses, chats) to a new directory.")

    @Argument(help: "A new (or empty) directory to write the export into.") var path: String
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let configuration = try await ServerOptions.dataDirectory(dataDir).configuration()
        try await reportingTransferErrors {
            let stores = try await migratedStores(configuration)
            print("exporting \(stores.databaseDescription) to \(path)")
            let manifest = try await LibraryExporter(stores: stores).export(to: path) { print($0) }
            print("done: \(manifest.users) users, \(manifest.documents) documents, \(manifest.objects) files, \(manifest.chats) chats")
        }
    }
}

/// `docuthinker import PATH`: loads an export into the configured stores (which must be empty).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Load an export (docuthinker export) into the configured store, which must have no accounts yet.")

    @Argument(help: "The directory an export was written to.") var path: String
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let configuration = try await ServerOptions.dataDirectory(dataDir).configuration()
        try await reportingTransferErrors {
            let stores = try await migratedStores(configuration)
            print("importing \(path) into \(stores.databaseDescription)")
            let manifest = try await LibraryImporter(stores: stores).importLibrary(from: path) { print($0) }
            print("done: \(manifest.users) users, \(manifest.documents) documents, \(manifest.chats) chats (exported \(manifest.exportedAt.formatted(.iso8601)) from \(manifest.source))")
        }
    }
}

/// Startup and transfer problems as one line on standard error and exit status 1.
private func reportingTransferErrors(_ body: () async throws -> Void) async throws {
    try await reportingStartupErrors {
        do {
            try await body()
        } catch let error as TransferError {
            FileHandle.standardError.write(Data("docuthinker: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
