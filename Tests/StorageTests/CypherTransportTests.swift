import Foundation
import Logging
import Storage
@testable import StorageCypher
@testable import StoreEngines
import StoreTestSupport
import Testing

/// The Neo4j Query API and Neptune openCypher transports: their documented answers read back
/// (recorded from the vendors' documentation), requests shaped as documented, Bolt URIs refused
/// with the address to use, and the protocols driven against the loopback server in front of the
/// real FalkorDB (the whole graph conformance suite runs there too).
@Suite("openCypher HTTP transports")
struct CypherTransportTests {
    @Test func columnsAreTheReturnClausesNamesInOrder() {
        #expect(CypherStatement("MATCH (e) RETURN e.key AS key, names[0] AS name, e.type AS type, documents ORDER BY key LIMIT $l").columns
                == ["key", "name", "type", "documents"])
        #expect(CypherStatement("MATCH (a)-[r]->(b) WITH a, collect(b) AS bs RETURN a.key AS source, size([x IN bs | x.key, 1]) AS n").columns
                == ["source", "n"], "commas inside brackets and the WITH before are not columns")
        #expect(CypherStatement("RETURN count(a)").columns == ["count(a)"])
        #expect(CypherStatement("MATCH (d:Doc {owner: $o}) DELETE d").columns == [])
    }

    /// Neo4j's documented plain-JSON answers (Query API pages "Result formats", "Run transactions", errors).
    @Test func neo4jAnswersAsDocumented() throws {
        let rows = try JSONDecoder().decode(Neo4jReply.self, from: Data(#"""
            {"data": {"fields": ["person", "name"], "values": [[{"elementId": "4:ff04df25-ff2b-4b55-98f8-6888297b025e:2", "labels": ["Person"],
             "properties": {"name": "Phil"}}, "Phil"]]}, "bookmarks": ["FB:kcwQ/wTfJf8rS1WY+GiIKXsCXg6Q"]}
            """#.utf8))
        #expect(rows.rows.count == 1)
        #expect(rows.rows[0][1] == .string("Phil"))
        #expect(rows.rows[0][0] == .map(["elementId": .string("4:ff04df25-ff2b-4b55-98f8-6888297b025e:2"), "labels": .list([.string("Person")]),
                                          "properties": .map(["name": .string("Phil")])]))
        let opened = try JSONDecoder().decode(Neo4jReply.self, from: Data(#"""
            {"data": {"fields": [], "values": []}, "bookmarks": [], "transaction": {"id": "lyU", "expires": "2024-10-22T15:48:29Z"}}
            """#.utf8))
        #expect(opened.transaction?.id == "lyU")
        let failed = try JSONDecoder().decode(Neo4jReply.self, from: Data(#"""
            {"errors": [{"code": "Neo.ClientError.Statement.SyntaxError", "message": "Invalid input 'MATC'"}]}
            """#.utf8))
        #expect(failed.errors?.first?.code == "Neo.ClientError.Statement.SyntaxError")
        let typed = try JSONDecoder().decode([CypherValue].self, from: Data(#"[1, 2.5, true, null, "x", [1], {"a": false}]"#.utf8))
        #expect(typed == [.int(1), .double(2.5), .bool(true), .null, .string("x"), .list([.int(1)]), .map(["a": .bool(false)])],
                "numbers stay integers unless they have a fraction, booleans stay booleans")
    }

    /// Neptune's documented default JSON (`{"results": [{"count(a)": 121}]}`) and error body.
    @Test func neptuneAnswersAndFormsAsDocumented() throws {
        let results = try JSONDecoder().decode(NeptuneResults.self, from: Data(#"{"results": [{"count(a)": 121}]}"#.utf8))
        #expect(results.results.first?["count(a)"] == .int(121))
        let failure = try JSONDecoder().decode(NeptuneFailure.self, from: Data(#"""
            {"requestId": "a4b2c-1", "code": "MalformedQueryException", "detailedMessage": "Invalid input 'MATC'"}
            """#.utf8))
        #expect(failure.code == "MalformedQueryException")
        let form = String(decoding: try NeptuneTransport.form(CypherStatement("MATCH (n {k: $k}) RETURN n.a + 1 AS x", ["k": .string("a&b=c é")])), as: UTF8.self)
        let fields = Dictionary(uniqueKeysWithValues: form.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts[1].removingPercentEncoding!)
        })
        #expect(fields["query"] == "MATCH (n {k: $k}) RETURN n.a + 1 AS x", "+ is encoded, so it is never read as a space")
        #expect(fields["parameters"] == #"{"k":"a&b=c é"}"#)
        #expect(!form.contains(" ") && form.split(separator: "&").count == 2)
    }

    @Test func boltURIsAreRefusedWithTheHTTPAddressToUse() throws {
        func message(_ uri: String) -> String {
            do { _ = try Neo4jConfiguration(uri: uri).validatedBase(); return "" } catch { return "\(error)" }
        }
        #expect(message("neo4j+s://abc123.databases.neo4j.io").contains("DOCUTHINKER_NEO4J_URI=https://abc123.databases.neo4j.io"))
        #expect(message("bolt://localhost:7687").contains("DOCUTHINKER_NEO4J_URI=http://localhost:7474"))
        #expect(message("bolt://localhost:7687").contains("HTTP Query API"))
        #expect(message("ftp://x").contains("https://"))
        #expect(try Neo4jConfiguration(uri: "https://abc123.databases.neo4j.io/").validatedBase() == "https://abc123.databases.neo4j.io")

        // The same through the store factory, as `serve` and `ai` start: a clear configuration error.
        var configuration = StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-bolt-" + UUID().uuidString)
        configuration.neo4j = Neo4jConfiguration(uri: "neo4j+s://abc123.databases.neo4j.io", password: "pw")
        #expect {
            _ = try StoreFactory.open(configuration)
        } throws: { error in
            (error as? StorageError)?.code == .invalid && "\(error)".contains("https://abc123.databases.neo4j.io")
        }
        configuration.neo4j = Neo4jConfiguration(uri: "https://abc123.databases.neo4j.io", password: "pw")
        configuration.neptuneEndpoint = "https://db.cluster-x.eu-west-1.neptune.amazonaws.com:8182"
        #expect {
            _ = try StoreFactory.open(configuration)
        } throws: { error in
            "\(error)".contains("DOCUTHINKER_NEO4J_URI and DOCUTHINKER_NEPTUNE_ENDPOINT")
        }
    }

    /// A graph database that is down is reported as such (readiness says "unreachable"; the start
    /// does not wait for it: the client does not retry a refused connection).
    @Test func aDatabaseThatIsDownSaysSo() async throws {
        let closed = "http://127.0.0.1:\(PrivateRedisServer.freePort())"
        await #expect {
            try await Neo4jTransport(configuration: Neo4jConfiguration(uri: closed, password: "pw")).ping()
        } throws: { "\($0)".contains("Neo4j at \(closed) cannot be reached") }
        await #expect {
            try await NeptuneTransport(endpoint: closed, region: "eu-west-1", iamAuthentication: false).ping()
        } throws: { "\($0)".contains("Neptune at \(closed) cannot be reached") }
    }

    /// Every process prepares the graph database at start: the second time, an index that exists is
    /// no error on FalkorDB (which has no `IF NOT EXISTS`) nor through the Neo4j Query API, and both
    /// indexes are there (a refusal of the first used to stop the second).
    @Test(.enabled(if: TestFalkorDB.available)) func preparingTwiceKeepsBothIndexes() async throws {
        var configuration = StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-prepare-" + UUID().uuidString)
        try TestFalkorDB.configure(&configuration)
        let stores = try await StoreFactory.openMigrated(configuration)
        let store = try #require(stores.cypherGraph)
        try await store.prepare()
        try await store.prepare()
        let indexes = try await store.transport.run([CypherStatement("CALL db.indexes() YIELD label RETURN label")])[0]
        #expect(Set(indexes.compactMap { $0.first?.string }) == ["Entity", "Doc"])

        var neo4j = StoreConfiguration(dataDirectory: NSTemporaryDirectory() + "dt-prepare-" + UUID().uuidString)
        neo4j.neo4j = Neo4jConfiguration(uri: try await CypherHTTPTestServer.shared.url(), password: CypherHTTPTestServer.password,
                                         database: "dt-" + UUID().uuidString.lowercased())
        let viaNeo4j = try #require(try await StoreFactory.openMigrated(neo4j).cypherGraph)
        try await viaNeo4j.prepare()
        let behind = try await viaNeo4j.transport.run([CypherStatement("CALL db.indexes() YIELD label RETURN label")])[0]
        #expect(Set(behind.compactMap { $0.first?.string }) == ["Entity", "Doc"])
    }

    /// A statement that fails inside a transaction rolls it back (`DELETE /tx/<id>`), every
    /// follow-up carried the cluster-affinity header, and the error says what Neo4j said.
    @Test(.enabled(if: TestFalkorDB.available)) func neo4jTransactionsCommitOrRollBack() async throws {
        let server = CypherHTTPTestServer.shared
        let database = "dt-" + UUID().uuidString.lowercased()
        let transport = try Neo4jTransport(configuration: Neo4jConfiguration(uri: try await server.url(), password: CypherHTTPTestServer.password, database: database))
        try await transport.ping()
        let results = try await transport.run([
            CypherStatement("CREATE (:T {k: $k})", ["k": .string("a")]), CypherStatement("CREATE (:T {k: 'b'})"),
            CypherStatement("MATCH (t:T) RETURN t.k AS k ORDER BY k"),
        ])
        #expect(results.count == 3)
        #expect(results[2] == [[.string("a")], [.string("b")]])
        #expect(await server.events.contains { $0.hasPrefix("commit ") })

        let before = await server.events.filter { $0.hasPrefix("rollback ") }.count
        await #expect {
            _ = try await transport.run([CypherStatement("CREATE (:T {k: 'c'})"), CypherStatement("MATC (t) RETURN t")])
        } throws: { error in
            "\(error)".contains("Neo.ClientError.Statement.SyntaxError")
        }
        #expect(await server.events.filter { $0.hasPrefix("rollback ") }.count == before + 1, "the open transaction was rolled back")

        let wrong = try Neo4jTransport(configuration: Neo4jConfiguration(uri: try await server.url(), password: "wrong", database: database))
        await #expect {
            try await wrong.ping()
        } throws: { error in
            "\(error)".contains("Neo.ClientError.Security.Unauthorized")
        }
    }

    /// Neptune requests are signed for `neptune-db`: the server recomputes each signature; a
    /// request signed with another secret is refused with Neptune's error, which reaches the caller.
    @Test(.enabled(if: TestFalkorDB.available)) func neptuneRequestsAreSigned() async throws {
        let server = CypherHTTPTestServer.shared
        let transport = try await server.neptuneTransport()
        let key = UUID().uuidString
        let rows = try await transport.run([
            CypherStatement("CREATE (:N {k: $k, note: $note})", ["k": .string(key), "note": .string("a&b=c+d é")]),
            CypherStatement("MATCH (n:N {k: $k}) RETURN n.note AS note, n.k AS k", ["k": .string(key)]),
        ])
        #expect(rows[1] == [[.string("a&b=c+d é"), .string(key)]], "the form kept the text exactly; the columns in RETURN order")

        let forged = try NeptuneTransport(endpoint: try await server.url(), region: CypherHTTPTestServer.region, credentials: AWSCredentialsProviderFor.forged)
        await #expect {
            try await forged.ping()
        } throws: { error in
            "\(error)".contains("AccessDeniedException")
        }
        let unsigned = try NeptuneTransport(endpoint: try await server.url(), region: CypherHTTPTestServer.region, iamAuthentication: false)
        await #expect(throws: CypherError.self) { try await unsigned.ping() }
        #expect(await server.events.contains("denied Missing Authentication Token"))
    }
}

import AWSSupport

enum AWSCredentialsProviderFor {
    /// The right key id with another secret.
    static let forged = AWSCredentialsProvider(environment: [
        "AWS_ACCESS_KEY_ID": CypherHTTPTestServer.credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": "not-the-secret",
    ])
}
