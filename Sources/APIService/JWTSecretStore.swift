import Foundation
import Logging

/// Resolves the JWT signing secret: the configured one, else one generated once and kept
/// (mode 0600) in the data directory so that tokens survive restarts. With a shared database
/// (`sharedStore`) the secret must be configured: every process behind the load balancer has to
/// sign and verify with the same one, and none of them keeps state on its own disk.
enum JWTSecretStore {
    static func resolve(configured: String?, dataDirectory: String, sharedStore: Bool = false, logger: Logger) throws -> String {
        if let configured, !configured.isEmpty {
            guard configured.utf8.count >= 32 else {
                throw ConfigurationError("JWT_SECRET must be at least 32 bytes long.")
            }
            return configured
        }
        if sharedStore {
            throw ConfigurationError(
                "JWT_SECRET is required with DATABASE_URL: every process sharing the database must sign tokens with the same secret "
                    + "(at least 32 bytes, e.g. `openssl rand -base64 48`; on ECS it comes from Secrets Manager).")
        }
        let path = dataDirectory + "/jwt-secret"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           existing.utf8.count >= 32 {
            return existing
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
        FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        logger.warning("JWT_SECRET is not set; generated one and saved it in the data directory", metadata: ["path": .string(path)])
        return secret
    }
}

/// A configuration value that prevents start-up.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
