/// A failure the core reports to whichever edge called it (REST, MCP, the AI routes, the CLI),
/// with a stable `code` and a message written for the user. The core never speaks HTTP: the
/// kind is mapped to a status in one place (`APIError.init(_:)` in ServerSupport).
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, in terms an edge can map: HTTP status, MCP tool error, exit code.
    public enum Kind: String, Sendable {
        /// The thing asked for does not exist (or is not the caller's).
        case notFound
        /// The request's own values are wrong.
        case invalid
        /// The request clashes with the current state (e.g. a document still processing).
        case conflict
        /// The content cannot be processed as given (e.g. a document that failed).
        case unprocessable
        /// A capability or dependency is not available now (model not loaded, provider down).
        case unavailable
        /// Too many requests or too much use.
        case rateLimited
    }

    public var kind: Kind
    /// Stable machine-readable code, e.g. `embeddings_unavailable`.
    public var code: String
    public var message: String
    public var details: [String: String]?

    public init(_ kind: Kind, code: String, message: String, details: [String: String]? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }
}
