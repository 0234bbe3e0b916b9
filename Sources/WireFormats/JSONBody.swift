public import Foundation

/// Decodes a JSON request body into its type, naming what is wrong in terms a client can act on.
/// Every JSON route of every edge decodes through here (the edge maps the error to its 400).
public enum JSONBody {
    /// The body decoded as `T`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(JSONBodyError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.keyNotFound(let key, let context) {
            throw .missingField(path(context.codingPath + [key]))
        } catch DecodingError.typeMismatch(_, let context) {
            throw .wrongType(path(context.codingPath))
        } catch DecodingError.valueNotFound(_, let context) {
            throw .wrongType(path(context.codingPath))
        } catch {
            throw .invalidJSON
        }
    }

    /// `a.b.0.c`: where in the body a field sits.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// What is wrong with a JSON request body.
public enum JSONBodyError: Error, Equatable, Sendable {
    /// A required field is absent (its path, such as `response.id`).
    case missingField(String)
    /// A field holds the wrong kind of value, or null where a value is required.
    case wrongType(String)
    /// The body is not JSON (or not the JSON object the route takes).
    case invalidJSON
}
