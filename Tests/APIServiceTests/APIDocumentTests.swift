@testable import APIService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The OpenAPI document is the source of truth: every route the router registers is in it, and
/// everything in it is served.
@Suite("API document")
struct APIDocumentTests {
    /// A router path as OpenAPI writes it: `:id` → `{id}`, a trailing `**` → `{path}`.
    static func openAPIPath(_ path: String) -> String {
        let parts = path.split(separator: "/").map { part -> String in
            if part == "**" { return "{path}" }
            if part.hasPrefix(":") { return "{\(part.dropFirst())}" }
            return String(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let (_, routes) = try await makeApplication(configuration: try TestApp().configuration, logger: logger)
        let registered = Set(routes.map { "\($0.method.rawValue) \(Self.openAPIPath($0.path.description))" })
        let documented = try APIDocument.shared().operations
        #expect(registered.count > 60)
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes the server does not have")
    }

    @Test func theDocumentIsServedAsYAMLJSONAndAPage() async throws {
        try await TestApp().test { client in
            let yaml = try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                return String(buffer: response.body)
            }
            #expect(yaml.hasPrefix("openapi: 3.1.0"))
            let json = try await client.execute(uri: "/openapi.json", method: .get) { try JSON.object($0) }
            #expect(json["openapi"] as? String == "3.1.0")
            let paths = try #require(json["paths"] as? [String: Any])
            let upload = try #require((paths["/v1/documents"] as? [String: Any])?["post"] as? [String: Any])
            #expect((upload["responses"] as? [String: Any])?["201"] != nil, "status keys are strings in JSON")
            #expect(((json["components"] as? [String: Any])?["schemas"] as? [String: Any])?["Error"] != nil)

            for (old, new) in [("/api-docs", "/docs"), ("/swagger.json", "/openapi.json")] {
                try await client.execute(uri: old, method: .get) { response in
                    #expect(response.status == .movedPermanently)
                    #expect(response.headers[.location] == new)
                }
            }
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'none'") == true)
                let page = String(buffer: response.body)
                #expect(!page.contains("<script"), "works without script, offline")
                for (path, item) in paths {
                    for (_, operation) in item as? [String: Any] ?? [:] {
                        guard let id = (operation as? [String: Any])?["operationId"] as? String else { continue }
                        #expect(page.contains("id=\"\(id)\""), "\(path) \(id) on the page")
                    }
                }
            }
        }
    }

    @Test func yamlScalarsBecomeJSONValuesOfTheirType() throws {
        let document = try APIDocument(yaml: Array("""
            openapi: 3.1.0
            paths:
              /x:
                get:
                  responses:
                    200:
                      description: 2024-05-01
            flags: [true, 3, 1.5, ~, "7", no]
            """.utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(document.json)) as? [String: Any])
        let flags = try #require(object["flags"] as? [Any])
        #expect(flags[0] as? Bool == true)
        #expect(flags[1] as? Int == 3)
        #expect(flags[2] as? Double == 1.5)
        #expect(flags[3] is NSNull)
        #expect(flags[4] as? String == "7")
        let response = ((((object["paths"] as? [String: Any])?["/x"] as? [String: Any])?["get"] as? [String: Any])?["responses"] as? [String: Any])?["200"]
        #expect((response as? [String: Any])?["description"] as? String == "2024-05-01", "dates stay strings")
        #expect(document.operations == ["GET /x"])
    }
}
