import Foundation
public import RedisClient

/// FalkorDB over RESP: `GRAPH.QUERY <graph> "CYPHER p=… <statement>"` on the project's Redis
/// client; several statements run inside `MULTI`/`EXEC`, so a document's graph is replaced at once.
public struct FalkorTransport: CypherTransport {
    let client: RedisClient
    /// The FalkorDB graph (a Redis key) that holds DocuThinker's nodes and edges.
    public let graph: String

    public init(client: RedisClient, graph: String = "docuthinker") {
        self.client = client
        self.graph = graph
    }

    public var description: String { "falkordb \(client.endpoint) graph \(graph)" }

    public func ping() async throws {
        try await client.ping()
    }

    /// The statement's text with its parameters in FalkorDB's `CYPHER` header.
    static func query(_ statement: CypherStatement) -> String {
        guard !statement.parameters.isEmpty else { return statement.text }
        let header = statement.parameters.keys.sorted().map { "\($0)=\(statement.parameters[$0]!.literal)" }.joined(separator: " ")
        return "CYPHER \(header) \(statement.text)"
    }

    public func run(_ statements: [CypherStatement]) async throws -> [[[CypherValue]]] {
        guard !statements.isEmpty else { return [] }
        if statements.count == 1 {
            return [try await query(statements[0]).rows]
        }
        let commands = [["MULTI"]] + statements.map { ["GRAPH.QUERY", graph, Self.query($0)] } + [["EXEC"]]
        let replies = try await client.pipeline(commands)
        guard let results = replies.last?.array else { throw CypherError("FalkorDB did not run the transaction (\(String(describing: replies.last))).") }
        return try results.map(Self.rows)
    }

    /// The rows of one `GRAPH.QUERY` reply: `[header, rows, statistics]`, or `[statistics]` for
    /// a statement without RETURN; an error reply inside a transaction throws.
    static func rows(_ reply: RESPValue) throws -> [[CypherValue]] {
        try result(reply).rows
    }

    /// The column names (FalkorDB's header: the `AS` names, else the expressions) and rows of one reply.
    public static func result(_ reply: RESPValue) throws -> (columns: [String], rows: [[CypherValue]]) {
        if case .error(let message) = reply { throw CypherError("FalkorDB: \(message)") }
        guard let parts = reply.array else { throw CypherError("FalkorDB answered with \(reply), not a result set.") }
        guard parts.count == 3, let header = parts[0].array, let rows = parts[1].array else { return ([], []) }
        let columns = header.map { cell in
            if case .list(let pair) = value(cell) { return pair.last?.string ?? "" }   // compact form: [type, name]
            return value(cell).string ?? ""
        }
        return (columns, rows.map { row in (row.array ?? []).map(value) })
    }

    /// One statement, with its column names (for servers that answer rows keyed by column).
    /// FalkorDB's refusals (a syntax error, an index that exists) are `CypherError`s like every transport's.
    public func query(_ statement: CypherStatement) async throws -> (columns: [String], rows: [[CypherValue]]) {
        let reply: RESPValue
        do {
            reply = try await client.command("GRAPH.QUERY", graph, Self.query(statement))
        } catch RedisError.server(let message) {
            throw CypherError("FalkorDB: \(message)")
        }
        return try Self.result(reply)
    }

    static func value(_ reply: RESPValue) -> CypherValue {
        switch reply {
        case .integer(let number): .int(number)
        case .bulkString(let bytes?): .string(String(decoding: bytes, as: UTF8.self))
        case .simpleString(let text): .string(text)
        case .array(let values?): .list(values.map(value))
        case .bulkString(nil), .array(nil), .error: .null
        }
    }
}
