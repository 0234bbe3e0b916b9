@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StoreTestSupport
import Testing

/// The knowledge-graph routes over a real upload: a document's nodes and edges with spans that
/// quote the text, entity search (prefix and misspelt), an entity's documents and neighbours,
/// the rebuild status, owners apart, and a delete that takes its entities with it.
@Suite("Knowledge graph routes")
struct GraphRouteTests {
    static let news = """
        Merkel Meets Macron in Berlin

        German Chancellor Angela Merkel met President Emmanuel Macron in Berlin on Monday. Merkel said the \
        European Union would publish its plan in March 2024.

        The World Health Organization (WHO) welcomed the talks. Officials at the WHO said Macron visited Geneva afterwards.
        """

    @Test func aDocumentsGraphSearchAndEntityPages() async throws {
        try await Self.check(try TestApp())
    }

    /// The same with the graph in FalkorDB (`scripts/services start`): what the routes answer does
    /// not depend on where the graph lives, and a delete reaches the graph database.
    @Test(.enabled(if: TestFalkorDB.available)) func theSameWithTheGraphInFalkorDB() async throws {
        let url = try #require(TestFalkorDB.url, "DOCUTHINKER_TEST_FALKORDB_URL is not set: run scripts/services start")
        let name = "dt-" + UUID().uuidString.lowercased()
        try await Self.check(try TestApp(overrides: [
            "docuthinker.falkordb.url": .init(.string(url), isSecret: true),
            "docuthinker.falkordb.graph": .init(.string(name), isSecret: false),
        ]), entitiesInGraphDatabase: { try await TestFalkorDB.entityCount(graph: name) })   // what FalkorDB itself holds
    }

    /// The same with the graph behind Neo4j's HTTP Query API, configured as a user would
    /// (`DOCUTHINKER_NEO4J_URI`/`_PASSWORD`/`_DATABASE`): the loopback Query API server runs every
    /// statement on the real FalkorDB, in the graph named after the database.
    @Test(.enabled(if: TestFalkorDB.available)) func theSameWithTheGraphInNeo4j() async throws {
        let database = "dt-" + UUID().uuidString.lowercased()
        try await Self.check(try TestApp(overrides: [
            "docuthinker.neo4j.uri": .init(.string(try await CypherHTTPTestServer.shared.url()), isSecret: false),
            "docuthinker.neo4j.password": .init(.string(CypherHTTPTestServer.password), isSecret: true),
            "docuthinker.neo4j.database": .init(.string(database), isSecret: false),
        ]), entitiesInGraphDatabase: { try await TestFalkorDB.entityCount(graph: database) })
    }

    static func check(_ app: TestApp, entitiesInGraphDatabase: (@Sendable () async throws -> Int)? = nil) async throws {
        try await app.test { client in
            let ada = try await client.register("ada@example.com")
            let bob = try await client.register("bob@example.com")
            let upload = try JSON.object(try await client.upload(Data(Self.news.utf8), filename: "news.txt", session: ada))
            let id = try #require(upload["id"] as? String)
            let text = Array(Self.news.unicodeScalars)
            func quote(_ span: [String: Any]) -> String {
                String(String.UnicodeScalarView(text[(span["start"] as! Int)..<(span["end"] as! Int)]))
            }

            let graph = try await client.execute(uri: "/v1/documents/\(id)/graph", method: .get, headers: ada.auth) { response in
                #expect(response.status == .ok)
                return try JSON.object(response)
            }
            #expect(graph["status"] as? String == "ready")
            if let entitiesInGraphDatabase {
                #expect(try await entitiesInGraphDatabase() > 5, "the graph lives in the graph database")
            }
            let nodes = try #require(graph["nodes"] as? [[String: Any]])
            let byName = Dictionary(nodes.map { ($0["name"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
            let merkel = try #require(byName["Angela Merkel"], "nodes: \(byName.keys.sorted())")
            #expect(merkel["type"] as? String == "person")
            #expect(Set(merkel["aliases"] as? [String] ?? []) == ["Angela Merkel", "Merkel"], "the surname joins the full name")
            let mentions = try #require(merkel["mentions"] as? [[String: Any]])
            #expect(mentions.count == 3, "headline, first sentence, and 'Merkel said'")
            for mention in mentions { #expect(["Angela Merkel", "Merkel"].contains(quote(mention)), "spans quote the text") }
            #expect(byName["Emmanuel Macron"]?["type"] as? String == "person")
            #expect(byName["Berlin"]?["type"] as? String == "place")
            #expect(byName["World Health Organization"]?["aliases"] as? [String] == ["World Health Organization", "WHO"])
            #expect(byName["World Health Organization"]?["type"] as? String == "organisation")
            #expect(byName["Monday"]?["type"] as? String == "date")
            #expect(byName["March 2024"]?["type"] as? String == "date")
            #expect(byName["German Chancellor Angela Merkel"] == nil && byName["Officials"] == nil && byName["German"] == nil)
            let edges = try #require(graph["edges"] as? [[String: Any]])
            let merkelId = try #require(merkel["id"] as? String)
            let macronId = try #require(byName["Emmanuel Macron"]?["id"] as? String)
            let met = try #require(edges.first { $0["source"] as? String == merkelId && $0["target"] as? String == macronId && $0["label"] as? String == "met" })
            #expect(met["weight"] as? Int == 1)

            // Search: prefix, misspelt, and nothing for another owner.
            try await client.execute(uri: "/v1/graph/entities?q=merk", method: .get, headers: ada.auth) { response in
                let entities = try #require(try JSON.object(response)["entities"] as? [[String: Any]])
                #expect(entities.first?["id"] as? String == merkelId)
                #expect(entities.first?["documentCount"] as? Int == 1)
                #expect(entities.first?["mentionCount"] as? Int == 3)
            }
            try await client.execute(uri: "/v1/graph/entities?q=Macrn", method: .get, headers: ada.auth) { response in
                let entities = try #require(try JSON.object(response)["entities"] as? [[String: Any]])
                #expect(entities.map { $0["id"] as? String }.contains(macronId), "one letter missing still finds Macron")
            }
            try await client.execute(uri: "/v1/graph/entities?q=merk", method: .get, headers: bob.auth) { response in
                let entities = try JSON.object(response)["entities"] as? [Any]
                #expect(entities?.isEmpty == true)
            }
            try await client.execute(uri: "/v1/graph/entities?limit=0", method: .get, headers: ada.auth) { response in
                #expect(response.status == .unprocessableContent)
                #expect(JSON.errorCode(response) == "validation_failed")
            }

            // One entity: its document with quoted mentions, and its neighbours.
            let path = "/v1/graph/entities/" + merkelId.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: path, method: .get, headers: ada.auth) { response in
                #expect(response.status == .ok)
                let entity = try JSON.object(response)
                #expect(entity["name"] as? String == "Angela Merkel")
                let documents = try #require(entity["documents"] as? [[String: Any]])
                #expect(documents.first?["documentId"] as? String == id)
                #expect(documents.first?["title"] as? String != nil)
                for mention in documents.first?["mentions"] as? [[String: Any]] ?? [] {
                    #expect(mention["quote"] as? String == quote(mention))
                }
                let neighbours = try #require(entity["neighbours"] as? [[String: Any]])
                #expect(neighbours.contains { $0["id"] as? String == macronId && $0["name"] as? String == "Emmanuel Macron" && $0["direction"] as? String == "out" })
            }
            for uri in [path, "/v1/documents/\(id)/graph"] {
                try await client.execute(uri: uri, method: .get, headers: bob.auth) { response in
                    #expect(response.status == .notFound, "\(uri) is Ada's")
                }
            }
            // A path: Merkel met Macron, who visited Geneva.
            let genevaId = try #require(byName["Geneva"]?["id"] as? String)
            func encoded(_ id: String) -> String { id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            try await client.execute(uri: "/v1/graph/path?from=\(encoded(merkelId))&to=\(encoded(genevaId))", method: .get,
                                     headers: ada.auth) { response in
                let path = try JSON.object(response)
                #expect(path["found"] as? Bool == true && path["hops"] as? Int == 2, "\(path)")
                #expect((path["nodes"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Angela Merkel", "Emmanuel Macron", "Geneva"])
                #expect(["met", "meets"].contains((path["edges"] as? [[String: Any]])?.first?["label"] as? String), "a labelled relation before a bare co-occurrence")
            }
            try await client.execute(uri: "/v1/graph/path?from=\(encoded(merkelId))&to=\(encoded(genevaId))&maxHops=1", method: .get,
                                     headers: ada.auth) { response in
                let path = try JSON.object(response)
                #expect(path["found"] as? Bool == false, "one hop is not enough")
            }
            for (uri, status) in [("/v1/graph/path?from=\(encoded(merkelId))", HTTPResponse.Status.unprocessableContent),
                                  ("/v1/graph/path?from=\(encoded(merkelId))&to=\(encoded(genevaId))&maxHops=9", .unprocessableContent),
                                  ("/v1/graph/path?from=person%3Anobody&to=\(encoded(genevaId))", .notFound)] {
                try await client.execute(uri: uri, method: .get, headers: ada.auth) { response in #expect(response.status == status, "\(uri)") }
            }
            try await client.execute(uri: "/v1/graph/path?from=\(encoded(merkelId))&to=\(encoded(genevaId))", method: .get,
                                     headers: bob.auth) { response in
                #expect(response.status == .notFound, "Ada's entities are not Bob's")
            }
            try await client.execute(uri: "/v1/graph/status", method: .get, headers: ada.auth) { response in
                let status = try JSON.object(response)
                #expect(status["readyDocuments"] as? Int == 1 && status["current"] as? Int == 1 && status["pending"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/graph/status", method: .get, headers: bob.auth) { response in
                let status = try JSON.object(response)
                #expect(status["readyDocuments"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/graph/entities", method: .get) { response in
                #expect(response.status == .unauthorized)
            }

            // The same over GraphQL, with the same scoping.
            let query = """
                query($id: String!, $entity: String!) {
                  document(id: $id) { graph { status nodes { id name type aliases mentions { start end page } } edges { source target label weight } } }
                  entities(q: "merk") { id name type documentCount mentionCount }
                  entity(id: $entity) { name documents { documentId mentions { quote } } neighbours { id label direction } }
                }
                """
            let variables: [String: Any] = ["id": id, "entity": merkelId]
            let mine = try await GraphQLTests.run(client, query, variables: variables, session: ada)
            #expect(mine.errors.isEmpty, "\(mine.errors)")
            let gqlGraph = try #require((mine.data["document"] as? [String: Any])?["graph"] as? [String: Any])
            let gqlNodes = try #require(gqlGraph["nodes"] as? [[String: Any]])
            #expect(gqlNodes.count == nodes.count && gqlNodes.contains { $0["name"] as? String == "Angela Merkel" && $0["type"] as? String == "person" })
            #expect((gqlGraph["edges"] as? [Any])?.count == edges.count)
            #expect((mine.data["entities"] as? [[String: Any]])?.first?["id"] as? String == merkelId)
            let gqlEntity = try #require(mine.data["entity"] as? [String: Any])
            #expect(((gqlEntity["documents"] as? [[String: Any]])?.first?["mentions"] as? [[String: Any]])?.first?["quote"] as? String == "Merkel")
            let theirs = try await GraphQLTests.run(client, query, variables: variables, session: bob)
            #expect(theirs.data["document"] is NSNull && theirs.data["entity"] is NSNull, "\(theirs.data)")
            #expect((theirs.data["entities"] as? [Any])?.isEmpty == true)

            // Deleting the document takes its entities with it.
            try await client.execute(uri: "/v1/documents/\(id)", method: .delete, headers: ada.auth) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: path, method: .get, headers: ada.auth) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/graph/entities", method: .get, headers: ada.auth) { response in
                let entities = try JSON.object(response)["entities"] as? [Any]
                #expect(entities?.isEmpty == true)
            }
            if let entitiesInGraphDatabase {
                #expect(try await entitiesInGraphDatabase() == 0, "the delete reached the graph database: no orphan node")
            }
        }
    }
}
