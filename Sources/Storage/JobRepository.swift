public import Foundation

/// Where a persisted job stands.
public enum JobState: String, Codable, Sendable, CaseIterable {
    /// Waiting for a worker (new, handed back after a time slice, or released at shutdown).
    case queued
    /// Held by a worker whose lease has not expired; an expired lease makes it claimable again.
    case running
    case succeeded
    case failed
}

/// The stages of ingesting a document, in the order a worker runs them. A job records the
/// stage it is in, so a resumed job continues there (each stage is idempotent).
public enum IngestStage: String, Codable, Sendable, CaseIterable {
    /// Extraction, segmentation and chunking; stores text, pages, blocks, sentences and chunks.
    case extract
    /// Pages without a usable text layer (scans, images) read by OCR, page by page.
    case ocr
    /// The keyword index of the document's chunks.
    case keywords = "keyword-index"
    /// Chunk embeddings for semantic search (the document is `ready` after this stage).
    case embed = "embeddings"
    /// The analyses every document gets (summary, key ideas).
    case analyse = "analyses"
    /// Nothing left to do.
    case done
}

/// One document's ingestion job, with the lease of the worker running it.
public struct JobRecord: Codable, Hashable, Sendable {
    public var id: String
    public var documentId: String
    public var ownerId: String
    public var state: JobState
    public var stage: IngestStage
    /// Progress within the stage (e.g. chunks embedded of all chunks).
    public var done: Int
    public var total: Int
    /// Times the job was taken over after a worker died, or retried after an error.
    public var attempts: Int
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var errorCode: String?
    public var errorMessage: String?
    /// When a worker last took the job; owners served longest ago go first.
    public var servedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, documentId: String, ownerId: String, state: JobState = .queued, stage: IngestStage = .extract,
                done: Int = 0, total: Int = 0, attempts: Int = 0, leaseOwner: String? = nil, leaseExpiresAt: Date? = nil,
                errorCode: String? = nil, errorMessage: String? = nil, servedAt: Date? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.documentId = documentId
        self.ownerId = ownerId
        self.state = state
        self.stage = stage
        self.done = done
        self.total = total
        self.attempts = attempts
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.servedAt = servedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Persisted ingestion jobs with leases: any process may run them, a crashed worker's jobs are
/// taken over when its lease expires, and deleting a document deletes its job (the worker
/// notices at its next lease renewal). Every mutating call names the worker that holds the lease
/// and does nothing (returns false) when that worker no longer holds it.
public protocol JobRepository: Sendable {
    /// The job of a document (any state), or nil.
    func job(documentId: String) async throws -> JobRecord?
    /// Claims the next runnable job — queued, or running under an expired lease — preferring the
    /// owner served longest ago (fair between users), then the oldest job. With `documentId`, only that job.
    func claimJob(worker: String, leaseUntil: Date, now: Date, documentId: String?) async throws -> JobRecord?
    /// Extends the lease; false when the job is gone (its document was deleted) or held by another worker.
    func renewLease(jobId: String, worker: String, until: Date) async throws -> Bool
    /// Records the stage and progress; false when the lease is lost.
    @discardableResult
    func updateJob(jobId: String, worker: String, stage: IngestStage, done: Int, total: Int, at date: Date) async throws -> Bool
    /// Hands a running job back to the queue with its progress (a time slice ended, the worker
    /// stops, or a retryable error with `error` recorded and `attempts` counted).
    func releaseJob(jobId: String, worker: String, error: (code: String, message: String)?, at date: Date) async throws
    /// Ends the job as `succeeded` or `failed` (with the error).
    func finishJob(jobId: String, worker: String, state: JobState, error: (code: String, message: String)?, at date: Date) async throws
    /// Whether a job of another owner than `ownerId` waits to run (a worker then ends its time slice).
    func othersWaiting(ownerId: String, now: Date) async throws -> Bool
    /// How many jobs wait to run (queued, or running under an expired lease): the queue's depth.
    func waitingJobs(now: Date) async throws -> Int
}
