import DocuThinkerCore
public import Foundation
import Logging
import PostgresNIO
public import Storage

/// Jobs on PostgreSQL: a claim is one statement that locks the chosen row with
/// `FOR UPDATE SKIP LOCKED`, so any number of workers in any number of processes take distinct
/// jobs without waiting on each other; leases expire as with SQLite.
extension PostgresStore: JobRepository {
    static let jobColumns = """
        id, document_id, owner_id, state, stage, done, total, attempts, lease_owner, lease_expires_at, error_code, error_message,
        served_at, created_at, updated_at
        """

    static func job(_ row: PostgresRandomAccessRow) throws -> JobRecord {
        JobRecord(
            id: try row.get(0), documentId: try row.get(1), ownerId: try row.get(2), state: JobState(rawValue: try row.get(3)) ?? .failed,
            stage: IngestStage(rawValue: try row.get(4)) ?? .extract, done: try row.get(5), total: try row.get(6), attempts: try row.get(7),
            leaseOwner: try row.get(8), leaseExpiresAt: try row.get(9), errorCode: try row.get(10), errorMessage: try row.get(11),
            servedAt: try row.get(12), createdAt: try row.get(13), updatedAt: try row.get(14))
    }

    func insert(_ job: JobRecord, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            INSERT INTO jobs (\(unescaped: Self.jobColumns))
            VALUES (\(job.id), \(job.documentId), \(job.ownerId), \(job.state.rawValue), \(job.stage.rawValue), \(job.done), \(job.total),
                \(job.attempts), \(job.leaseOwner), \(job.leaseExpiresAt), \(job.errorCode), \(job.errorMessage), \(job.servedAt),
                \(job.createdAt), \(job.updatedAt))
            """, logger: logger)
    }

    public func job(documentId: String) async throws -> JobRecord? {
        try await rows("SELECT \(unescaped: Self.jobColumns) FROM jobs WHERE document_id = \(documentId)").first.map(Self.job)
    }

    public func claimJob(worker: String, leaseUntil: Date, now: Date, documentId: String?) async throws -> JobRecord? {
        try await rows("""
            WITH candidate AS (
                SELECT j.id, j.state FROM jobs j
                WHERE (j.state = 'queued' OR (j.state = 'running' AND j.lease_expires_at < \(now)))
                    AND (\(documentId == nil) OR j.document_id = \(documentId ?? ""))
                ORDER BY (SELECT max(k.served_at) FROM jobs k WHERE k.owner_id = j.owner_id) NULLS FIRST, j.created_at, j.id
                LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE jobs SET state = 'running', lease_owner = \(worker), lease_expires_at = \(leaseUntil), served_at = \(now),
                updated_at = \(now), attempts = jobs.attempts + CASE WHEN candidate.state = 'running' THEN 1 ELSE 0 END
            FROM candidate WHERE jobs.id = candidate.id
            RETURNING \(unescaped: Self.jobColumns.split(separator: ",").map { "jobs." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
            """).first.map(Self.job)
    }

    public func renewLease(jobId: String, worker: String, until: Date) async throws -> Bool {
        try await !rows("""
            UPDATE jobs SET lease_expires_at = \(until) WHERE id = \(jobId) AND lease_owner = \(worker) AND state = 'running' RETURNING id
            """).isEmpty
    }

    public func updateJob(jobId: String, worker: String, stage: IngestStage, done: Int, total: Int, at date: Date) async throws -> Bool {
        try await !rows("""
            UPDATE jobs SET stage = \(stage.rawValue), done = \(done), total = \(total), updated_at = \(date)
            WHERE id = \(jobId) AND lease_owner = \(worker) AND state = 'running' RETURNING id
            """).isEmpty
    }

    public func releaseJob(jobId: String, worker: String, error: (code: String, message: String)?, at date: Date) async throws {
        try await execute("""
            UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(date),
                attempts = attempts + \(error == nil ? 0 : 1), error_code = COALESCE(\(error?.code), error_code),
                error_message = COALESCE(\(error?.message), error_message)
            WHERE id = \(jobId) AND lease_owner = \(worker) AND state = 'running'
            """)
    }

    public func finishJob(jobId: String, worker: String, state: JobState, error: (code: String, message: String)?, at date: Date) async throws {
        try await execute("""
            UPDATE jobs SET state = \(state.rawValue), stage = CASE WHEN \(state == .succeeded) THEN 'done' ELSE stage END,
                lease_owner = NULL, lease_expires_at = NULL, error_code = \(error?.code), error_message = \(error?.message),
                updated_at = \(date)
            WHERE id = \(jobId) AND lease_owner = \(worker) AND state = 'running'
            """)
    }

    public func othersWaiting(ownerId: String, now: Date) async throws -> Bool {
        try await !rows("""
            SELECT 1 FROM jobs WHERE owner_id <> \(ownerId)
                AND (state = 'queued' OR (state = 'running' AND lease_expires_at < \(now))) LIMIT 1
            """).isEmpty
    }

    public func waitingJobs(now: Date) async throws -> Int {
        try await rows("""
            SELECT count(*) FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < \(now))
            """).first?.get(0, as: Int.self) ?? 0
    }
}
