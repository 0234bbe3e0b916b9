import Foundation
import Hummingbird
import ServerSupport
import Storage

/// `GET /v1/me` and `PATCH /v1/me`: the signed-in person's account as the web client's profile
/// page shows it — email, joined date, document count, theme (kept per user) and social links.
struct ProfileController: Sendable {
    let users: any UserRepository & AccountRepository
    let documents: any DocumentRepository

    /// The five networks of DocuThinker's original profile page, with the host a pasted profile URL has.
    static let networks: [(name: String, host: String)] = [
        ("github", "github.com"), ("linkedin", "linkedin.com"), ("facebook", "facebook.com"),
        ("instagram", "instagram.com"), ("twitter", "x.com"),
    ]
    static let themes: Set<String> = ["system", "light", "dark"]

    struct ProfileDTO: Encodable {
        var id: String
        var email: String
        var createdAt: Date
        var theme: String
        var socialLinks: [String: String]
        var documentCount: Int
    }

    struct ProfileUpdate: Decodable {
        var theme: String?
        /// Handles or profile URLs; an empty string removes one. Networks left out stay as they are.
        var socialLinks: [String: String]?
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("me", use: show)
        group.patch("me", use: update)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONIO.response(try await profile(of: try await users.signedInUser(context)))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await users.signedInUser(context)
        let body = try await JSONIO.decode(ProfileUpdate.self, from: request)
        let theme = body.theme ?? user.theme
        guard Self.themes.contains(theme) else {
            throw APIError.validation("The theme must be system, light or dark.", field: "theme")
        }
        var links = user.socialLinks
        for (network, raw) in body.socialLinks ?? [:] {
            guard let host = Self.networks.first(where: { $0.name == network })?.host else {
                throw APIError.validation("Unknown network \(network); use github, linkedin, facebook, instagram or twitter.",
                                          field: "socialLinks")
            }
            links[network] = try Self.handle(from: raw, host: host, field: "socialLinks." + network)
        }
        guard let updated = try await users.updateProfile(userId: user.id, theme: theme, socialLinks: links) else {
            throw APIError.accountGone
        }
        return try JSONIO.response(try await profile(of: updated))
    }

    private func profile(of user: UserRecord) async throws -> ProfileDTO {
        let count = try await documents.documents(ownerId: user.id, limit: 1, offset: 0).total
        return ProfileDTO(id: user.id, email: user.email, createdAt: user.createdAt, theme: user.theme,
                          socialLinks: user.socialLinks, documentCount: count)
    }

    /// The handle in `ada`, `@ada`, `github.com/ada` or `https://www.linkedin.com/in/ada/`; nil for an empty value.
    static func handle(from raw: String, host: String, field: String) throws -> String? {
        var value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return nil }
        let lowered = value.lowercased()
        let hosts = [host, "www." + host] + (host == "x.com" ? ["twitter.com", "www.twitter.com"] : [])
        for prefix in ["https://", "http://", ""] {
            if let match = hosts.first(where: { lowered.hasPrefix(prefix + $0 + "/") }) {
                let path = value.dropFirst(prefix.count + match.count + 1).split(separator: "/")
                    .filter { !["in", "u"].contains($0.lowercased()) }
                value = path.first.map(String.init) ?? ""
                break
            }
        }
        if value.hasPrefix("@") { value.removeFirst() }
        value = String(value.prefix { $0 != "?" && $0 != "#" })
        guard (1...100).contains(value.count),
              value.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }) else {
            throw APIError.validation("Enter a user name (letters, digits, . _ -) or the address of your \(host) profile.", field: field)
        }
        return value
    }
}
