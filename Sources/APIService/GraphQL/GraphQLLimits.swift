import GraphQL

/// Bounds on what one GraphQL request may ask, checked on the parsed document before anything
/// runs: selection depth (fragments followed) and the number of fields selected. Introspection
/// (`__schema`, `__type`) is bounded by the schema itself and not counted.
struct GraphQLLimits: Sendable {
    var maxDepth = 10
    var maxFields = 500

    /// What an operation selects: its depth, its field count and its root field names.
    struct Shape: Equatable {
        var depth = 0
        var fields = 0
        var rootFields: [String] = []
    }

    enum Problem: Error, Equatable {
        case noOperation(String)
        case tooDeep(Int)
        case tooComplex(Int)
    }

    /// The shape of the operation named `operationName` (or the only one).
    static func shape(of document: Document, operationName: String?) throws -> (operation: OperationDefinition, shape: Shape) {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        let operation: OperationDefinition?
        if let operationName {
            operation = operations.first { $0.name?.value == operationName }
        } else {
            operation = operations.count == 1 ? operations[0] : nil
        }
        guard let operation else {
            throw Problem.noOperation(operations.count > 1 ? "Several operations: name one with operationName." : "No operation to run.")
        }
        var fragments: [String: FragmentDefinition] = [:]
        for case let fragment as FragmentDefinition in document.definitions { fragments[fragment.name.value] = fragment }
        var shape = Shape()
        shape.rootFields = rootFields(operation.selectionSet, fragments: fragments, seen: [])
        measure(operation.selectionSet, depth: 1, fragments: fragments, seen: [], into: &shape)
        return (operation, shape)
    }

    func check(_ shape: Shape) throws {
        if shape.depth > maxDepth { throw Problem.tooDeep(shape.depth) }
        if shape.fields > maxFields { throw Problem.tooComplex(shape.fields) }
    }

    private static func measure(_ set: SelectionSet, depth: Int, fragments: [String: FragmentDefinition], seen: Set<String>,
                                into shape: inout Shape) {
        for selection in set.selections {
            switch selection {
            case let field as Field:
                if field.name.value.hasPrefix("__") { continue }
                shape.fields += 1
                shape.depth = max(shape.depth, depth)
                if let inner = field.selectionSet { measure(inner, depth: depth + 1, fragments: fragments, seen: seen, into: &shape) }
            case let spread as FragmentSpread:
                // A fragment that spreads itself (invalid GraphQL) is followed once.
                guard !seen.contains(spread.name.value), let fragment = fragments[spread.name.value] else { continue }
                measure(fragment.selectionSet, depth: depth, fragments: fragments, seen: seen.union([spread.name.value]), into: &shape)
            case let inline as InlineFragment:
                measure(inline.selectionSet, depth: depth, fragments: fragments, seen: seen, into: &shape)
            default:
                continue
            }
        }
    }

    private static func rootFields(_ set: SelectionSet, fragments: [String: FragmentDefinition], seen: Set<String>) -> [String] {
        set.selections.flatMap { selection -> [String] in
            switch selection {
            case let field as Field: [field.name.value]
            case let spread as FragmentSpread:
                seen.contains(spread.name.value) ? [] : fragments[spread.name.value].map {
                    rootFields($0.selectionSet, fragments: fragments, seen: seen.union([spread.name.value]))
                } ?? []
            case let inline as InlineFragment: rootFields(inline.selectionSet, fragments: fragments, seen: seen)
            default: []
            }
        }
    }
}
