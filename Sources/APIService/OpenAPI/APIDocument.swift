import Foundation
import Yams

/// The OpenAPI 3.1 document of the public API (`OpenAPI/openapi.yaml`, compiled into the binary):
/// served as written at `/openapi.yaml`, as JSON at `/openapi.json` and as a readable page at
/// `/docs`. It is the source of truth: a test holds the router's routes to it, and CI fuzzes the
/// live server against it with schemathesis.
struct APIDocument: Sendable {
    /// The document as written.
    let yaml: [UInt8]
    /// The same document as JSON.
    let json: [UInt8]
    /// The reference page.
    let html: [UInt8]
    /// Every documented operation, as `"GET /v1/documents/{id}"`.
    let operations: Set<String>

    /// The compiled-in document, parsed once.
    static func shared() throws -> APIDocument { try parsed.get() }

    private static let parsed = Result { try APIDocument(yaml: PackageResources.openapi_yaml) }

    init(yaml: [UInt8]) throws {
        self.yaml = yaml
        guard let root = try Yams.compose(yaml: String(decoding: yaml, as: UTF8.self), Resolver.default.removing(.timestamp)),
              let tree = Self.value(root) as? [String: Any] else {
            throw DocumentError(description: "openapi.yaml is not a mapping")
        }
        json = Array(try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys, .withoutEscapingSlashes]))
        let paths = tree["paths"] as? [String: Any] ?? [:]
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where Self.methods.contains(method) {
                operations.insert(method.uppercased() + " " + path)
            }
        }
        self.operations = operations
        html = Array(APIReferencePage(document: tree).render().utf8)
    }

    struct DocumentError: Error, CustomStringConvertible { var description: String }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// A YAML node as a JSON value: mapping keys are always strings (`200:` is the key "200").
    static func value(_ node: Node) -> Any {
        switch node {
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (key, value) in mapping { out[key.string ?? "\(key.any)"] = Self.value(value) }
            return out
        case .sequence(let sequence):
            return sequence.map(Self.value)
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case Tag.Name.null: return NSNull()
            case Tag.Name.bool: return node.bool ?? scalar.string
            case Tag.Name.int: return node.int ?? scalar.string
            case Tag.Name.float: return node.float ?? scalar.string
            default: return scalar.string
            }
        case .alias:
            return node.any
        }
    }
}
