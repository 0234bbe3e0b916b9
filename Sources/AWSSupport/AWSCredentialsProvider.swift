import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// AWS credentials from the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`) or, on ECS, from the task-role endpoint
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`), refreshed before they expire.
public actor AWSCredentialsProvider {
    private let environment: [String: String]
    private let client: HTTPClient
    private let endpointBase: String
    private let timeout: TimeAmount
    private var cached: (credentials: SigV4.Credentials, expires: Date)?

    /// - Parameter timeout: how long one request to the task-role endpoint may take.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, client: HTTPClient = .shared,
                endpointBase: String = "http://169.254.170.2", timeout: TimeAmount = .seconds(5)) {
        self.environment = environment
        self.timeout = timeout
        self.endpointBase = endpointBase
        self.client = client
    }

    public func credentials() async throws -> SigV4.Credentials {
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty, !secret.isEmpty {
            return SigV4.Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        }
        if let cached, cached.expires.timeIntervalSinceNow > 300 { return cached.credentials }
        guard let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] else {
            throw AWSCredentialsError("No AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or run with an ECS task role.")
        }
        let status: UInt, body: ByteBuffer
        do {
            let response = try await client.execute(HTTPClientRequest(url: endpointBase + relative), timeout: timeout)
            status = response.status.code
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw AWSCredentialsError("The ECS credentials endpoint could not be reached (\(error)).")
        }
        guard status < 300, let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let id = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String else {
            throw AWSCredentialsError("The ECS credentials endpoint did not return credentials (\(status)).")
        }
        let credentials = SigV4.Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: object["Token"] as? String)
        let expires = (object["Expiration"] as? String).flatMap { try? Date($0, strategy: .iso8601) } ?? Date().addingTimeInterval(900)
        cached = (credentials, expires)
        return credentials
    }
}

/// No credentials could be found or fetched; the message says where they were looked for.
public struct AWSCredentialsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
