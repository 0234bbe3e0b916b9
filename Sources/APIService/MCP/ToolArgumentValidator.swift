import MCP

/// Checks tool arguments against the tool's own input schema — the subset of JSON Schema the
/// tools use (object with `properties`/`required`, `string` with `enum`, `integer` with
/// `minimum`/`maximum`, `array` of strings) — so a tool never runs on arguments its schema
/// forbids (`limit: "ten"`, `limit: -5`, `start: -10`, a number for `query`, unknown names).
enum ToolArgumentValidator {
    /// Throws a message naming the first argument that breaks `schema`.
    static func validate(_ arguments: [String: Value], against schema: Value) throws(MCPToolbox.ToolError) {
        guard case .object(let root) = schema, case .object(let properties)? = root["properties"] else { return }
        if case .array(let required)? = root["required"] {
            for case .string(let name) in required where arguments[name] == nil || arguments[name] == .null {
                throw .init(message: "'\(name)' is required.")
            }
        }
        for (name, value) in arguments.sorted(by: { $0.key < $1.key }) {
            guard let property = properties[name] else {
                throw .init(message: "'\(name)' is not a parameter of this tool (it takes \(properties.keys.sorted().joined(separator: ", "))).")
            }
            try check(value, property, name: name)
        }
    }

    private static func check(_ value: Value, _ property: Value, name: String) throws(MCPToolbox.ToolError) {
        guard case .object(let rule) = property, case .string(let type)? = rule["type"] else { return }
        switch type {
        case "string":
            guard case .string(let text) = value else { throw .init(message: "'\(name)' must be a string.") }
            if case .array(let allowed)? = rule["enum"], !allowed.contains(.string(text)) {
                throw .init(message: "'\(name)' must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", ")).")
            }
        case "integer":
            let number: Int? = switch value {
            case .int(let int): int
            case .double(let double): Int(exactly: double)
            default: nil
            }
            let minimum = rule["minimum"]?.intValue, maximum = rule["maximum"]?.intValue
            let range = "\(minimum.map(String.init) ?? "…") to \(maximum.map(String.init) ?? "…")"
            guard let number else { throw .init(message: "'\(name)' must be an integer (\(range)).") }
            if let minimum, number < minimum { throw .init(message: "'\(name)' must be an integer from \(range).") }
            if let maximum, number > maximum { throw .init(message: "'\(name)' must be an integer from \(range).") }
        case "array":
            guard case .array(let items) = value else { throw .init(message: "'\(name)' must be an array.") }
            if let itemRule = rule["items"] {
                for item in items { try check(item, itemRule, name: "\(name)[]") }
            }
        default:
            return
        }
    }
}
