import APIService
import ArgumentParser
import Configuration
import Hummingbird
import Logging
import ServerSupport

/// `docuthinker serve`: the API with embedded stores (SQLite + local files), offline.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the API on PORT (default 8080) with embedded storage.")

    @Option(help: "Port to listen on (overrides PORT).") var port: Int?
    @Option(help: "Address to bind (overrides HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
        if let port { overrides["port"] = .init(.int(port), isSecret: false) }
        if let host { overrides["host"] = .init(.string(host), isSecret: false) }
        if let dataDir { overrides["docuthinker.data.dir"] = .init(.string(dataDir), isSecret: false) }
        let reader = try await AppConfiguration.standardReader(extra: [InMemoryProvider(name: "command line", values: overrides)])
        let configuration = AppConfiguration(reader: reader)
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "docuthinker")
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
