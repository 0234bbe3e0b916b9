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
            return [try Self.rows(try await client.command("GRAPH.QUERY", graph, Self.query(statements[0])))]
        }
        let commands = [["MULTI"]] + statements.map { ["GRAPH.QUERY", graph, Self.query($0)] } + [["EXEC"]]
        let replies = try await client.pipeline(commands)
        guard let results = replies.last?.array else { throw CypherError("FalkorDB did not run the transaction (\(String(describing: replies.last))).") }
        return try results.map(Self.rows)
    }

    /// The rows of one `GRAPH.QUERY` reply: `[header, rows, statistics]`, or `[statistics]` for
    /// a statement without RETURN; an error reply inside a transaction throws.
    static func rows(_ reply: RESPValue) throws -> [[CypherValue]] {
        if case .error(let message) = reply { throw CypherError("FalkorDB: \(message)") }
        guard let parts = reply.array else { throw CypherError("FalkorDB answered with \(reply), not a result set.") }
        guard parts.count == 3, let rows = parts[1].array else { return [] }
        return rows.map { row in (row.array ?? []).map(value) }
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
