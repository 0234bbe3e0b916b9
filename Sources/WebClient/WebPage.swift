import Foundation

/// The pages of the web client: where each is served, its template, title and script.
enum WebPage: String, CaseIterable, Sendable {
    case landing, library, upload, document, entity, chat, profile, reset, notFound

    /// Every page with a route of its own (the not-found page answers unknown `/app/…` paths).
    static let all: [WebPage] = [.landing, .library, .upload, .document, .entity, .chat, .profile, .reset]

    var path: String {
        switch self {
        case .landing: ""
        case .library: "app"
        case .upload: "app/upload"
        case .document: "app/documents/:id"
        case .entity: "app/entities/:id"
        case .chat: "app/chat"
        case .profile: "app/profile"
        case .reset: "reset-password"
        case .notFound: "app/**"
        }
    }

    var template: String {
        switch self {
        case .notFound: "notfound"
        default: rawValue
        }
    }

    var title: String {
        switch self {
        case .landing: "DocuThinker — answers from your documents"
        case .library: "Library · DocuThinker"
        case .upload: "Upload · DocuThinker"
        case .document: "Document · DocuThinker"
        case .entity: "Entity · DocuThinker"
        case .chat: "Chat · DocuThinker"
        case .profile: "Profile · DocuThinker"
        case .reset: "Reset your password · DocuThinker"
        case .notFound: "Page not found · DocuThinker"
        }
    }

    /// The page's module in `static/`.
    var script: String? {
        switch self {
        case .landing, .reset: "landing.js"
        case .notFound: nil
        default: rawValue + ".js"
        }
    }

    /// Pages of the signed-in app (their script sends a visitor without a session to `/`).
    var isApp: Bool {
        switch self {
        case .landing, .reset, .notFound: false
        default: true
        }
    }

    /// What the templates read: title, script, the page name and which navigation link is current.
    var values: [String: Any] {
        var values: [String: Any] = ["title": title, "page": rawValue, "isApp": isApp]
        if let script { values["script"] = script }
        let current = self == .document || self == .entity ? "library" : rawValue
        values["nav_" + current] = true
        return values
    }

    /// Entity ids are `type:normalised name` (percent-decoded here): a known type, at most 300 characters.
    static func entityID(_ raw: String) -> String? {
        guard let id = raw.removingPercentEncoding, id.count <= 300, let colon = id.firstIndex(of: ":"),
              ["person", "organisation", "place", "date", "concept"].contains(String(id[..<colon])), id.index(after: colon) < id.endIndex
        else { return nil }
        return id
    }

    /// Document ids are lowercase UUIDs; anything else gets the not-found page.
    static func isDocumentID(_ id: String) -> Bool {
        id.count == 36 && id.unicodeScalars.allSatisfy { ("a"..."f").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
