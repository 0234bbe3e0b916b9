import AsyncHTTPClient
import AWSSupport
import Crypto
public import Foundation
import Logging
public import NIOCore
import NIOHTTP1
public import Storage

/// Original files in S3: a small hand-written client (SigV4 from `AWSSupport`; no AWS SDK is
/// available here) for the five calls the product makes — PUT, multipart upload, GET (whole or
/// streamed), DELETE and HEAD bucket. Uploads read the staged file a part at a time, so memory
/// stays at one part (8 MiB) whatever the file's size, and the staged file is deleted once stored.
public struct S3ObjectStore: ObjectStore, ReadinessCheck {
    public let configuration: S3Configuration
    private let signer: SigV4
    private let credentials: @Sendable () async throws -> SigV4.Credentials
    private let client: HTTPClient

    /// `credentials`: e.g. `AWSCredentialsProvider().credentials` (environment or ECS task role).
    public init(configuration: S3Configuration, client: HTTPClient = .shared,
                credentials: @escaping @Sendable () async throws -> SigV4.Credentials) {
        self.configuration = configuration
        signer = SigV4(region: configuration.region, service: "s3")
        self.credentials = credentials
        self.client = client
    }

    public func localPath(for key: String) -> String? { nil }

    public func put(key: String, movingFileAt file: String) async throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        if size <= configuration.multipartThreshold {
            let body = try handle.readToEnd() ?? Data()
            _ = try await send("PUT", key: key, body: body, headers: encryptionHeaders())
        } else {
            try await multipartUpload(key: key, handle: handle)
        }
        try? FileManager.default.removeItem(atPath: file)
    }

    private func multipartUpload(key: String, handle: FileHandle) async throws {
        let created = try await send("POST", key: key, query: "uploads", headers: encryptionHeaders())
        guard let uploadId = Self.xmlValue("UploadId", in: created.body) else {
            throw StorageError(.unavailable, "S3 did not start the multipart upload of \(key) (no UploadId in its answer).")
        }
        let upload = "uploadId=" + SigV4.encode(uploadId)
        do {
            var etags: [String] = []
            while let part = try handle.read(upToCount: configuration.partSize), !part.isEmpty {
                let answer = try await send("PUT", key: key, query: "partNumber=\(etags.count + 1)&" + upload, body: part)
                guard let etag = answer.headers.first(name: "etag") else {
                    throw StorageError(.unavailable, "S3 answered part \(etags.count + 1) of \(key) without an ETag.")
                }
                etags.append(etag)
            }
            let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\($0.element)</ETag></Part>" }
            let body = Data(("<CompleteMultipartUpload>" + parts.joined() + "</CompleteMultipartUpload>").utf8)
            let completed = try await send("POST", key: key, query: upload, body: body)
            // S3 may answer 200 with an error document when completing fails.
            if let code = Self.xmlValue("Code", in: completed.body) {
                throw StorageError(.unavailable, "S3 could not complete the upload of \(key): \(code).")
            }
        } catch {
            _ = try? await send("DELETE", key: key, query: upload)
            throw error
        }
    }

    public func read(key: String, maxBytes: Int) async throws -> Data {
        let answer = try await send("GET", key: key, maxBytes: maxBytes)
        return answer.body
    }

    public func stream(key: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await execute("GET", key: key, query: nil, body: Data(), headers: [:])
                    guard (200..<300).contains(response.status.code) else {
                        let body = try await response.body.collect(upTo: 64 << 10)
                        throw Self.error(status: response.status.code, body: Data(body.readableBytesView), key: key, bucket: configuration.bucket)
                    }
                    for try await part in response.body {
                        try Task.checkCancellation()
                        continuation.yield(part)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func delete(key: String) async throws {
        do {
            _ = try await send("DELETE", key: key)
        } catch let error as StorageError where error.code == .notFound {}
    }

    /// HEAD bucket: the bucket exists and these credentials may use it.
    public func ping() async throws {
        do {
            _ = try await send("HEAD", key: "")
        } catch let error as StorageError where error.code == .notFound {
            throw StorageError(.unavailable, "The S3 bucket \(configuration.bucket) does not exist (S3_BUCKET).")
        }
    }

    /// Creates the bucket (development servers and tests; deployments create it in their template).
    public func createBucket() async throws {
        let body = configuration.region == "us-east-1" ? Data() : Data("""
            <CreateBucketConfiguration><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>
            """.utf8)
        _ = try await send("PUT", key: "", body: body)
    }

    // MARK: Requests

    private func encryptionHeaders() -> [String: String] {
        guard let mode = configuration.serverSideEncryption else { return [:] }
        var headers = ["x-amz-server-side-encryption": mode]
        if mode == "aws:kms", let key = configuration.kmsKeyId { headers["x-amz-server-side-encryption-aws-kms-key-id"] = key }
        return headers
    }

    /// A request whose answer is read whole (at most `maxBytes`); a non-2xx answer throws.
    private func send(_ method: String, key: String, query: String? = nil, body: Data = Data(), headers: [String: String] = [:],
                      maxBytes: Int = 1 << 20) async throws -> (headers: HTTPHeaders, body: Data) {
        let response = try await execute(method, key: key, query: query, body: body, headers: headers)
        let collected: ByteBuffer
        do {
            collected = try await response.body.collect(upTo: max(maxBytes, 64 << 10))
        } catch is NIOTooManyBytesError {
            throw StorageError(.invalid, "The stored object \(key) is larger than \(maxBytes) bytes.")
        }
        let data = Data(collected.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            throw Self.error(status: response.status.code, body: data, key: key, bucket: configuration.bucket)
        }
        if data.count > maxBytes { throw StorageError(.invalid, "The stored object \(key) is larger than \(maxBytes) bytes.") }
        return (response.headers, data)
    }

    private func execute(_ method: String, key: String, query: String?, body: Data, headers: [String: String]) async throws -> HTTPClientResponse {
        let url = configuration.url(key: key, query: query)
        let payloadHash = SigV4.hex(SHA256.hash(data: body))
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        var all = headers
        if !body.isEmpty || method == "PUT" || method == "POST" { all["content-length"] = String(body.count) }
        let signed: [String: String]
        do {
            signed = signer.sign(method: method, url: url, headers: all, body: body, credentials: try await credentials(), date: Date(),
                                 includeContentHash: true, payloadHash: payloadHash)
        } catch let error as AWSCredentialsError {
            throw StorageError(.unavailable, "S3: \(error.message)")
        }
        for (name, value) in all.merging(signed, uniquingKeysWith: { $1 }) { request.headers.replaceOrAdd(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await client.execute(request, timeout: .seconds(120))
        } catch {
            throw StorageError(.unavailable, "S3 (\(url.host ?? "")) cannot be reached: \(error).")
        }
    }

    /// A typed error from S3's XML error document.
    static func error(status: UInt, body: Data, key: String, bucket: String) -> StorageError {
        let code = xmlValue("Code", in: body) ?? "HTTP \(status)"
        let message = xmlValue("Message", in: body).map { ": \($0)" } ?? ""
        switch (status, code) {
        case (404, "NoSuchBucket"):
            return StorageError(.unavailable, "The S3 bucket \(bucket) does not exist (S3_BUCKET)\(message).")
        case (404, _):
            return StorageError(.notFound, "No stored object \(key).")
        case (403, _):
            return StorageError(.unavailable, "S3 refused access to \(bucket) (\(code))\(message); check the credentials or the task role's policy.")
        default:
            return StorageError(.unavailable, "S3 answered \(status) \(code)\(message).")
        }
    }

    /// The text of the first `<name>` element (S3's answers are small, flat XML documents).
    static func xmlValue(_ name: String, in data: Data) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
