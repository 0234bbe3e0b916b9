import StoreEngines
import Foundation
import Storage
import Testing

/// `JobRepository`: claiming, leases, progress, release, takeover, fairness, cascade on delete.
@Suite("Conformance: jobs")
struct JobRepositoryConformance {
    private func pending(_ stores: Stores, owner: UserRecord, at date: Date) async throws -> (DocumentRecord, JobRecord) {
        let document = Make.document(owner: owner.id, at: date, status: .processing)
        let job = JobRecord(id: UUID().uuidString, documentId: document.id, ownerId: owner.id, createdAt: date, updatedAt: date)
        try await stores.database.insertPendingDocument(document, explicitTitle: true, job: job)
        return (document, job)
    }

    @Test(arguments: StoreEngine.all)
    func aClaimedJobBelongsToOneWorkerUntilItsLeaseExpires(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let jobs = stores.database
        let ada = Make.user("ada@example.com")
        try await jobs.createUser(ada)
        let (document, job) = try await pending(stores, owner: ada, at: .now)
        #expect(try await jobs.job(documentId: document.id)?.state == .queued)

        let now = Date.now
        let claimed = try #require(try await jobs.claimJob(worker: "w1", leaseUntil: now + 10, now: now, documentId: nil))
        #expect(claimed.id == job.id && claimed.state == .running && claimed.leaseOwner == "w1" && claimed.attempts == 0)
        #expect(try await jobs.claimJob(worker: "w2", leaseUntil: now + 10, now: now, documentId: nil) == nil, "held by w1")
        #expect(try await jobs.renewLease(jobId: job.id, worker: "w2", until: now + 20) == false, "only the holder renews")
        #expect(try await jobs.updateJob(jobId: job.id, worker: "w1", stage: .embed, done: 3, total: 9, at: now))
        #expect(try await jobs.updateJob(jobId: job.id, worker: "w2", stage: .analyse, done: 0, total: 0, at: now) == false)

        // w1 dies: once the lease has expired, w2 takes the job over where it was.
        let later = now + 11
        let takenOver = try #require(try await jobs.claimJob(worker: "w2", leaseUntil: later + 10, now: later, documentId: nil))
        #expect(takenOver.leaseOwner == "w2" && takenOver.stage == .embed && takenOver.done == 3 && takenOver.total == 9)
        #expect(takenOver.attempts == 1, "a takeover counts as an attempt")
        #expect(try await jobs.renewLease(jobId: job.id, worker: "w1", until: later + 30) == false, "the old holder lost it")

        try await jobs.finishJob(jobId: job.id, worker: "w2", state: .succeeded, error: nil, at: later)
        let finished = try #require(try await jobs.job(documentId: document.id))
        #expect(finished.state == .succeeded && finished.stage == .done && finished.leaseOwner == nil)
        #expect(try await jobs.claimJob(worker: "w3", leaseUntil: later + 100, now: later + 100, documentId: nil) == nil, "done jobs stay done")
    }

    @Test(arguments: StoreEngine.all)
    func releasedJobsKeepTheirProgressAndErrorsCountAsAttempts(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let jobs = stores.database
        let ada = Make.user("ada@example.com")
        try await jobs.createUser(ada)
        let (document, job) = try await pending(stores, owner: ada, at: .now)
        _ = try await jobs.claimJob(worker: "w1", leaseUntil: .now + 10, now: .now, documentId: nil)
        try await jobs.updateJob(jobId: job.id, worker: "w1", stage: .embed, done: 5, total: 8, at: .now)
        try await jobs.releaseJob(jobId: job.id, worker: "w1", error: nil, at: .now)
        var record = try #require(try await jobs.job(documentId: document.id))
        #expect(record.state == .queued && record.stage == .embed && record.done == 5 && record.attempts == 0)

        _ = try await jobs.claimJob(worker: "w1", leaseUntil: .now + 10, now: .now, documentId: document.id)
        try await jobs.releaseJob(jobId: job.id, worker: "w1", error: ("processing_failed", "disk full"), at: .now)
        record = try #require(try await jobs.job(documentId: document.id))
        #expect(record.state == .queued && record.attempts == 1 && record.errorCode == "processing_failed")

        _ = try await jobs.claimJob(worker: "w1", leaseUntil: .now + 10, now: .now, documentId: nil)
        try await jobs.finishJob(jobId: job.id, worker: "w1", state: .failed, error: ("unreadable", "cut short"), at: .now)
        record = try #require(try await jobs.job(documentId: document.id))
        #expect(record.state == .failed && record.errorCode == "unreadable" && record.errorMessage == "cut short")
    }

    @Test(arguments: StoreEngine.all)
    func theOwnerServedLongestAgoGoesFirst(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let jobs = stores.database
        let ada = Make.user("ada@example.com"), bob = Make.user("bob@example.com")
        try await jobs.createUser(ada)
        try await jobs.createUser(bob)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let (_, adaFirst) = try await pending(stores, owner: ada, at: base)
        let (_, adaSecond) = try await pending(stores, owner: ada, at: base + 1)
        let (_, bobs) = try await pending(stores, owner: bob, at: base + 2)
        #expect(try await jobs.waitingJobs(now: base + 10) == 3)

        let first = try await jobs.claimJob(worker: "w", leaseUntil: base + 100, now: base + 10, documentId: nil)
        #expect(try await jobs.waitingJobs(now: base + 11) == 2, "a job under a live lease does not wait")
        #expect(try await jobs.waitingJobs(now: base + 101) == 3, "a job under an expired lease waits again")
        #expect(first?.id == adaFirst.id, "oldest job first while nobody was served")
        #expect(try await jobs.othersWaiting(ownerId: ada.id, now: base + 11), "Bob waits")
        #expect(try await jobs.othersWaiting(ownerId: bob.id, now: base + 11), "Ada's second job waits")
        try await jobs.releaseJob(jobId: adaFirst.id, worker: "w", error: nil, at: base + 12)
        let second = try await jobs.claimJob(worker: "w", leaseUntil: base + 100, now: base + 13, documentId: nil)
        #expect(second?.id == bobs.id, "Bob was never served: he goes before Ada's older and newer jobs")
        let third = try await jobs.claimJob(worker: "w", leaseUntil: base + 100, now: base + 14, documentId: nil)
        #expect(third?.id == adaFirst.id)
        let fourth = try await jobs.claimJob(worker: "w", leaseUntil: base + 100, now: base + 15, documentId: nil)
        #expect(fourth?.id == adaSecond.id)
        #expect(try await jobs.othersWaiting(ownerId: ada.id, now: base + 16) == false, "nothing left queued")
        #expect(try await jobs.waitingJobs(now: base + 16) == 0)
    }

    @Test(arguments: StoreEngine.all)
    func deletingTheDocumentDeletesItsJobAndEndsTheLease(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let jobs = stores.database
        let ada = Make.user("ada@example.com")
        try await jobs.createUser(ada)
        let (document, job) = try await pending(stores, owner: ada, at: .now)
        _ = try await jobs.claimJob(worker: "w1", leaseUntil: .now + 10, now: .now, documentId: nil)
        #expect(try await jobs.deleteDocument(id: document.id, ownerId: ada.id) != nil)
        #expect(try await jobs.job(documentId: document.id) == nil)
        #expect(try await jobs.renewLease(jobId: job.id, worker: "w1", until: .now + 20) == false, "the worker learns at its next renewal")
    }

    @Test(arguments: StoreEngine.all)
    func claimsFromManyWorkersAtOnceNeverShareAJob(engine: StoreEngine) async throws {
        let stores = try await engine.make()
        let jobs = stores.database
        let ada = Make.user("ada@example.com")
        try await jobs.createUser(ada)
        for k in 0..<20 { _ = try await pending(stores, owner: ada, at: Date(timeIntervalSince1970: 1_800_000_000 + Double(k))) }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while let job = try await jobs.claimJob(worker: "w\(worker)", leaseUntil: .now + 60, now: .now, documentId: nil) {
                        mine.append(job.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claimed.count == 20 && Set(claimed).count == 20)
    }
}
