import Foundation

/// Values the engines keep as JSON text: analysis results, citations, social links, quality
/// warnings (one encoding for every engine, so an export moves them unchanged).
public enum StoredJSON {
    public static func text<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    /// The stored value, or nil when the text is not (or no longer) a `Value`.
    public static func value<Value: Decodable>(_ type: Value.Type, from text: String) -> Value? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
