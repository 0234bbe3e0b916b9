/// The web client's files as SwiftPM compiles them in (`PackageResources`, from the `embedInCode`
/// resources that Package.swift lists). A file added to `static/` or `templates/` is added there and here.
enum EmbeddedFiles {
    static let staticFiles: [String: [UInt8]] = [
        "app.css": PackageResources.app_css,
        "theme.js": PackageResources.theme_js,
        "app.js": PackageResources.app_js,
        "landing.js": PackageResources.landing_js,
        "library.js": PackageResources.library_js,
        "upload.js": PackageResources.upload_js,
        "document.js": PackageResources.document_js,
        "source_view.js": PackageResources.source_view_js,
        "chat_panel.js": PackageResources.chat_panel_js,
        "chat.js": PackageResources.chat_js,
        "profile.js": PackageResources.profile_js,
        "charts.js": PackageResources.charts_js,
        "graphql.js": PackageResources.graphql_js,
        "passkeys.js": PackageResources.passkeys_js,
        "logo.svg": PackageResources.logo_svg,
        "graph_view.js": PackageResources.graph_view_js,
        "entity.js": PackageResources.entity_js,
        "graph_llm.js": PackageResources.graph_llm_js,
    ]

    static let templates: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache,
        "landing": PackageResources.landing_mustache,
        "library": PackageResources.library_mustache,
        "upload": PackageResources.upload_mustache,
        "document": PackageResources.document_mustache,
        "chat": PackageResources.chat_mustache,
        "profile": PackageResources.profile_mustache,
        "reset": PackageResources.reset_mustache,
        "notfound": PackageResources.notfound_mustache,
        "entity": PackageResources.entity_mustache,
    ]
}
