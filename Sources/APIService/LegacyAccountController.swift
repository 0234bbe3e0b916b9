import Foundation
import Hummingbird
import Logging
import ServerSupport
import Storage

/// DocuThinker's original account routes (`backend-spec.md` §1.1) with its paths and field names,
/// made safe: every route but register, login and forgot-password needs a signed-in caller; a
/// `userId` (path or body) that is not the caller answers 404; changing the email needs the
/// password, changing the password needs the current one, and a reset needs the mailed token.
struct LegacyAccountController: Sendable {
    let auth: AuthController
    let users: any UserRepository & AccountRepository

    func addPublicRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("register", use: register)
        router.post("login", use: login)
        router.post("forgot-password", use: forgotPassword)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("verify-email", use: verifyEmail)
        group.post("update-email", use: updateEmail)
        group.post("update-password", use: updatePassword)
        group.put("update-theme", use: updateTheme)
        group.get("users/:userId") { request, context in
            struct Email: Encodable { var message = "User email retrieved"; var email: String }
            return try JSONIO.response(Email(email: try await caller(context).email))
        }
        group.get("user-joined-date/:userId") { request, context in
            struct Joined: Encodable { var message = "User joined date retrieved"; var joinedDate: Date }
            return try JSONIO.response(Joined(joinedDate: try await caller(context).createdAt))
        }
        group.get("days-since-joined/:userId") { request, context in
            struct Days: Encodable { var message = "Days since user joined retrieved"; var days: Int }
            let user = try await caller(context)
            return try JSONIO.response(Days(days: max(0, Int(Date.now.timeIntervalSince(user.createdAt) / 86_400))))
        }
        group.get("social-media/:userId") { request, context in
            try JSONIO.response(SocialMedia(message: "Social media links retrieved successfully", links: try await caller(context).socialLinks))
        }
        group.post("update-social-media", use: updateSocialMedia)
    }

    /// The five links, `""` when unset (the original's `socialMedia` object).
    struct SocialMedia: Encodable {
        var message: String
        var socialMedia: [String: String]

        init(message: String, links: [String: String]) {
            self.message = message
            socialMedia = Dictionary(uniqueKeysWithValues: ProfileController.networks.map { ($0.name, links[$0.name] ?? "") })
        }
    }

    struct Message: Encodable { var message: String }

    /// The signed-in user, when `userId` (the path's, or the body's when given) is theirs; else 404.
    func caller(_ context: AppRequestContext, userId: String? = nil) async throws -> UserRecord {
        let user = try await users.signedInUser(context)
        guard (userId ?? context.parameters.get("userId") ?? user.id) == user.id else { throw Self.userNotFound }
        return user
    }

    static let userNotFound = APIError(.notFound, code: "user_not_found", message: "User not found.")

    // MARK: Public

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Registered: Encodable { var message = "User registered successfully"; var userId: String }
        let body = try await JSONIO.decode(AuthController.Credentials.self, from: request)
        switch try await auth.signUp(body, request: request, context: context) {
        case .created(let user): return try JSONIO.response(Registered(userId: user.id), status: .created)
        case .confirmationSent: return try JSONIO.response(AuthController.ConfirmationSent(), status: .accepted, identical: true)
        }
    }

    /// `{message, customToken, userId}` as the original, plus the token pair of `/v1/auth/login`:
    /// `customToken` is the access token (a bearer token for every other route).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct LoggedIn: Encodable {
            var message = "Custom token generated"
            var customToken: String
            var userId: String
        }
        let body = try await JSONIO.decode(AuthController.Credentials.self, from: request)
        let tokens = try await auth.issue(for: try await auth.authenticate(body, request: request, context: context))
        return try JSONIO.response(AuthController.TokensWith(fields: LoggedIn(customToken: tokens.accessToken, userId: tokens.user.id), tokens: tokens))
    }

    /// `{email}` mails a reset link (202, the same answer whether or not the account exists);
    /// `{token, newPassword}` sets the password with a link's token (the original set it from the
    /// email alone).
    @Sendable func forgotPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var email: String?; var token: String?; var newPassword: String? }
        try await auth.limits.countAddress(request, context: context)
        let body = try await JSONIO.decode(Input.self, from: request)
        if let token = body.token {
            guard let password = body.newPassword else {
                throw APIError.validation("Choose a new password.", field: "newPassword")
            }
            try AuthController.validatePassword(password)
            guard try await auth.resetPassword(token: token, to: password, context: context) else {
                throw AuthController.invalidResetToken
            }
            return try JSONIO.response(Message(message: "Password updated successfully."))
        }
        guard let email = body.email?.trimmingCharacters(in: .whitespaces).lowercased(), !email.isEmpty else {
            throw APIError.validation("Email is required.", field: "email")
        }
        try await auth.sendResetLink(email: email, context: context)
        return try JSONIO.response(Message(message: AuthController.ResetRequested().message), status: .accepted)
    }

    // MARK: Signed in

    /// `{email}` → the caller's `uid` when the email is theirs; 404 otherwise (no account lookup
    /// for other people's addresses).
    @Sendable func verifyEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var email: String? }
        struct Verified: Encodable { var message = "Email verified"; var uid: String }
        let body = try await JSONIO.decode(Input.self, from: request)
        guard let email = body.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty else {
            throw APIError.validation("Email is required.", field: "email")
        }
        let user = try await users.signedInUser(context)
        guard email.lowercased() == user.email.lowercased() else { throw Self.userNotFound }
        return try JSONIO.response(Verified(uid: user.id))
    }

    @Sendable func updateEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String?; var newEmail: String; var password: String }
        struct Updated: Encodable { var message = "Email updated successfully"; var email: String }
        let body = try await JSONIO.decode(Input.self, from: request)
        let user = try await caller(context, userId: body.userId)
        try await checkPassword(body.password, of: user, field: "password", request: request, context: context)
        let email = try AuthController.validatedEmail(body.newEmail)
        do {
            guard let updated = try await users.updateEmail(userId: user.id, email: email) else { throw APIError.accountGone }
            context.logger.info("email changed", metadata: ["user_id": .string(user.id)])
            return try JSONIO.response(Updated(email: updated.email))
        } catch let error as StorageError where error.code == .conflict {
            throw APIError(.conflict, code: "email_taken", message: "An account with this email already exists.")
        }
    }

    /// Needs the current password; ends every other session, like `POST /v1/me/password`.
    @Sendable func updatePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String?; var currentPassword: String; var newPassword: String }
        let body = try await JSONIO.decode(Input.self, from: request)
        let user = try await caller(context, userId: body.userId)
        try await checkPassword(body.currentPassword, of: user, field: "currentPassword", request: request, context: context)
        try AuthController.validatePassword(body.newPassword)
        try await auth.setPassword(userId: user.id, to: body.newPassword)
        context.logger.info("password changed", metadata: ["user_id": .string(user.id)])
        return try JSONIO.response(Message(message: "Password updated successfully"))
    }

    @Sendable func updateTheme(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userId: String?; var theme: String }
        struct Updated: Encodable { var message = "Theme updated successfully."; var theme: String }
        let body = try await JSONIO.decode(Input.self, from: request)
        let user = try await caller(context, userId: body.userId)
        guard ProfileController.themes.contains(body.theme) else {
            throw APIError.validation("The theme must be light, dark or system.", field: "theme")
        }
        guard let updated = try await users.updateProfile(userId: user.id, theme: body.theme, socialLinks: user.socialLinks) else {
            throw APIError.accountGone
        }
        return try JSONIO.response(Updated(theme: updated.theme))
    }

    /// Flat fields (`github`, `linkedin`, `facebook`, `instagram`, `twitter`) merged with the
    /// stored ones; each a handle or a profile address, `""` to remove it.
    @Sendable func updateSocialMedia(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable {
            var userId: String?
            var github: String?, linkedin: String?, facebook: String?, instagram: String?, twitter: String?
            var links: [String: String?] {
                ["github": github, "linkedin": linkedin, "facebook": facebook, "instagram": instagram, "twitter": twitter]
            }
        }
        let body = try await JSONIO.decode(Input.self, from: request)
        let user = try await caller(context, userId: body.userId)
        var links = user.socialLinks
        for (name, host) in ProfileController.networks {
            guard let raw = body.links[name] ?? nil else { continue }
            links[name] = try ProfileController.handle(from: raw, host: host, field: name)
        }
        guard let updated = try await users.updateProfile(userId: user.id, theme: user.theme, socialLinks: links) else {
            throw APIError.accountGone
        }
        return try JSONIO.response(SocialMedia(message: "Social media links updated successfully", links: updated.socialLinks))
    }

    /// A wrong password is a 400 that counts against the address and the account (429 after too many).
    private func checkPassword(_ password: String, of user: UserRecord, field: String, request: Request,
                               context: AppRequestContext) async throws {
        try await auth.limits.checkAccount(user.email, context: context)
        guard try await auth.hasher.verify(password, hash: user.passwordHash) else {
            await auth.limits.failed(request, context: context, account: user.email)
            throw APIError(.badRequest, code: "invalid_password", message: "The password is incorrect.", details: ["field": field])
        }
    }
}
