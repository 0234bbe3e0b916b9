import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing and verification, run on NIO's blocking thread pool (never the event loop).
public struct PasswordHasher: Sendable {
    public let cost: Int
    /// A valid hash to verify against when the account does not exist, so that unknown emails
    /// take as long as wrong passwords.
    private let decoy: String

    public init(cost: Int) {
        self.cost = cost
        decoy = Bcrypt.hash("decoy-password-for-timing", cost: UInt8(cost))
    }

    public func hash(_ password: String) async throws -> String {
        let cost = UInt8(cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Verifies `password` against `hash`, or against a decoy when `hash` is nil (always false).
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? decoy
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && hash != nil
    }
}
