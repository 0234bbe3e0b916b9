import AsyncHTTPClient
import AWSSupport
import Foundation
import NIOCore
import NIOHTTP1
import Storage
import StoreTestSupport
import StorageS3
import Testing

/// What is particular to S3 (against moto's real S3 server): multipart uploads, encryption
/// headers, size limits, a missing bucket. The `ObjectStore` contract itself is in the conformance suite.
@Suite("S3 object store", .enabled(if: TestPostgres.available))
struct S3ObjectStoreTests {
    /// A staged file of `count` random bytes.
    static func staged(_ count: Int) throws -> (path: String, bytes: Data) {
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let path = NSTemporaryDirectory() + "dt-s3-" + UUID().uuidString
        try bytes.write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test func largeFilesGoUpInPartsAndComeBackWhole() async throws {
        let store = try await TestS3.newStore(multipartThreshold: 6 << 20)
        let (path, bytes) = try Self.staged(12 << 20 + 12_345)
        try await store.put(key: "owner/big", movingFileAt: path)
        #expect(!FileManager.default.fileExists(atPath: path), "the staged file is deleted once stored")
        var joined = Data()
        for try await part in store.stream(key: "owner/big") { joined.append(contentsOf: part.readableBytesView) }
        #expect(joined.count == bytes.count && joined == bytes, "three 5 MiB parts joined in order")
        let tooSmall = await #expect(throws: StorageError.self) { _ = try await store.read(key: "owner/big", maxBytes: 1 << 20) }
        #expect(tooSmall?.code == .invalid, "a read never holds more than it was allowed")
        try await store.delete(key: "owner/big")
        let gone = await #expect(throws: StorageError.self) { _ = try await store.read(key: "owner/big", maxBytes: 100) }
        #expect(gone?.code == .notFound)
    }

    @Test func uploadsAskForServerSideEncryptionWhenConfigured() async throws {
        let plain = try await TestS3.newStore()
        let credentials = TestS3.credentials
        let store = S3ObjectStore(configuration: S3Configuration(bucket: plain.configuration.bucket, endpoint: plain.configuration.endpoint,
                                                                 serverSideEncryption: "AES256"),
                                  credentials: { credentials })
        let (path, _) = try Self.staged(1_000)
        try await store.put(key: "owner/encrypted", movingFileAt: path)
        // A GET of our own answers with the encryption the object was stored with.
        let url = try #require(plain.configuration.endpoint).absoluteString + "/" + plain.configuration.bucket + "/owner/encrypted"
        var request = HTTPClientRequest(url: url)
        let signed = SigV4(region: "us-east-1", service: "s3").sign(
            method: "GET", url: try #require(URL(string: url)), headers: [:], body: Data(), credentials: credentials, date: Date(),
            includeContentHash: true)
        for (name, value) in signed { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 200)
        #expect(response.headers.first(name: "x-amz-server-side-encryption") == "AES256")
    }

    @Test func aMissingBucketIsAClearStartUpError() async throws {
        let existing = try await TestS3.newStore()
        let credentials = TestS3.credentials
        let store = S3ObjectStore(configuration: S3Configuration(bucket: "dt-missing-" + UUID().uuidString.lowercased(),
                                                                 endpoint: existing.configuration.endpoint),
                                  credentials: { credentials })
        let error = await #expect(throws: StorageError.self) { try await store.ping() }
        #expect(error?.code == .unavailable && error?.message.contains("does not exist") == true, "\(error?.message ?? "")")
        try await existing.ping()
    }
}
