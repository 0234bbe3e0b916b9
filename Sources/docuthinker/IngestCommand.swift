import DocuThinkerCore
import APIService
import ArgumentParser
import Configuration
import Evaluation
import Foundation
import Logging
import ServerSupport

/// `docuthinker ingest FILE…`: import and index documents for a user, without a server.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Import and index files for a user (created if missing); they are searchable when it returns.")

    @Argument(help: "Files to import (PDF, DOCX, HTML, Markdown, text).") var files: [String]
    @Option(help: "The owner's email.") var email = "local@docuthinker.local"
    @Option(help: "Password for a new owner (default DOCUTHINKER_INGEST_PASSWORD, else random).") var password: String?
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let options = try ServerOptions.dataDirectory(dataDir)
        let configuration = try await options.configuration()
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: .warning, toStandardError: true) }
        let started = ContinuousClock.now
        let reports = try await ingest(
            files: files, email: email, password: password ?? ProcessInfo.processInfo.environment["DOCUTHINKER_INGEST_PASSWORD"],
            configuration: configuration, logger: Logger(label: "ingest")) { report in
            print(String(format: "%@: %d pages, %d chunks, import %.2fs, index %.2fs", URL(fileURLWithPath: report.file).lastPathComponent,
                         report.pages, report.chunks, report.importSeconds, report.indexSeconds))
        }
        let elapsed = (ContinuousClock.now - started).seconds
        let pages = reports.reduce(0) { $0 + $1.pages }, chunks = reports.reduce(0) { $0 + $1.chunks }
        print(String(format: "ingested %d files, %d pages, %d chunks in %.2fs = %.1f pages/s", reports.count, pages, chunks, elapsed,
                     Double(pages) / elapsed))
    }
}

/// `docuthinker bench-bare-server`: one bare Hummingbird route (`GET /bare`), no middleware:
/// the framework's own ceiling for `bench/run`'s API comparison.
struct BenchBareServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-bare-server", abstract: "Serve GET /bare with no middleware (benchmark baseline).")
    @Option(help: "Port.") var port = 8099

    func run() async throws {
        try await runBareServer(port: port)
    }
}
