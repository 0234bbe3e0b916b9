import GraphQL

/// `GET /graphql`: a small explorer that works offline. The query, variables and the answer are
/// plain text areas; the script is the web client's `/static/graphql.js` (the page has no inline
/// script, so the web client's Content-Security-Policy holds); the schema is printed beside them.
struct GraphQLExplorerPage: Sendable {
    let sdl: String
    let html: String

    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    init(schema: GraphQLSchema) {
        sdl = printSchema(schema: schema)
        let example = """
            query Library {
              me { email documentCount }
              documents(limit: 5) {
                id title status pageCount
                summary
                analysis(kind: "key-ideas") { items { text citations { page start end quote } } }
              }
            }
            """
        html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>DocuThinker GraphQL explorer</title>
            <link rel="stylesheet" href="/static/app.css"></head>
            <body><main class="graphql-explorer">
            <h1>GraphQL explorer</h1>
            <p>Runs against <code>POST /graphql</code> with your session from this browser (log in on <a href="/">the landing page</a>)
            or with a token or API key pasted below. The schema is at the bottom and at <a href="/graphql/schema">/graphql/schema</a>.</p>
            <form id="graphql-form">
            <label for="graphql-token">Bearer token or API key (optional when signed in)</label>
            <input id="graphql-token" name="token" type="password" autocomplete="off">
            <label for="graphql-query">Query</label>
            <textarea id="graphql-query" name="query" rows="14" spellcheck="false">\(Self.escape(example))</textarea>
            <label for="graphql-variables">Variables (JSON)</label>
            <textarea id="graphql-variables" name="variables" rows="3" spellcheck="false">{}</textarea>
            <button type="submit" class="button primary">Run</button>
            </form>
            <h2>Answer</h2>
            <pre id="graphql-result" aria-live="polite"></pre>
            <h2>Schema</h2>
            <pre id="graphql-schema">\(Self.escape(sdl))</pre>
            </main><script type="module" src="/static/graphql.js"></script></body></html>

            """
    }

    static func escape(_ text: String) -> String {
        APIReferencePage.escape(text)
    }
}
