@testable import APIService
import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Web client routes")
struct WebClientRouteTests {
    /// The Contract details' page paths render HTML shells that carry no user data and forbid
    /// scripts and styles from anywhere else.
    @Test func everyContractPageRendersWithAStrictPolicy() async throws {
        try await TestApp().test { client in
            let documentId = "0f8fad5b-d9cb-469f-a165-70867728950e"
            let pages: [(String, String, String)] = [
                ("/", "landing.js", "id=\"panel-login\""), ("/app", "library.js", "id=\"documents\""),
                ("/app/upload", "upload.js", "id=\"dropzone\""), ("/app/documents/\(documentId)", "document.js", "data-document-id=\"\(documentId)\""),
                ("/app/chat", "chat.js", "id=\"library-chat\""), ("/app/profile", "profile.js", "id=\"theme-form\""),
                ("/reset-password?token=x", "landing.js", "id=\"reset-form\""),
                ("/app/entities/person%3Aada%20lovelace", "entity.js", "data-entity-id=\"person:ada lovelace\""),
                // Escaped by the template: an id is data, never markup.
                ("/app/entities/concept%3A%3Cb%3E%22x", "entity.js", "data-entity-id=\"concept:&lt;b&gt;&quot;x\""),
            ]
            for (path, script, marker) in pages {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let csp = try #require(response.headers[.contentSecurityPolicy])
                    #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"))
                    #expect(response.headers[.cacheControl] == "no-store")
                    let html = String(buffer: response.body)
                    #expect(html.hasPrefix("<!doctype html>"))
                    #expect(html.contains("<script type=\"module\" src=\"/static/\(script)\"></script>"), "\(path)")
                    #expect(html.contains(marker), "\(path)")
                    #expect(html.contains("data-max-upload-bytes=\"50000000\"") && html.contains("50 MB"))
                    #expect(!html.contains("{{"), "unrendered template tag in \(path)")
                }
            }
        }
    }

    @Test func unknownAppPagesAndBadIdsGetTheNotFoundPage() async throws {
        try await TestApp().test { client in
            for path in ["/app/nowhere", "/app/documents/not-an-id", "/app/documents/%3Cscript%3E", "/app/a/b/c",
                         "/app/entities/no-type", "/app/entities/robot%3Abender"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    let html = String(buffer: response.body)
                    #expect(html.contains("This page wandered off"))
                    #expect(!html.contains("<script>") && !html.contains("data-document-id") && !html.contains("data-entity-id"))
                }
            }
        }
    }

    @Test func staticFilesHaveTypesValidatorsAndNoTraversal() async throws {
        try await TestApp().test { client in
            var etag = ""
            try await client.execute(uri: "/static/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                etag = try #require(response.headers[.eTag])
                #expect(String(buffer: response.body).contains("export async function api("))
            }
            try await client.execute(uri: "/static/app.js", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            for (name, type) in [("app.css", "text/css; charset=utf-8"), ("logo.svg", "image/svg+xml"), ("source_view.js", "text/javascript; charset=utf-8")] {
                try await client.execute(uri: "/static/" + name, method: .get) { response in
                    #expect(response.status == .ok && response.headers[.contentType] == type, "\(name)")
                    #expect(response.body.readableBytes > 200, "\(name)")
                }
            }
            for path in ["/static/missing.js", "/static/..%2Fdocuthinker.sqlite", "/static/%2e%2e%2fjwt-secret", "/static/.env"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                }
            }
        }
    }

    /// Every file the pages load is compiled in, and every module a script imports exists.
    @Test func everyReferencedScriptExists() async throws {
        try await TestApp().test { client in
            var scripts: Set<String> = ["app.js", "theme.js", "landing.js", "library.js", "upload.js", "document.js", "chat.js", "profile.js"]
            var checked: Set<String> = []
            while let name = scripts.subtracting(checked).first {
                checked.insert(name)
                try await client.execute(uri: "/static/" + name, method: .get) { response in
                    #expect(response.status == .ok, "\(name)")
                    let source = String(buffer: response.body)
                    for match in source.matches(of: /from "\.\/([a-z_]+\.js)"/) { scripts.insert(String(match.1)) }
                }
            }
            #expect(checked.contains("source_view.js") && checked.contains("chat_panel.js") && checked.contains("charts.js"))
        }
    }

    /// `DOCUTHINKER_WEB_DIR` serves the files from a directory, read on every request.
    @Test func aWebDirectoryOverridesTheCompiledFiles() async throws {
        let directory = NSTemporaryDirectory() + "dt-web-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/static", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/templates", withIntermediateDirectories: true)
        try "body { color: red }".write(toFile: directory + "/static/app.css", atomically: true, encoding: .utf8)
        try "<p>{{title}} {{maxUploadLabel}}</p>".write(toFile: directory + "/templates/landing.mustache", atomically: true, encoding: .utf8)
        try await TestApp(overrides: ["docuthinker.web.dir": .init(.string(directory), isSecret: false)]).test { client in
            try await client.execute(uri: "/static/app.css", method: .get) { response in
                #expect(String(buffer: response.body) == "body { color: red }")
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body) == "<p>DocuThinker — answers from your documents 50 MB</p>")
            }
            try "<p>changed</p>".write(toFile: directory + "/templates/landing.mustache", atomically: true, encoding: .utf8)
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body) == "<p>changed</p>")
            }
        }
    }
}
