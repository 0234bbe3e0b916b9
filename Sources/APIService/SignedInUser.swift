import ServerSupport
import Storage

extension UserRepository {
    /// The signed-in user's account; 401 `invalid_token` when it was deleted after the token was issued.
    func signedInUser(_ context: AppRequestContext) async throws -> UserRecord {
        guard let user = try await user(id: try context.requireUser()) else { throw APIError.accountGone }
        return user
    }
}

extension APIError {
    /// A valid token whose account no longer exists.
    static var accountGone: APIError { .unauthorized("The account no longer exists.", code: "invalid_token") }
}
