/// Turns texts into unit-length vectors whose dot product measures semantic similarity.
public protocol Embedder: Sendable {
    /// Vector length.
    var dimensions: Int { get }
    /// Identifies model and version; stored with every vector so stale ones can be found.
    var modelID: String { get }
    /// Embeds `texts` (any number; batching is the embedder's business), one vector per text.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

/// Similarity of two embeddings: their dot product, the cosine for the unit-length vectors an
/// `Embedder` returns.
public func embeddingSimilarity(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

/// A typed embedding failure.
public struct EmbeddingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case modelMissing = "model_missing"
        case modelInvalid = "model_invalid"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
