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

}

/// JSON as openCypher values: Neo4j's Query API and Neptune take parameters as a JSON object and
/// answer rows of JSON values (plain JSON: numbers, strings, lists, maps; no type tags).
extension CypherValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CypherValue].self) {
            self = .list(value)
        } else {
            self = .map(try container.decode([String: CypherValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case .string(let text): try container.encode(text)
        case .list(let values): try container.encode(values)
        case .map(let entries): try container.encode(entries)
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

    /// The names of the columns the last `RETURN` clause gives (its `AS` names, else the
    /// expressions as written), in order; empty without RETURN. A database that answers rows as
    /// objects keyed by column (Neptune) is read back in this order.
    public var columns: [String] {
        guard let range = text.range(of: "RETURN ", options: .backwards) else { return [] }
        var clause = Substring(text[range.upperBound...])
        for end in [" ORDER BY ", " SKIP ", " LIMIT "] {
            if let cut = clause.range(of: end) { clause = clause[..<cut.lowerBound] }
        }
        var items: [String] = [], current = "", depth = 0
        for character in clause {
            switch character {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case "," where depth == 0:
                items.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        items.append(current)
        return items.map { item in
            let trimmed = item.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let alias = trimmed.range(of: " AS ", options: [.backwards, .caseInsensitive]) else { return trimmed }
            return trimmed[alias.upperBound...].trimmingCharacters(in: .whitespaces)
        }
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
    /// The statements that create the indexes the store's queries use; an index that exists
    /// already either raises no error or one whose message says "already indexed".
    var indexStatements: [String] { get }
    /// A short description for logs, never with credentials.
    var description: String { get }
}

extension CypherTransport {
    /// FalkorDB's syntax (which has no `IF NOT EXISTS`).
    public var indexStatements: [String] {
        ["CREATE INDEX FOR (e:Entity) ON (e.owner, e.key)", "CREATE INDEX FOR (d:Doc) ON (d.owner, d.id)"]
    }
}

/// A failure the database reported, or a reply the transport could not read.
public struct CypherError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
