@testable import StorageCypher
import Testing

/// FalkorDB takes parameters as Cypher literals in the query text: whatever a document holds must
/// stay a value and never become Cypher (the round trip through a real server is in the graph
/// conformance suite).
@Suite struct CypherLiteralTests {
    @Test func literalsEscapeEverythingThatCouldEndAString() {
        #expect(CypherValue.string("it's").literal == #"'it\'s'"#)
        #expect(CypherValue.string(#"a\b"#).literal == #"'a\\b'"#)
        #expect(CypherValue.string("' RETURN 1 //").literal == #"'\' RETURN 1 //'"#)
        #expect(CypherValue.string("line\nbreak\ttab").literal == #"'line\nbreak\ttab'"#)
        #expect(CypherValue.string("bell\u{7}").literal == "'bell '", "other control characters become spaces")
        #expect(CypherValue.string("é 日本").literal == "'é 日本'")
        #expect(CypherValue.list([.int(1), .string("x"), .null, .bool(true)]).literal == "[1, 'x', null, true]")
        #expect(CypherValue.map(["b": .int(2), "a": .string("y")]).literal == "{a: 'y', b: 2}", "keys in a fixed order")
        #expect(CypherValue.double(.nan).literal == "null")
    }

    @Test func parametersPrecedeTheStatementInFalkorDBsHeader() {
        let statement = CypherStatement("MATCH (e:Entity {owner: $o}) RETURN e.key", ["o": .string("ada"), "limit": .int(3)])
        #expect(FalkorTransport.query(statement) == "CYPHER limit=3 o='ada' MATCH (e:Entity {owner: $o}) RETURN e.key")
        #expect(FalkorTransport.query(CypherStatement("RETURN 1")) == "RETURN 1")
    }
}
