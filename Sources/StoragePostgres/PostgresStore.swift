import DocuThinkerCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Storage

/// The scale-out store: every repository on one PostgreSQL database (RDS, Aurora or any 15+
/// server with pgvector), shared by any number of `api` and `ai` processes. Opening never
/// migrates: `migrate()` does, under an advisory lock, before a server starts (see `StoreFactory`).
///
/// The connection pool (postgres-nio's `PostgresClient`) runs in a task the store owns from
/// `init` until `close()`, so one-shot commands and tests need no service group around it.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Where the store points, without the password (for messages).
    public let location: String
    private let runTask: Task<Void, Never>

    /// Opens a pool of at most `poolSize` connections to the database named by `url`.
    public init(url: PostgresURL, poolSize: Int = 10, logger: Logger = Logger(label: "docuthinker.postgres")) throws {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try Self.tls(url))
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "docuthinker")]
        // The pool's own log: errors only (a failed connection also fails the query that wanted
        // it, with a message; a first query may race the pool's start, which it only warns about).
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        self.logger = logger
        location = url.redacted
        runTask = Task { await client.run() }
    }

    deinit { runTask.cancel() }

    /// Closes the pool (queries after this fail).
    public func close() {
        runTask.cancel()
    }

    private static func tls(_ url: PostgresURL) throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.tlsMode {
        case .disable:
            return .disable
        case .allow, .prefer:
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            tls.certificateVerification = .none
            return .require(tls)
        case .verifyCA, .verifyFull:
            guard let path = url.rootCertificatePath, FileManager.default.isReadableFile(atPath: path) else {
                throw StorageError(.unavailable, "DATABASE_URL's sslrootcert \(url.rootCertificatePath ?? "") cannot be read.")
            }
            tls.trustRoots = .file(path)
            tls.certificateVerification = url.tlsMode == .verifyFull ? .fullVerification : .noHostnameVerification
            return .require(tls)
        }
    }

    // MARK: Running queries

    /// The rows of a query, read whole.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await mapErrors {
            try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
        }
    }

    /// Runs a statement whose rows (if any) are not needed.
    func execute(_ query: PostgresQuery) async throws {
        try await mapErrors { _ = try await client.query(query, logger: logger).collect() }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await mapErrors {
            try await client.withConnection { connection in
                _ = try await connection.query("BEGIN", logger: logger).collect()
                do {
                    let result = try await body(connection)
                    _ = try await connection.query("COMMIT", logger: logger).collect()
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger).collect()
                    throw error
                }
            }
        }
    }

    /// Translates the driver's errors into `StorageError`s whose message says what happened
    /// (the driver's own descriptions hide the server's message in release builds).
    func mapErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw Self.storageError(error, location: location)
        } catch let error where !(error is StorageError) && !(error is CancellationError) {
            // The pool's own failures, e.g. its circuit breaker after a minute without a connection.
            throw StorageError(.unavailable, "PostgreSQL (\(location)) cannot be reached: \(error).")
        }
    }

    static func storageError(_ error: PSQLError, location: String) -> StorageError {
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            switch state {
            case "23505": return StorageError(.conflict, message)
            case "22000"..."22ZZZ", "23000"..."23ZZZ": return StorageError(.invalid, message)
            default: return StorageError(.unavailable, "PostgreSQL (\(location)) answered \(state): \(message)")
            }
        }
        return StorageError(.unavailable, "PostgreSQL (\(location)) cannot be reached: \(error.code)\(error.underlying.map { " (\($0))" } ?? "").")
    }
}

extension PostgresConnection {
    /// The rows of a query inside a transaction, read whole.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}

extension PostgresRandomAccessRow {
    /// The column at `index` as `T` (throws when the type does not match the schema).
    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }
}
