import DocuThinkerCore
import Foundation
public import Storage
import GRDB

extension SQLiteStore: UsageRepository {
    public func recordUsage(userId: String, _ usage: UsageRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO llm_usage (userId, day, provider, model, requests, inputTokens, outputTokens) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (userId, day, provider, model) DO UPDATE SET
                    requests = requests + excluded.requests, inputTokens = inputTokens + excluded.inputTokens,
                    outputTokens = outputTokens + excluded.outputTokens
                """, arguments: [userId, usage.day, usage.provider, usage.model, usage.requests, usage.inputTokens, usage.outputTokens])
        }
    }

    public func usage(userId: String) async throws -> [UsageRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT day, provider, model, requests, inputTokens, outputTokens FROM llm_usage WHERE userId = ? ORDER BY day, provider, model
                """, arguments: [userId]).map {
                UsageRecord(day: $0[0], provider: $0[1], model: $0[2], requests: $0[3], inputTokens: $0[4], outputTokens: $0[5])
            }
        }
    }
}
