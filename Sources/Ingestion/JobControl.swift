import Synchronization

/// Stops one running job from outside: its document was deleted, its lease was lost, or the
/// worker is shutting down. Checked between pages, batches and stages, including by code on the
/// thread pool (which Swift task cancellation does not reach).
final class JobControl: Sendable {
    /// Why a job was stopped; decides what happens to its row.
    enum Reason: Sendable, Equatable {
        /// The document (and with it the job) is gone: nothing to keep.
        case deleted
        /// Another worker took the job over (this one missed its lease).
        case leaseLost
        /// The process is stopping: the job goes back to the queue with its progress.
        case shutdown
    }

    private let state = Mutex<Reason?>(nil)

    /// Stops the job (the first reason wins).
    func stop(_ reason: Reason) {
        state.withLock { if $0 == nil { $0 = reason } }
    }

    /// Why the job was stopped, or nil while it may go on.
    var reason: Reason? { state.withLock { $0 } }

    var isStopped: Bool { reason != nil }

    /// Throws `JobStopped` once the job was stopped.
    func check() throws {
        if let reason { throw JobStopped(reason: reason) }
    }
}

/// Thrown inside a job that was stopped through its `JobControl`.
struct JobStopped: Error {
    var reason: JobControl.Reason
}
