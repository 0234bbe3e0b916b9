import Foundation

/// Values the SQLite engine keeps as JSON text: analysis results, citations, social links,
/// quality warnings.
enum StoredJSON {
    static func text<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    /// The stored value, or nil when the text is not (or no longer) a `Value`.
    static func value<Value: Decodable>(_ type: Value.Type, from text: String) -> Value? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
