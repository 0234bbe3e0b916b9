import Configuration
import DocuThinkerCore
import HTTPTypes
import ServerSupport
import Storage

/// What one user's library may hold, checked before an upload is stored: documents, bytes of
/// original files, passages, and ingestion jobs waiting or running at once. Read from
/// `DOCUTHINKER_QUOTA_DOCUMENTS` (10,000), `DOCUTHINKER_QUOTA_BYTES` (10 GB),
/// `DOCUTHINKER_QUOTA_CHUNKS` (2,000,000) and `DOCUTHINKER_QUOTA_ACTIVE_JOBS` (100); 0 lifts a limit.
/// The web and API edges apply it; the operator's `docuthinker ingest` does not.
public struct UploadQuota: Sendable, Hashable {
    public var documents: Int
    public var bytes: Int64
    public var chunks: Int
    public var activeJobs: Int

    public init(documents: Int = 10_000, bytes: Int64 = 10_000_000_000, chunks: Int = 2_000_000, activeJobs: Int = 100) {
        self.documents = documents
        self.bytes = bytes
        self.chunks = chunks
        self.activeJobs = activeJobs
    }

    init(reader: ConfigReader) {
        let standard = UploadQuota()
        documents = max(0, reader.int(forKey: "docuthinker.quota.documents", default: standard.documents))
        bytes = Int64(max(0, reader.int(forKey: "docuthinker.quota.bytes", default: Int(standard.bytes))))
        chunks = max(0, reader.int(forKey: "docuthinker.quota.chunks", default: standard.chunks))
        activeJobs = max(0, reader.int(forKey: "docuthinker.quota.active.jobs", default: standard.activeJobs))
    }

    /// Refuses an upload of `incoming` bytes that would take the library past a limit: 413
    /// `quota_exceeded` (documents, bytes, passages), or 429 `too_many_jobs` while as many documents
    /// as allowed are still being processed.
    func check(_ usage: LibraryUsage, incoming: Int64) throws {
        func full(_ what: String, _ limit: String, variable: String, used: String) -> APIError {
            APIError(.contentTooLarge, code: "quota_exceeded",
                     message: "Your library is full: \(limit) is the limit (\(variable)). Delete documents to make room.",
                     details: ["quota": what, "limit": limit, "used": used])
        }
        if documents > 0, usage.documents >= documents {
            throw full("documents", "\(documents) documents", variable: "DOCUTHINKER_QUOTA_DOCUMENTS", used: "\(usage.documents)")
        }
        if bytes > 0, usage.bytes + incoming > bytes {
            throw full("bytes", "\(bytes) bytes", variable: "DOCUTHINKER_QUOTA_BYTES", used: "\(usage.bytes)")
        }
        if chunks > 0, usage.chunks >= chunks {
            throw full("chunks", "\(chunks) passages", variable: "DOCUTHINKER_QUOTA_CHUNKS", used: "\(usage.chunks)")
        }
        if activeJobs > 0, usage.activeJobs >= activeJobs {
            throw APIError(.tooManyRequests, code: "too_many_jobs",
                           message: "\(usage.activeJobs) of your documents are still being processed; upload more once some are done.",
                           details: ["limit": "\(activeJobs)", "retryAfterSeconds": "10"], headers: [.retryAfter: "10"])
        }
    }
}
