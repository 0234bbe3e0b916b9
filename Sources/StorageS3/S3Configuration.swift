public import Foundation

/// Where and how original files are kept in S3 (or an S3-compatible server).
public struct S3Configuration: Sendable, Hashable {
    /// `S3_BUCKET`.
    public var bucket: String
    /// `AWS_REGION` (default `us-east-1`): the signing region.
    public var region: String
    /// `S3_ENDPOINT`: an S3-compatible server (MinIO, moto, LocalStack), addressed path-style
    /// (`endpoint/bucket/key`); unset: AWS itself, virtual-hosted (`bucket.s3.region.amazonaws.com`).
    public var endpoint: URL?
    /// `S3_SSE` (`aws:kms` or `AES256`): server-side encryption asked for on every upload;
    /// `S3_SSE_KMS_KEY_ID`: the KMS key with `aws:kms` (else the bucket's default key).
    public var serverSideEncryption: String?
    public var kmsKeyId: String?
    /// Files larger than this go up in parts of `partSize` bytes (multipart upload); S3 needs parts
    /// of at least 5 MiB (except the last).
    public var multipartThreshold: Int
    public var partSize: Int

    public init(bucket: String, region: String = "us-east-1", endpoint: URL? = nil, serverSideEncryption: String? = nil,
                kmsKeyId: String? = nil, multipartThreshold: Int = 16 << 20, partSize: Int = 8 << 20) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
        self.serverSideEncryption = serverSideEncryption
        self.kmsKeyId = kmsKeyId
        self.multipartThreshold = multipartThreshold
        self.partSize = max(5 << 20, partSize)
    }

    /// The URL of an object (or of the bucket with an empty key), query included.
    func url(key: String, query: String? = nil) -> URL {
        let path = key.isEmpty ? "" : "/" + key.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.encodeSegment(String($0)) }.joined(separator: "/")
        let base: String
        if let endpoint {
            base = endpoint.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + bucket
        } else {
            base = "https://\(bucket).s3.\(region).amazonaws.com"
        }
        let suffix = query.map { "?" + $0 } ?? ""
        return URL(string: base + (path.isEmpty ? "/" : path) + suffix)!
    }

    private static func encodeSegment(_ segment: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        allowed.remove("/")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
