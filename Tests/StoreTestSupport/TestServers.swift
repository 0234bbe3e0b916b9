import AWSSupport
import Foundation
import Storage
import StoragePostgres
import StorageS3

/// The test PostgreSQL server. Without `DOCUTHINKER_TEST_POSTGRES_URL` the PostgreSQL cases are
/// left out with a message, unless `DOCUTHINKER_REQUIRE_SERVICES=1` (CI, `make test`): then
/// every suite fails loudly instead of passing on SQLite alone.
public enum TestPostgres {
    public static let url = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let required = ProcessInfo.processInfo.environment["DOCUTHINKER_REQUIRE_SERVICES"] == "1"

    public static let available: Bool = {
        if url == nil {
            print("⚠️  DOCUTHINKER_TEST_POSTGRES_URL is not set: the store conformance suites run on SQLite only (start the servers with scripts/services start).")
        }
        return url != nil || required
    }()

    /// The admin connection that creates one database per test.
    public static let admin: PostgresStore? = url.flatMap { try? PostgresStore(url: PostgresURL($0), poolSize: 2) }

    /// A new empty database (pgvector comes from `template1`), as a URL.
    public static func newDatabase() async throws -> String {
        guard let url, let admin else {
            throw StorageError(.unavailable, "DOCUTHINKER_REQUIRE_SERVICES=1 but DOCUTHINKER_TEST_POSTGRES_URL is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        let name = "dt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.createDatabase(named: name)
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}

/// The test S3 server (moto, started by `scripts/services start`, which exports
/// `DOCUTHINKER_TEST_S3_ENDPOINT`); each test gets a new bucket. moto takes any credentials: the
/// test process sets dummy ones, so the store factory's own credentials path is the one used.
public enum TestS3 {
    public static let endpoint = ProcessInfo.processInfo.environment["DOCUTHINKER_TEST_S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }

    public static let credentials: SigV4.Credentials = {
        setenv("AWS_ACCESS_KEY_ID", "testing", 0)
        setenv("AWS_SECRET_ACCESS_KEY", "testing", 0)
        return SigV4.Credentials(accessKeyId: "testing", secretAccessKey: "testing")
    }()

    /// A store on a new, empty bucket.
    public static func newStore(multipartThreshold: Int = 16 << 20) async throws -> S3ObjectStore {
        guard let endpoint, let url = URL(string: endpoint) else {
            throw StorageError(.unavailable, "DOCUTHINKER_TEST_S3_ENDPOINT is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        let credentials = credentials
        let store = S3ObjectStore(
            configuration: S3Configuration(bucket: "dt-" + UUID().uuidString.lowercased(), endpoint: url, multipartThreshold: multipartThreshold,
                                           partSize: 5 << 20),
            credentials: { credentials })
        try await store.createBucket()
        return store
    }

    public static func newBucket() async throws -> String {
        try await newStore().configuration.bucket
    }
}
