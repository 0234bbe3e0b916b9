import AWSSupport
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RedisClient
import Storage
public import StorageCypher

/// A loopback server that speaks Neo4j's HTTP Query API and Neptune's openCypher endpoint, as
/// documented (request paths, bodies, headers, the plain-JSON answers and error bodies), and runs
/// every statement on the real FalkorDB of `scripts/services start`: the openCypher engine is real,
/// only the HTTP framing is ours. No Neo4j or Neptune server can run on this machine.
///
/// - Neo4j: Basic authentication (`neo4j` / `password`), `/db/<database>/query/v2` (one FalkorDB
///   graph per database name), explicit transactions with ids and the `neo4j-cluster-affinity`
///   header checked on every follow-up. Statements run as they arrive (FalkorDB has no
///   interactive transactions): a rollback is recorded, not undone.
/// - Neptune: `POST /openCypher` with form fields `query` and `parameters`, every request's SigV4
///   signature (service `neptune-db`) recomputed and compared; rows answered keyed by column.
public actor CypherHTTPTestServer {
    public static let password = "password"
    /// The credentials Neptune requests must be signed with.
    public static let credentials = SigV4.Credentials(accessKeyId: "AKIDNEPTUNETEST", secretAccessKey: "neptune-test-secret", sessionToken: "session-token")
    public static let region = "eu-west-1"

    public static let shared = CypherHTTPTestServer()

    private var port: Int?
    private var transactions: [String: (database: String, affinity: String)] = [:]
    /// What clients did that a test may check: `rollback <id>`, `commit <id>`, `denied <reason>`.
    public private(set) var events: [String] = []
    private let neptuneGraph = "dt-neptune-" + UUID().uuidString.lowercased()

    /// The server's address, started on first use.
    public func url() async throws -> String {
        if let port { return "http://127.0.0.1:\(port)" }
        guard let falkor = TestFalkorDB.url else {
            throw StorageError(.unavailable, "DOCUTHINKER_TEST_FALKORDB_URL is not set: run scripts/services start and eval \"$(scripts/services env)\".")
        }
        let client = RedisClient(endpoint: try RedisEndpoint(RedisConfiguration(url: falkor)), timeout: .seconds(30))
        let started = AsyncStream<Int>.makeStream()
        let app = Application(router: router(client), configuration: .init(address: .hostname("127.0.0.1", port: 0))) { channel in
            started.continuation.yield(channel.localAddress?.port ?? 0)
            started.continuation.finish()
        }
        Task { try await app.runService(gracefulShutdownSignals: []) }
        var bound = 0
        for await value in started.stream { bound = value }
        port = bound
        return "http://127.0.0.1:\(bound)"
    }

    /// A Neptune transport signed with the test credentials.
    public func neptuneTransport() async throws -> NeptuneTransport {
        let environment = ["AWS_ACCESS_KEY_ID": Self.credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": Self.credentials.secretAccessKey,
                           "AWS_SESSION_TOKEN": Self.credentials.sessionToken!]
        return try NeptuneTransport(endpoint: try await url(), region: Self.region, credentials: AWSCredentialsProvider(environment: environment))
    }

    func record(_ event: String) { events.append(event) }

    func open(database: String) -> (id: String, affinity: String) {
        let id = String(UUID().uuidString.prefix(8)).lowercased(), affinity = Data(UUID().uuidString.utf8).base64EncodedString()
        transactions[id] = (database, affinity)
        return (id, affinity)
    }

    /// Whether the transaction is open on this database with this affinity; `end` closes it.
    func check(_ id: String, database: String, affinity: String?, end: String? = nil) -> Bool {
        guard let open = transactions[id], open.database == database, open.affinity == affinity else { return false }
        if let end {
            transactions[id] = nil
            events.append("\(end) \(id)")
        }
        return true
    }

    nonisolated func router(_ client: RedisClient) -> Router<BasicRequestContext> {
        let router = Router()
        let base = "db/{database}/query/v2"
        router.post(RouterPath(base)) { request, context in
            try await self.neo4j(request, context, client) { _ in nil }
        }
        router.post(RouterPath(base + "/tx")) { request, context in
            try await self.neo4j(request, context, client) { database in await self.open(database: database) }
        }
        router.post(RouterPath(base + "/tx/{id}")) { request, context in
            try await self.neo4j(request, context, client, follows: "")
        }
        router.post(RouterPath(base + "/tx/{id}/commit")) { request, context in
            try await self.neo4j(request, context, client, follows: "commit")
        }
        router.delete(RouterPath(base + "/tx/{id}")) { request, context in
            try await self.neo4j(request, context, client, follows: "rollback")
        }
        router.post("openCypher") { request, _ in
            try await self.neptune(request, client)
        }
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    struct Neo4jBody: Decodable {
        var statement: String?
        var parameters: [String: CypherValue]?
    }

    struct Neo4jError: Encodable {
        struct Entry: Encodable { var code: String, message: String }
        var errors: [Entry]
        init(_ code: String, _ message: String) { errors = [Entry(code: code, message: message)] }
    }

    struct Neo4jAnswer: Encodable {
        struct Rows: Encodable { var fields: [String], values: [[CypherValue]] }
        struct Transaction: Encodable { var id: String, expires: String }
        var data: Rows
        var bookmarks = ["FB:kcwQ/wTfJf8rS1WY+GiIKXsCXg6Q"]
        var transaction: Transaction?
    }

    /// One Query API request: authentication, the transaction's checks, the statement on FalkorDB.
    nonisolated func neo4j(_ request: Request, _ context: BasicRequestContext, _ client: RedisClient, follows: String? = nil,
                           opening: (@Sendable (String) async -> (id: String, affinity: String)?)? = nil) async throws -> Response {
        let expected = "Basic " + Data("neo4j:\(Self.password)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            await record("denied basic")
            return try Self.json(.unauthorized, Neo4jError("Neo.ClientError.Security.Unauthorized", "The client is unauthorized due to authentication failure."))
        }
        let database = context.parameters.get("database") ?? ""
        let affinityName = HTTPField.Name("neo4j-cluster-affinity")!
        var transaction: (id: String, affinity: String)?
        if let follows, let id = context.parameters.get("id") {
            guard await check(id, database: database, affinity: request.headers[affinityName], end: follows.isEmpty ? nil : follows) else {
                return try Self.json(.notFound, Neo4jError("Neo.ClientError.Request.Invalid", "Transaction with Id: \"\(id)\" was not found. It may have timed out and therefore rolled back or the routing header 'neo4j-cluster-affinity' was not provided."))
            }
            if follows == "rollback" { return try Self.json(.ok, Neo4jAnswer(data: .init(fields: [], values: []))) }
        }
        if let opening { transaction = await opening(database) }
        let bytes = try await request.body.collect(upTo: 64 << 20)
        let body = bytes.readableBytes == 0 ? Neo4jBody() : try JSONDecoder().decode(Neo4jBody.self, from: Data(bytes.readableBytesView))
        var answer = Neo4jAnswer(data: .init(fields: [], values: []))
        if let text = body.statement {
            do {
                let result = try await Self.falkor(Self.fromNeo4j(text), body.parameters ?? [:], graph: database, client)
                answer.data = .init(fields: result.columns, values: result.rows)
            } catch {
                return try Self.json(.badRequest, Neo4jError("Neo.ClientError.Statement.SyntaxError", "\(error)"))
            }
        }
        var headers: HTTPFields = [:]
        if let transaction {
            answer.transaction = .init(id: transaction.id, expires: "2099-01-01T00:00:30Z")
            headers[affinityName] = transaction.affinity
        }
        return try Self.json(.accepted, answer, headers: headers)
    }

    /// Neo4j's `CREATE INDEX <name> IF NOT EXISTS FOR …` in FalkorDB's words (which fail on an existing index).
    static func fromNeo4j(_ text: String) -> String {
        guard text.hasPrefix("CREATE INDEX "), let range = text.range(of: " IF NOT EXISTS ") else { return text }
        return "CREATE INDEX " + text[range.upperBound...]
    }

    /// Runs one statement on FalkorDB; an existing index is no error (as `IF NOT EXISTS` makes it).
    static func falkor(_ text: String, _ parameters: [String: CypherValue], graph: String, _ client: RedisClient) async throws -> (columns: [String], rows: [[CypherValue]]) {
        do {
            return try await FalkorTransport(client: client, graph: graph).query(CypherStatement(text, parameters))
        } catch where "\(error)".contains("already indexed") {
            return ([], [])
        }
    }

    struct NeptuneError: Encodable {
        var requestId = UUID().uuidString.lowercased()
        var code: String
        var detailedMessage: String
    }

    struct NeptuneAnswer: Encodable {
        var results: [[String: CypherValue]]
    }

    /// One openCypher request: the signature checked, the form read, the statement on FalkorDB.
    nonisolated func neptune(_ request: Request, _ client: RedisClient) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: 64 << 20).readableBytesView)
        if let refusal = Self.signatureProblem(request, body: body) {
            await record("denied \(refusal)")
            return try Self.json(.forbidden, NeptuneError(code: "AccessDeniedException", detailedMessage: refusal))
        }
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let query = fields["query"] else {
            return try Self.json(.badRequest, NeptuneError(code: "MissingParameterException", detailedMessage: "Missing parameter: query"))
        }
        let parameters = try fields["parameters"].map { try JSONDecoder().decode([String: CypherValue].self, from: Data($0.utf8)) } ?? [:]
        do {
            let result = try await Self.falkor(query, parameters, graph: neptuneGraph, client)
            let rows = result.rows.map { row in Dictionary(zip(result.columns, row), uniquingKeysWith: { $1 }) }
            return try Self.json(.ok, NeptuneAnswer(results: rows))
        } catch {
            return try Self.json(.badRequest, NeptuneError(code: "MalformedQueryException", detailedMessage: "\(error)"))
        }
    }

    /// Why the request's SigV4 signature is not the one the test credentials make, or nil when it is.
    static func signatureProblem(_ request: Request, body: Data) -> String? {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("AWS4-HMAC-SHA256 ") else { return "Missing Authentication Token" }
        let parts = authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",").reduce(into: [String: String]()) { parts, item in
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { parts[pair[0]] = pair[1] }
        }
        guard let scope = parts["Credential"]?.split(separator: "/").map(String.init), scope.count == 5,
              scope[0] == credentials.accessKeyId, scope[2] == region, scope[3] == "neptune-db" else { return "wrong credential scope" }
        guard let amzDate = request.headers[HTTPField.Name("x-amz-date")!] else { return "no x-amz-date" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        guard let date = formatter.date(from: amzDate) else { return "bad x-amz-date" }
        var headers: [String: String] = [:]
        for name in (parts["SignedHeaders"] ?? "").split(separator: ";").map(String.init) where name != "x-amz-date" && name != "x-amz-security-token" {
            headers[name] = name == "host" ? request.head.authority : HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        let signing = SigV4.Credentials(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                                        sessionToken: request.headers[HTTPField.Name("x-amz-security-token")!])
        let url = URL(string: "http://\(request.head.authority ?? "")\(request.uri.path)")!
        let expected = SigV4(region: region, service: "neptune-db").sign(method: "POST", url: url, headers: headers, body: body, credentials: signing, date: date)
        return expected["Authorization"] == authorization ? nil : "The request signature we calculated does not match the signature you provided."
    }
}
