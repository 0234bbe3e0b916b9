import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobs"
}

extension SQLiteStore: JobRepository {
    public func job(documentId: String) async throws -> JobRecord? {
        try await pool.read { db in
            try JobRecord.fetchOne(db, sql: "SELECT * FROM jobs WHERE documentId = ?", arguments: [documentId])
        }
    }

    public func claimJob(worker: String, leaseUntil: Date, now: Date, documentId: String?) async throws -> JobRecord? {
        // An idle queue is the common case: a read answers it without taking the write lock.
        let runnable = try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' OR (state = 'running' AND leaseExpiresAt < ?))
                """, arguments: [now]) ?? false
        }
        guard runnable else { return nil }
        return try await pool.write { db in
            // One writer at a time: the select and the update below are atomic together.
            var sql = """
                SELECT j.id, j.state FROM jobs j
                WHERE (j.state = 'queued' OR (j.state = 'running' AND j.leaseExpiresAt < ?))
                """
            var arguments: StatementArguments = [now]
            if let documentId {
                sql += " AND j.documentId = ?"
                arguments += [documentId]
            }
            sql += """
                 ORDER BY (SELECT MAX(k.servedAt) FROM jobs k WHERE k.ownerId = j.ownerId) IS NOT NULL,
                          (SELECT MAX(k.servedAt) FROM jobs k WHERE k.ownerId = j.ownerId), j.createdAt, j.id
                LIMIT 1
                """
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
            let id: String = row[0]
            let takenOver = (row[1] as String) == JobState.running.rawValue
            try db.execute(sql: """
                UPDATE jobs SET state = 'running', leaseOwner = ?, leaseExpiresAt = ?, servedAt = ?, updatedAt = ?,
                    attempts = attempts + ? WHERE id = ?
                """, arguments: [worker, leaseUntil, now, now, takenOver ? 1 : 0, id])
            return try JobRecord.fetchOne(db, key: id)
        }
    }

    public func renewLease(jobId: String, worker: String, until: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE jobs SET leaseExpiresAt = ? WHERE id = ? AND leaseOwner = ? AND state = 'running'",
                           arguments: [until, jobId, worker])
            return db.changesCount > 0
        }
    }

    public func updateJob(jobId: String, worker: String, stage: IngestStage, done: Int, total: Int, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET stage = ?, done = ?, total = ?, updatedAt = ? WHERE id = ? AND leaseOwner = ? AND state = 'running'
                """, arguments: [stage.rawValue, done, total, date, jobId, worker])
            return db.changesCount > 0
        }
    }

    public func releaseJob(jobId: String, worker: String, error: (code: String, message: String)?, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ?,
                    attempts = attempts + ?, errorCode = COALESCE(?, errorCode), errorMessage = COALESCE(?, errorMessage)
                WHERE id = ? AND leaseOwner = ? AND state = 'running'
                """, arguments: [date, error == nil ? 0 : 1, error?.code, error?.message, jobId, worker])
        }
    }

    public func finishJob(jobId: String, worker: String, state: JobState, error: (code: String, message: String)?, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = ?, stage = CASE WHEN ? = 'succeeded' THEN 'done' ELSE stage END, leaseOwner = NULL,
                    leaseExpiresAt = NULL, errorCode = ?, errorMessage = ?, updatedAt = ?
                WHERE id = ? AND leaseOwner = ? AND state = 'running'
                """, arguments: [state.rawValue, state.rawValue, error?.code, error?.message, date, jobId, worker])
        }
    }

    public func othersWaiting(ownerId: String, now: Date) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM jobs WHERE ownerId != ?
                    AND (state = 'queued' OR (state = 'running' AND leaseExpiresAt < ?)))
                """, arguments: [ownerId, now]) ?? false
        }
    }

    public func waitingJobs(now: Date) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs WHERE state = 'queued' OR (state = 'running' AND leaseExpiresAt < ?)",
                             arguments: [now]) ?? 0
        }
    }
}
