import Foundation
import PostgresNIO
import Storage
import StoreTestSupport
@testable import StoragePostgres
import StoreEngines
import Testing

/// What is particular to the PostgreSQL engine: its URL, its migrations, pgvector's HNSW path.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func databaseURLsAreReadAsLibpqWritesThem() throws {
        let url = try PostgresURL("postgres://app%40corp:p%3Ass@db.example.com:6543/library?sslmode=verify-full&sslrootcert=/etc/rds.pem")
        #expect(url.username == "app@corp" && url.password == "p:ss" && url.host == "db.example.com" && url.port == 6543)
        #expect(url.database == "library" && url.tlsMode == .verifyFull && url.rootCertificatePath == "/etc/rds.pem")
        #expect(!url.redacted.contains("p:ss") && !url.redacted.contains("p%3Ass"), "never the password in messages")
        let plain = try PostgresURL("postgresql://me@localhost")
        #expect(plain.port == 5432 && plain.database == "me" && plain.tlsMode == .prefer && plain.password == nil)
        for bad in ["mysql://me@host/db", "postgres:///db", "postgres://host/db", "postgres://me@host/db?sslmode=maybe",
                    "postgres://me@host/db?sslmode=verify-ca"] {
            #expect(throws: StorageError.self, "\(bad)") { try PostgresURL(bad) }
        }
    }

    @Test(.enabled(if: TestPostgres.available))
    func requireMeansTLSOrNoConnection() async throws {
        // The test server speaks no TLS: `prefer` connects in the clear, `require` must refuse.
        let url = try #require(TestPostgres.url)
        var components = try #require(URLComponents(string: url))
        components.queryItems = [URLQueryItem(name: "sslmode", value: "prefer")]
        let clear = try PostgresStore(url: PostgresURL(components.string!), poolSize: 1)
        // The ping gives up after 3 s; on two busy cores the first connection may take longer.
        var reached = false
        for _ in 0..<5 where !reached { reached = (try? await clear.ping()) != nil }
        #expect(reached, "prefer connects in the clear")
        components.queryItems = [URLQueryItem(name: "sslmode", value: "require")]
        let store = try PostgresStore(url: PostgresURL(components.string!), poolSize: 1)
        let error = await #expect(throws: StorageError.self) { try await store.ping() }
        #expect(error?.code == .unavailable && error?.message.contains("cannot be reached") == true, "\(error?.message ?? "")")
    }

    @Test(.enabled(if: TestPostgres.available))
    func migrationsApplyOnceEvenFromManyProcessesAtOnce() async throws {
        let url = try await TestPostgres.newDatabase()
        let stores = try (0..<4).map { _ in try PostgresStore(url: PostgresURL(url), poolSize: 2) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        #expect(try await stores[0].appliedMigrations() == PostgresStore.knownMigrations)
        try await stores[1].migrate()
        #expect(try await stores[0].rows("SELECT count(*) FROM schema_migrations").first?.get(0, as: Int.self) == PostgresStore.knownMigrations.count)
    }

    @Test(.enabled(if: TestPostgres.available))
    func aDatabaseWithoutPgvectorStopsTheStartWithTheStatementToRun() async throws {
        // A role that may not create extensions, owning a database made without pgvector.
        let role = "dt_plain_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try #require(TestPostgres.admin)
        try await admin.execute("CREATE ROLE \(unescaped: role) LOGIN")
        try await admin.execute("CREATE DATABASE \(unescaped: role) OWNER \(unescaped: role) TEMPLATE template0")
        let url = try #require(TestPostgres.url)
        var components = try #require(URLComponents(string: url))
        components.user = role
        components.path = "/" + role
        let store = try PostgresStore(url: PostgresURL(components.string!), poolSize: 1)
        let error = await #expect(throws: StorageError.self) { try await store.migrate() }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("CREATE EXTENSION vector") == true, "\(error?.message ?? "")")
    }

    @Test(.enabled(if: TestPostgres.available))
    func theHNSWPathFindsWhatExactSearchFinds() async throws {
        let stores = try await StoreEngine.postgres.make()
        let store = try #require(stores.database as? PostgresStore)
        let owner = Make.user("ada@example.com"), other = Make.user("bob@example.com")
        try await store.createUser(owner)
        try await store.createUser(other)
        // 600 random unit vectors of 16 dimensions for the owner, 200 for someone else.
        var generator = SeededGenerator(seed: 7)
        func random() -> [Float] {
            VectorIndexConformance.unit((0..<16).map { _ in Float.random(in: -1...1, using: &generator) })
        }
        let approximate = PgVectorIndex(store: store, model: "m", dimensions: 16, efSearch: 200, exactLimit: 0)
        let exact = PgVectorIndex(store: store, model: "m", dimensions: 16, exactLimit: .max)
        for (user, count) in [(owner, 600), (other, 200)] {
            let document = Make.document(owner: user.id)
            try await store.insertDocument(document, content: Make.content, chunks: Make.chunks((0..<count).map { "chunk \($0)" }))
            let pending = try await approximate.chunksToEmbed(documentId: document.id)
            try await approximate.save(pending.map { ChunkVector(chunkId: $0.chunkId, vector: random()) }, documentId: document.id, owner: user.id)
        }
        #expect(try await store.rows("SELECT 1 FROM pg_indexes WHERE indexdef LIKE '%hnsw%'").isEmpty, "no HNSW index while nothing needs one")
        // The first search over the exact limit is answered exactly and starts the build in the background.
        let first = try await approximate.search(owner: owner.id, query: random(), k: 10, documents: nil)
        #expect(first.count == 10)
        var valid = false
        for _ in 0..<100 where !valid {
            try await Task.sleep(for: .milliseconds(100))
            valid = try await approximate.indexIsValid()
        }
        #expect(valid, "the background build finished")
        #expect(try await approximate.buildIndex(), "building again finds it valid")
        let indexes = try await store.rows("SELECT indexdef FROM pg_indexes WHERE tablename = 'chunk_vectors' AND indexdef LIKE '%hnsw%'")
        #expect(indexes.count == 1, "the model's HNSW index was made once")
        var found = 0
        for _ in 0..<20 {
            let query = random()
            let truth = Set(try await exact.search(owner: owner.id, query: query, k: 10, documents: nil).map(\.chunkId))
            let hits = try await approximate.search(owner: owner.id, query: query, k: 10, documents: nil)
            #expect(hits.count == 10 && zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score }, "best first")
            found += hits.filter { truth.contains($0.chunkId) }.count
        }
        #expect(found >= 190, "recall@10 over 20 queries: \(found)/200")
        let plan = try await store.transaction { connection in
            try await connection.execute("SET LOCAL enable_sort = off", logger: store.logger)
            return try await connection.rows("""
                EXPLAIN SELECT chunk_id FROM chunk_vectors WHERE model = 'm' AND owner_id = \(owner.id)
                ORDER BY (embedding::vector(16)) <=> \(PostgresStore.vectorText(random()))::vector(16) LIMIT 10
                """, logger: store.logger).map { try $0.get(0, as: String.self) }.joined(separator: "\n")
        }
        #expect(plan.contains("chunk_vectors_hnsw"), "the query shape can use the index:\n\(plan)")
    }
}

extension PostgresStoreTests {
    /// A fixed corpus whose passages share vocabulary, so ranking (not mere matching) decides.
    static let corpus = [
        "Install add-on packages from CRAN with install.packages; packages are installed into the library directory.",
        "The library directory can be changed with the R_LIBS environment variable before R starts.",
        "Rainfall totals for the month were recorded at the weir and compared with the sediment samples.",
        "Sediment samples taken near the weir show high clay content after heavy rainfall.",
        "A data frame holds columns of equal length; read.csv reads a data frame from a comma separated file.",
        "Matrices are two dimensional arrays; apply runs a function over the rows or columns of a matrix.",
        "Graphics devices such as pdf and png write plots to files; dev.off closes the current device.",
        "The plot function draws scatter plots; lines and points add to an existing plot.",
        "Regression models are fitted with lm; summary prints the coefficients and their standard errors.",
        "Generalized linear models are fitted with glm using a family such as binomial or poisson.",
        "Packages can be removed with remove.packages and updated with update.packages from a repository.",
        "Environment variables are read with Sys.getenv and set with Sys.setenv during a session.",
        "Factors represent categorical data; levels lists the categories of a factor.",
        "Lists hold elements of different types; a list element is extracted with double square brackets.",
        "Loops use for and while; vectorised functions are usually faster than loops over elements.",
        "Dates are parsed with as.Date and formatted with format using codes such as %Y for the year.",
    ]

    @Test(.enabled(if: TestPostgres.available))
    func keywordRankingAgreesWithSQLiteFTS5OnAFixedCorpus() async throws {
        var tops: [[[Int]]] = []
        let queries = ["how do I install packages", "sediment near the weir", "fit a regression model", "close a graphics device",
                       "read a csv file into a data frame", "set an environment variable", "update packages from a repository",
                       "categorical data factors", "plot points on an existing plot", "format dates by year"]
        for engine in [StoreEngine.sqliteAndFiles, StoreEngine.postgres] {
            let store = try await engine.make().database
            let (owner, document) = try await Make.library(store, email: "ada@example.com", chunkTexts: Self.corpus)
            var engineTops: [[Int]] = []
            for query in queries {
                let hits = try await store.keywordSearch(ownerId: owner.id, query: query, documentIds: [document.id], limit: 3)
                engineTops.append(hits.map(\.ordinal))
            }
            tops.append(engineTops)
        }
        let (sqlite, postgres) = (tops[0], tops[1])
        let sameFirst = zip(sqlite, postgres).filter { $0.first == $1.first }.count
        let overlap = zip(sqlite, postgres).map { Set($0).intersection($1).count }.reduce(0, +)
        let possible = zip(sqlite, postgres).map { min($0.count, $1.count) }.reduce(0, +)
        #expect(sqlite.map(\.count) == postgres.map(\.count), "the same passages match")
        #expect(sameFirst >= 9, "same best passage for \(sameFirst) of 10 queries: SQLite \(sqlite), PostgreSQL \(postgres)")
        #expect(overlap >= possible - 2, "top-3 overlap \(overlap) of \(possible): SQLite \(sqlite), PostgreSQL \(postgres)")
    }
}

/// A small deterministic generator (SplitMix64) for reproducible random vectors.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
