public import Storage

/// The stores' migrations as one step of a server's start (the pattern of hummingbird-postgres'
/// `DatabaseMigrations`): the application applies them before it accepts connections, and every
/// service that reads the database first waits for them, so nothing runs on an old schema and no
/// initialiser touches the database. Applying is safe from every process at once (the engine
/// takes its lock); here it runs once, and a failure reaches every waiter.
public actor StoreMigrations {
    private enum State {
        case pending([(id: UInt64, continuation: CheckedContinuation<Void, any Error>)])
        case done
        case failed(any Error)
    }

    private let stores: Stores
    private var state = State.pending([])
    private var started = false

    public init(stores: Stores) {
        self.stores = stores
    }

    /// Applies pending migrations (once; later calls return or rethrow the first call's result).
    public func apply() async throws {
        guard !started else { return try await waitUntilCompleted() }
        started = true
        let result: Result<Void, any Error>
        do {
            try await stores.migrate()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        guard case .pending(let waiters) = state else { return }
        switch result {
        case .success:
            state = .done
            for waiter in waiters { waiter.continuation.resume() }
        case .failure(let error):
            state = .failed(error)
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
            throw error
        }
    }

    /// Returns once the migrations are applied; throws their failure, or `CancellationError`
    /// when the waiting task is cancelled first (a server stopping before it started).
    public func waitUntilCompleted() async throws {
        let id = UInt64.random(in: 0...UInt64.max)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                switch state {
                case .done: continuation.resume()
                case .failed(let error): continuation.resume(throwing: error)
                case .pending(var waiters):
                    if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                    waiters.append((id, continuation))
                    state = .pending(waiters)
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard case .pending(var waiters) = state, let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
        state = .pending(waiters)
    }
}
