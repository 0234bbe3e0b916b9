import Foundation
import Logging

/// Resolves the JWT signing secret: the configured one, else one generated once and kept
/// (mode 0600) in the data directory so that tokens survive restarts.
enum JWTSecretStore {
    static func resolve(configured: String?, dataDirectory: String, logger: Logger) throws -> String {
        if let configured, !configured.isEmpty {
            guard configured.utf8.count >= 32 else {
                throw ConfigurationError("JWT_SECRET must be at least 32 bytes long.")
            }
            return configured
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
