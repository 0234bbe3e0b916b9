import DocuThinkerCore
import Extraction
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import Tracing

/// Runs persisted ingestion jobs: a `Service` of every process that does AI work (`serve`, `ai`,
/// `api` without a separate AI service). Up to `slots` jobs run at once; jobs are claimed from the
/// shared `JobRepository` under a lease renewed every `heartbeat`, so another process takes over
/// a job whose worker died, and a deleted document's job stops within one heartbeat even when
/// another process deleted it. Nothing is held in memory that a crash could lose.
public final class IngestionWorker: Service, Sendable {
    /// How many jobs run, for how long, and how often the queue is read.
    public struct Settings: Sendable {
        /// Jobs run at once (`DOCUTHINKER_INGEST_WORKERS`, default 2).
        public var slots = 2
        /// How long a claimed job stays this worker's without a renewal (`DOCUTHINKER_JOB_LEASE_SECONDS`, default 10).
        public var lease: Duration = .seconds(10)
        public var heartbeat: Duration = .milliseconds(500)
        /// How often the queue is read when nobody wakes the worker (other processes' uploads).
        public var poll: Duration = .seconds(1)
        /// Work on one job before it is handed back when other owners wait.
        public var slice: Duration = .seconds(2)
        /// Failures (not counting stops) before a job and its document are marked failed.
        public var maxAttempts = 3

        public init() {}
    }

    /// This worker's name in the leases it holds.
    public let id = "worker-" + UUID().uuidString.lowercased().prefix(12)
    private let jobs: any JobRepository
    private let documents: any DocumentRepository
    private let pipeline: IngestionPipeline
    private let settings: Settings
    private let logger: Logger
    private let startsAfter: @Sendable () async throws -> Void
    /// Running jobs by document id.
    private let running = Mutex<[String: JobControl]>([:])
    private let woken = Atomic<Bool>(true)
    private let stopping = Atomic<Bool>(false)

    /// `startsAfter` is awaited before the first job is claimed (the store's migrations); when it
    /// throws, the worker claims nothing and `run` rethrows.
    public init(jobs: any JobRepository, documents: any DocumentRepository, pipeline: IngestionPipeline, settings: Settings,
                logger: Logger, startsAfter: @escaping @Sendable () async throws -> Void = {}) {
        self.startsAfter = startsAfter
        self.jobs = jobs
        self.documents = documents
        self.pipeline = pipeline
        self.settings = settings
        self.logger = logger
    }

    /// Looks at the queue now instead of at the next poll (a job was just stored).
    public func wake() { woken.store(true, ordering: .sequentiallyConsistent) }

    /// Stops the document's running job at once (its document was deleted).
    public func cancel(documentId: String) {
        running.withLock { $0[documentId] }?.stop(.deleted)
    }

    /// Whether a job of this document runs here now.
    public func isRunning(documentId: String) -> Bool { running.withLock { $0[documentId] != nil } }

    public func run() async throws {
        try await startsAfter()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var nextPoll = ContinuousClock.now
                while !stopping.load(ordering: .sequentiallyConsistent), !Task.isCancelled {
                    let busy = running.withLock { $0.count }
                    if busy < settings.slots, woken.exchange(false, ordering: .sequentiallyConsistent) || ContinuousClock.now >= nextPoll {
                        nextPoll = ContinuousClock.now + settings.poll
                        if let waiting = try? await jobs.waitingJobs(now: .now) { ProductMetrics.queueDepth(waiting) }
                        if let job = await claim(documentId: nil) {
                            guard let control = track(job) else { continue }
                            group.addTask { await self.execute(job, control: control, stopBefore: nil) }
                            woken.store(true, ordering: .sequentiallyConsistent)  // fill the other slots at once
                            continue
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                stopAll()
            }
            await pipeline.executor.shutdown()
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .sequentiallyConsistent)
            self.stopAll()
        }
    }

    /// Runs one document's job in this task (for `docuthinker ingest`), up to `stopBefore`.
    /// Returns the job's state afterwards.
    public func runJob(documentId: String, stopBefore: IngestStage?) async throws -> JobRecord? {
        if let job = await claim(documentId: documentId), let control = track(job) {
            await execute(job, control: control, stopBefore: stopBefore)
        }
        return try await jobs.job(documentId: documentId)
    }

    /// A control for a job just claimed, or nil when a run of its document is still going here:
    /// this worker let the lease expire (a heartbeat came late) and took the job again. The run
    /// that is going keeps it (the new lease is this worker's too), so one document never has two
    /// runs and a delete reaches the one that works.
    private func track(_ job: JobRecord) -> JobControl? {
        let control = JobControl()
        let added = running.withLock { running in
            guard running[job.documentId] == nil else { return false }
            running[job.documentId] = control
            return true
        }
        guard added else {
            logger.warning("a job's lease expired while it ran here; the run going on keeps it", metadata: [
                "job_id": .string(job.id), "document_id": .string(job.documentId)])
            return nil
        }
        return control
    }

    private func stopAll() {
        for control in running.withLock({ Array($0.values) }) { control.stop(.shutdown) }
    }

    private func claim(documentId: String?) async -> JobRecord? {
        do {
            let now = Date.now
            return try await jobs.claimJob(worker: id, leaseUntil: now + settings.lease.seconds, now: now, documentId: documentId)
        } catch {
            logger.warning("claiming a job failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Runs the job with a lease heartbeat, then settles its row by how it ended.
    private func execute(_ job: JobRecord, control: JobControl, stopBefore: IngestStage?) async {
        let heartbeat = Task {
            while !control.isStopped {
                try? await Task.sleep(for: settings.heartbeat)
                if control.isStopped || Task.isCancelled { break }
                do {
                    if try await !jobs.renewLease(jobId: job.id, worker: id, until: .now + settings.lease.seconds) {
                        control.stop(.leaseLost)
                    }
                } catch {
                    logger.warning("lease renewal failed", metadata: ["job_id": .string(job.id), "error": "\(error)"])
                }
            }
        }
        let started = ContinuousClock.now
        // One span per run of a job (a background consumer of the queue), its stages as children.
        let outcome: Result<IngestionPipeline.Outcome, any Error> = await withSpan("ingestion job", ofKind: .consumer) { span in
            span.attributes["docuthinker.document.id"] = job.documentId
            span.attributes["docuthinker.job.stage"] = job.stage.rawValue
            span.attributes["docuthinker.job.attempt"] = job.attempts + 1
            do {
                return .success(try await pipeline.run(job, worker: id, control: control, slice: settings.slice, stopBefore: stopBefore))
            } catch {
                if !(error is JobStopped) {
                    span.recordError(error)
                    span.setStatus(.init(code: .error))
                }
                return .failure(error)
            }
        }
        heartbeat.cancel()
        // Settled in a task of its own: a cancelled worker must still hand its job back.
        let ended = await Task { await settle(job, outcome: outcome, control: control) }.value
        ProductMetrics.ingestionRun(outcome: ended, duration: .now - started)
        running.withLock { $0[job.documentId] = nil }
        wake()
    }

    /// Records how the run ended; returns that ending in a word for metrics (finished, yielded,
    /// paused, shutdown, stopped, failed or retry).
    private func settle(_ job: JobRecord, outcome: Result<IngestionPipeline.Outcome, any Error>, control: JobControl) async -> String {
        let metadata: Logger.Metadata = ["job_id": .string(job.id), "document_id": .string(job.documentId)]
        var ended = "failed"
        do {
            switch outcome {
            case .success(.finished):
                ended = "finished"
                try await jobs.finishJob(jobId: job.id, worker: id, state: .succeeded, error: nil, at: .now)
                logger.info("ingestion finished", metadata: metadata)
            case .success(let other):
                ended = other == .yielded ? "yielded" : "paused"
                try await jobs.releaseJob(jobId: job.id, worker: id, error: nil, at: .now)
            case .failure(let error as JobStopped):
                if error.reason == .shutdown {
                    ended = "shutdown"
                    try await jobs.releaseJob(jobId: job.id, worker: id, error: nil, at: .now)
                    logger.info("ingestion paused for shutdown", metadata: metadata)
                } else {
                    ended = "stopped"
                    logger.info("ingestion stopped", metadata: metadata.merging(["reason": "\(error.reason)"]) { $1 })
                }
            case .failure(let error as ExtractionError):
                try await fail(job, code: error.code.rawValue, message: error.message)
            case .failure(let error):
                if control.reason == .shutdown {
                    ended = "shutdown"
                    try await jobs.releaseJob(jobId: job.id, worker: id, error: nil, at: .now)
                } else if job.attempts + 1 < settings.maxAttempts {
                    ended = "retry"
                    logger.warning("ingestion failed, will retry", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                    try await jobs.releaseJob(jobId: job.id, worker: id, error: ("processing_failed", "\(error)"), at: .now)
                } else {
                    try await fail(job, code: "processing_failed", message: "The document could not be processed: \(error)")
                }
            }
        } catch {
            logger.error("could not record a job's outcome", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        return ended
    }

    private func fail(_ job: JobRecord, code: String, message: String) async throws {
        logger.info("ingestion failed", metadata: ["document_id": .string(job.documentId), "code": .string(code)])
        try await documents.setDocumentStatus(id: job.documentId, .failed, error: (code, message), at: .now)
        try await jobs.finishJob(jobId: job.id, worker: id, state: .failed, error: (code, message), at: .now)
    }
}
