import Foundation
import Ink

/// `/docs`: the API document as one HTML page, made on the server from the document itself, so
/// it works offline and under the web client's Content-Security-Policy (no script, no CDN).
struct APIReferencePage {
    let document: [String: Any]

    func render() -> String {
        let info = document["info"] as? [String: Any] ?? [:]
        let paths = document["paths"] as? [String: Any] ?? [:]
        var byTag: [String: [(path: String, method: String, operation: [String: Any])]] = [:]
        for (path, item) in paths {
            for (method, operation) in item as? [String: Any] ?? [:] where APIDocument.methods.contains(method) {
                let operation = operation as? [String: Any] ?? [:]
                let tag = (operation["tags"] as? [String])?.first ?? "other"
                byTag[tag, default: []].append((path, method, operation))
            }
        }
        let tagOrder = (document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let tags = tagOrder.filter { byTag[$0] != nil } + byTag.keys.filter { !tagOrder.contains($0) }.sorted()
        var out = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(info["title"] as? String ?? "API")) reference</title>
            <link rel="stylesheet" href="/static/app.css"></head>
            <body><main class="api-docs">
            <h1>\(Self.escape(info["title"] as? String ?? "API")) <small>\(Self.escape(info["version"] as? String ?? ""))</small></h1>
            <p>The machine-readable document: <a href="/openapi.yaml">openapi.yaml</a> · <a href="/openapi.json">openapi.json</a></p>
            \(Self.paragraphs(info["description"] as? String ?? ""))
            <nav><ul>
            """
        for tag in tags { out += "<li><a href=\"#tag-\(Self.escape(tag))\">\(Self.escape(tag))</a> (\(byTag[tag]?.count ?? 0))</li>" }
        out += "</ul></nav>"
        for tag in tags {
            out += "<section id=\"tag-\(Self.escape(tag))\"><h2>\(Self.escape(tag))</h2>"
            for entry in (byTag[tag] ?? []).sorted(by: { ($0.path, $0.method) < ($1.path, $1.method) }) {
                out += operation(entry.path, entry.method, entry.operation)
            }
            out += "</section>"
        }
        out += "<section id=\"schemas\"><h2>Schemas</h2>"
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        for name in schemas.keys.sorted() {
            out += "<h3 id=\"schema-\(Self.escape(name))\">\(Self.escape(name))</h3><pre>\(Self.escape(Self.json(schemas[name] ?? [:])))</pre>"
        }
        return out + "</section></main></body></html>\n"
    }

    private func operation(_ path: String, _ method: String, _ operation: [String: Any]) -> String {
        let id = operation["operationId"] as? String ?? method + path
        var out = "<article id=\"\(Self.escape(id))\"><h3><code>\(method.uppercased())</code> <code>\(Self.escape(path))</code></h3>"
        if let summary = operation["summary"] as? String { out += "<p><strong>\(Self.escape(summary))</strong></p>" }
        if let description = operation["description"] as? String { out += Self.paragraphs(description) }
        let security = operation["security"] as? [Any] ?? document["security"] as? [Any] ?? []
        out += "<p>\(security.isEmpty || security.contains { ($0 as? [String: Any])?.isEmpty == true } && security.count == 1 ? "No authentication." : "Authentication: bearer token or API key.")</p>"
        let parameters = operation["parameters"] as? [[String: Any]] ?? []
        if !parameters.isEmpty {
            out += "<h4>Parameters</h4><ul>"
            for parameter in parameters {
                let name = parameter["name"] as? String ?? (parameter["$ref"] as? String).map(Self.refName) ?? "?"
                out += "<li><code>\(Self.escape(name))</code> (\(Self.escape(parameter["in"] as? String ?? "ref"))"
                    + "\(parameter["required"] as? Bool == true ? ", required" : "")) \(Self.escape(parameter["description"] as? String ?? ""))</li>"
            }
            out += "</ul>"
        }
        if let body = operation["requestBody"] as? [String: Any] {
            out += "<h4>Request body</h4>" + content(body)
        }
        out += "<h4>Responses</h4><ul>"
        for (status, response) in (operation["responses"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let response = response as? [String: Any] ?? [:]
            out += "<li><code>\(Self.escape(status))</code> \(Self.escape(response["description"] as? String ?? (response["$ref"] as? String).map(Self.refName) ?? ""))"
                + content(response) + "</li>"
        }
        return out + "</ul></article>"
    }

    /// The media types of a body and their schemas (a `$ref` links to the schema below).
    private func content(_ holder: [String: Any]) -> String {
        var out = ""
        for (type, media) in (holder["content"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let schema = (media as? [String: Any])?["schema"] ?? [:]
            if let ref = (schema as? [String: Any])?["$ref"] as? String, (schema as? [String: Any])?.count == 1 {
                out += "<p><code>\(Self.escape(type))</code>: <a href=\"#schema-\(Self.escape(Self.refName(ref)))\">\(Self.escape(Self.refName(ref)))</a></p>"
            } else {
                out += "<p><code>\(Self.escape(type))</code></p><pre>\(Self.escape(Self.json(schema)))</pre>"
            }
        }
        return out
    }

    static func refName(_ ref: String) -> String { String(ref.split(separator: "/").last ?? Substring(ref)) }

    static func json(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject([value]),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A description's Markdown as HTML (the document is ours, compiled in: no user text reaches it).
    static func paragraphs(_ text: String) -> String {
        MarkdownParser().html(from: text)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
