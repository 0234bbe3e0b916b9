import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1

/// Where a Neo4j server's HTTP Query API is (`DOCUTHINKER_NEO4J_URI`/`_USER`/`_PASSWORD`/`_DATABASE`).
public struct Neo4jConfiguration: Sendable, Hashable {
    /// `https://<id>.databases.neo4j.io` (Aura) or `http://host:7474`: scheme, host and port only.
    public var uri: String
    public var user: String
    public var password: String?
    /// The database queried (`/db/<database>/query/v2`); Aura's and a server's default is `neo4j`.
    public var database: String

    public init(uri: String, user: String = "neo4j", password: String? = nil, database: String = "neo4j") {
        self.uri = uri
        self.user = user
        self.password = password
        self.database = database
    }

    /// The URI checked: Bolt URIs are refused with the HTTP address to use instead.
    public func validatedBase() throws -> String {
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw CypherError("DOCUTHINKER_NEO4J_URI must be the server's HTTP address, such as https://<id>.databases.neo4j.io or http://localhost:7474 (got \(uri)).")
        }
        if scheme.hasPrefix("bolt") || scheme.hasPrefix("neo4j") {
            let suggestion = scheme.hasSuffix("+s") || scheme.hasSuffix("+ssc") || host.hasSuffix(".neo4j.io") ? "https://\(host)" : "http://\(host):7474"
            throw CypherError("""
                DOCUTHINKER_NEO4J_URI is a Bolt URI (\(uri)); DocuThinker talks to Neo4j over its HTTP Query API \
                (Neo4j 5.19 or later, Aura included), which needs the HTTP endpoint: set DOCUTHINKER_NEO4J_URI=\(suggestion).
                """)
        }
        guard scheme == "http" || scheme == "https" else {
            throw CypherError("DOCUTHINKER_NEO4J_URI must start with https:// or http:// (got \(scheme)://).")
        }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}

/// Neo4j's HTTP Query API (`/db/<database>/query/v2`, plain JSON results). One statement is one
/// implicit transaction; several run in an explicit transaction (`/tx`, `/tx/<id>`, `/tx/<id>/commit`,
/// rolled back with `DELETE /tx/<id>` on failure), sending back the `neo4j-cluster-affinity`
/// header Aura returns so every request reaches the member that holds the transaction.
public struct Neo4jTransport: CypherTransport {
    let base: String
    let configuration: Neo4jConfiguration
    let http: HTTPClient
    let timeout: TimeAmount

    public init(configuration: Neo4jConfiguration, http: HTTPClient = .graphDatabase, timeout: TimeAmount = .seconds(60)) throws {
        base = try configuration.validatedBase()
        self.configuration = configuration
        self.http = http
        self.timeout = timeout
    }

    public var description: String { "neo4j \(base) database \(configuration.database)" }

    /// Neo4j 5's composite range indexes, created once.
    public var indexStatements: [String] {
        ["CREATE INDEX docuthinker_entity IF NOT EXISTS FOR (e:Entity) ON (e.owner, e.key)",
         "CREATE INDEX docuthinker_doc IF NOT EXISTS FOR (d:Doc) ON (d.owner, d.id)"]
    }

    var queryPath: String {
        "/db/\(configuration.database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? configuration.database)/query/v2"
    }

    public func ping() async throws {
        _ = try await run([CypherStatement("RETURN 1 AS one")])
    }

    public func run(_ statements: [CypherStatement]) async throws -> [[[CypherValue]]] {
        guard let first = statements.first else { return [] }
        if statements.count == 1 {
            return [try await send(.POST, queryPath, first, affinity: nil).reply.rows]
        }
        let opened = try await send(.POST, queryPath + "/tx", first, affinity: nil)
        guard let id = opened.reply.transaction?.id else { throw CypherError("Neo4j opened no transaction (its answer had no transaction id).") }
        let path = queryPath + "/tx/" + id
        var results = [opened.reply.rows]
        do {
            for statement in statements.dropFirst() {
                results.append(try await send(.POST, path, statement, affinity: opened.affinity).reply.rows)
            }
            _ = try await send(.POST, path + "/commit", nil, affinity: opened.affinity)
        } catch {
            _ = try? await send(.DELETE, path, nil, affinity: opened.affinity)
            throw error
        }
        return results
    }

    /// One request; the decoded answer and the cluster-affinity header to send back.
    func send(_ method: HTTPMethod, _ path: String, _ statement: CypherStatement?, affinity: String?) async throws -> (reply: Neo4jReply, affinity: String?) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        let credentials = Data("\(configuration.user):\(configuration.password ?? "")".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        if let affinity { request.headers.add(name: "neo4j-cluster-affinity", value: affinity) }
        if let statement {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(Neo4jRequest(statement: statement.text, parameters: statement.parameters))))
        }
        let status: HTTPResponseStatus, body: ByteBuffer, headers: HTTPHeaders
        do {
            let response = try await http.execute(request, timeout: timeout)
            (status, headers) = (response.status, response.headers)
            body = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw CypherError("Neo4j at \(base) cannot be reached (\(error)).")
        }
        let reply = try? JSONDecoder().decode(Neo4jReply.self, from: Data(body.readableBytesView))
        if let failure = reply?.errors?.first {
            throw CypherError("Neo4j: \(failure.code ?? "error"): \(failure.message ?? "")")
        }
        guard (200..<300).contains(status.code), let reply else {
            throw CypherError("Neo4j answered HTTP \(status.code): \(String(buffer: body).prefix(300))")
        }
        return (reply, headers.first(name: "neo4j-cluster-affinity") ?? affinity)
    }
}

extension HTTPClient {
    /// The client of the graph databases' HTTP endpoints: 5 s to connect and no retrying of a
    /// refused connection, so a database that is down fails a call (and the start's index check)
    /// at once instead of holding it for the whole request timeout.
    public static let graphDatabase: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

struct Neo4jRequest: Encodable {
    var statement: String
    var parameters: [String: CypherValue]
}

/// The Query API's plain-JSON answer: `{data: {fields, values: [[…]]}, bookmarks, transaction?: {id, expires}}`,
/// or `{errors: [{code, message}]}`.
struct Neo4jReply: Decodable {
    struct Rows: Decodable {
        var fields: [String]
        var values: [[CypherValue]]
    }
    struct Transaction: Decodable {
        var id: String
    }
    struct Failure: Decodable {
        var code: String?
        var message: String?
    }
    var data: Rows?
    var transaction: Transaction?
    var errors: [Failure]?

    var rows: [[CypherValue]] { data?.values ?? [] }
}
