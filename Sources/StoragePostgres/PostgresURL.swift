import Foundation
import Storage

/// A parsed `DATABASE_URL` (`postgres://user:password@host:port/database?sslmode=…&sslrootcert=…`),
/// the libpq form RDS and every PostgreSQL tool print. Only the parts DocuThinker uses are read;
/// an unknown `sslmode` or a missing host is an error that names the variable.
public struct PostgresURL: Sendable, Hashable {
    /// libpq's `sslmode` values, with their meaning here.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without verifying the certificate (libpq's default).
        case allow, prefer
        /// TLS always, without verifying the certificate (encrypts, but trusts any server).
        case require
        /// TLS with the certificate verified against the CA bundle; `verify-full` also checks the host name.
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// `sslrootcert`: the CA bundle (PEM) that verifies the server, e.g. RDS's global bundle.
    public var rootCertificatePath: String?

    /// Parses the URL; the error message says what is wrong without repeating the password.
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw StorageError(.invalid, "DATABASE_URL must look like postgres://user:password@host:5432/database (got a value that is not a postgres:// URL).")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StorageError(.invalid, "DATABASE_URL has no host (postgres://user:password@HOST:5432/database).")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StorageError(.invalid, "DATABASE_URL has no user name (postgres://USER:password@host:5432/database).")
        }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        let items = components.queryItems ?? []
        let mode = items.last { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tlsMode = TLSMode(rawValue: mode) else {
            throw StorageError(.invalid, "DATABASE_URL has sslmode=\(mode); use disable, prefer, require, verify-ca or verify-full.")
        }
        self.tlsMode = tlsMode
        rootCertificatePath = items.last { $0.name == "sslrootcert" }?.value
        if tlsMode == .verifyCA || tlsMode == .verifyFull, rootCertificatePath == nil {
            throw StorageError(.invalid, "DATABASE_URL has sslmode=\(mode) but no sslrootcert=/path/to/ca-bundle.pem to verify the server with.")
        }
    }

    /// The URL without its password, for logs and error messages.
    public var redacted: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
    }
}
