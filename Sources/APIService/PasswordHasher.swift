import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing and verification, run on NIO's blocking thread pool (never the event loop).
public struct PasswordHasher: Sendable {
    public let cost: Int
    /// A well-formed bcrypt hash at the configured cost to verify against when the account does
    /// not exist, so that unknown emails take as long as wrong passwords. bcrypt's work depends
    /// only on the cost field, so a real hash made at the minimum cost (about 1 ms) gets the
    /// configured cost written into it; hashing at cost 12 took 230 ms of every start.
    let decoy: String

    public init(cost: Int) {
        self.cost = cost
        let sample = Bcrypt.hash("decoy-password-for-timing", cost: 4)
        decoy = "$2b$" + (cost < 10 ? "0" : "") + "\(cost)$" + sample.suffix(53)
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
