import StoreEngines
import APIService
import ArgumentParser
import Configuration
import Hummingbird
import Logging
import Foundation
import ServerSupport
import ServiceLifecycle
import UnixSignals
import Telemetry

/// Options every server subcommand takes; they override the environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "Port to listen on (overrides PORT, or AIML_PORT for ai).") var port: Int?
    @Option(help: "Address to bind (overrides HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    /// The configuration: these options, then the environment, then `.env`, then defaults.
    func configuration(portKey: AbsoluteConfigKey = "port") async throws -> AppConfiguration {
        var overrides: [AbsoluteConfigKey: ConfigValue] = [:]
        if let port { overrides[portKey] = .init(.int(port), isSecret: false) }
        if let host { overrides["host"] = .init(.string(host), isSecret: false) }
        if let dataDir { overrides["docuthinker.data.dir"] = .init(.string(dataDir), isSecret: false) }
        let reader = try await AppConfiguration.standardReader(extra: [InMemoryProvider(name: "command line", values: overrides)])
        return AppConfiguration(reader: reader)
    }

    /// Options for commands that take only a data directory (`mcp`, `ingest`).
    static func dataDirectory(_ dataDir: String?) throws -> ServerOptions {
        try parse(dataDir.map { ["--data-dir", $0] } ?? [])
    }

    /// Builds and runs the server of `role` until SIGTERM/SIGINT.
    func run(_ role: ServiceRole) async throws {
        let configuration = try await configuration(portKey: role == .ai ? "aiml.port" : "port")
        let level = configuration.logLevel
        try await reportingStartupErrors {
            // Telemetry first: the application's HTTP clients take the tracer when they are made.
            let telemetry: TelemetryBackends
            let settings: TelemetrySettings
            do {
                settings = try TelemetrySettings(environment: ProcessInfo.processInfo.environment, role: role.rawValue)
                telemetry = try Telemetry.bootstrap(settings: settings, logLevel: level) { label, provider in
                    JSONLogHandler(label: label, level: level, metadataProvider: provider)
                }
            } catch let error as TelemetryConfigurationError {
                throw StartupError(description: error.description)
            }
            let logger = Logger(label: "docuthinker-\(role.rawValue)")
            if settings.isOn {
                logger.info("telemetry on", metadata: ["service": .string(settings.serviceName), "traces": .stringConvertible(settings.traces),
                                                       "logs": .stringConvertible(settings.logs), "metrics": .stringConvertible(settings.metrics)])
            }
            let app = try await buildApplication(configuration: configuration, role: role, logger: logger,
                                                 metrics: ProcessMetrics(registry: telemetry.registry, export: telemetry.metricsExport))
            guard !telemetry.services.isEmpty else { return try await app.runService() }
            // The exporters start first and stop last, so the spans of the last requests are sent.
            let group = ServiceGroup(configuration: .init(
                services: telemetry.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
                    + [.init(service: app, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

/// `docuthinker serve`: everything in one process with embedded stores (SQLite + local files), offline.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the API, the AI side and MCP on PORT (default 8080) in one process.")
    @OptionGroup var options: ServerOptions
    func run() async throws { try await options.run(.serve) }
}

/// `docuthinker api`: the public API; calls `docuthinker ai` at AI_SERVICE_URL when it is set.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api", abstract: "Serve the public API on PORT (default 8080); AI work goes to AI_SERVICE_URL when set, else in process.")
    @OptionGroup var options: ServerOptions
    func run() async throws { try await options.run(.api) }
}

/// `docuthinker ai`: the AI service (indexing, analyses, search, answers, MCP over HTTP) on AIML_PORT.
struct AICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ai", abstract: "Serve the AI service on AIML_PORT (default 8000); needs AI_SERVICE_TOKEN.")
    @OptionGroup var options: ServerOptions
    func run() async throws { try await options.run(.ai) }
}

/// `docuthinker mcp`: an MCP server on stdio for the user of an API key.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Run an MCP server on stdin/stdout for the user of DOCUTHINKER_API_KEY (or --api-key).")
    @Option(help: "API key (default: DOCUTHINKER_API_KEY).") var apiKey: String?
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let options = try ServerOptions.dataDirectory(dataDir)
        let configuration = try await options.configuration()
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, toStandardError: true) }
        guard let key = apiKey ?? ProcessInfo.processInfo.environment["DOCUTHINKER_API_KEY"], !key.isEmpty else {
            throw ValidationError("Pass an API key with --api-key or DOCUTHINKER_API_KEY (create one with POST /v1/me/api-keys).")
        }
        try await reportingStartupErrors {
            try await runMCPStdio(configuration: configuration, apiKey: key, logger: Logger(label: "docuthinker-mcp"))
        }
    }
}

/// Runs `body`; a `StartupError` (a configuration or data problem the operator can fix) is printed
/// as one line on standard error and the command exits 1, without a stack of Swift error text.
func reportingStartupErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as StartupError {
        FileHandle.standardError.write(Data("docuthinker: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}
