import Foundation

/// A value sent to or read from an openCypher database: query parameters and result cells.
public enum CypherValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([CypherValue])
    case map([String: CypherValue])

    public var string: String? {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        default: nil
        }
    }

    public var int: Int? {
        switch self {
        case .int(let number): Int(number)
        case .double(let number): Int(exactly: number)
        case .string(let text): Int(text)
        default: nil
        }
    }

    /// The value as a Cypher literal, for databases that take parameters in the query text
    /// (FalkorDB's `CYPHER name=value` header): strings single-quoted with `\\`, `\'` and control
    /// characters escaped; map keys must be plain identifiers (they are the store's own names).
    public var literal: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): value.isFinite ? String(value) : "null"
        case .string(let text): Self.quoted(text)
        case .list(let values): "[" + values.map(\.literal).joined(separator: ", ") + "]"
        case .map(let entries):
            "{" + entries.keys.sorted().map { key in
                precondition(key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "map keys are identifiers")
                return "\(key): \(entries[key]!.literal)"
            }.joined(separator: ", ") + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "'"
    }

    /// The value as JSON (for databases that take parameters as a JSON object: Neo4j, Neptune).
    public var json: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .int(let value): value
        case .double(let value): value
        case .string(let text): text
        case .list(let values): values.map(\.json)
        case .map(let entries): entries.mapValues(\.json)
        }
    }
}

/// One statement with its parameters (referred to as `$name` in the text).
public struct CypherStatement: Sendable {
    public var text: String
    public var parameters: [String: CypherValue]

    public init(_ text: String, _ parameters: [String: CypherValue] = [:]) {
        self.text = text
        self.parameters = parameters
    }
}

/// How statements reach an openCypher database (FalkorDB over RESP; Neo4j's HTTP Query API and
/// Amazon Neptune's openCypher endpoint follow the same shape).
public protocol CypherTransport: Sendable {
    /// Runs the statements in order, as one transaction where the database has them; returns each
    /// statement's rows (cells in the order of its RETURN clause).
    func run(_ statements: [CypherStatement]) async throws -> [[[CypherValue]]]
    /// Whether the database answers (readiness).
    func ping() async throws
    /// A short description for logs, never with credentials.
    var description: String { get }
}

/// A failure the database reported, or a reply the transport could not read.
public struct CypherError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
