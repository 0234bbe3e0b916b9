import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The threads ingestion computes on (extraction, embeddings): its own pool, one thread per core,
/// each at a lower scheduling priority (nice 10). Requests never queue behind a job's work on a
/// shared pool, and while jobs keep every core busy, the server's own threads still get the CPU
/// first — an upload is answered in milliseconds even then.
public final class IngestionExecutor: Sendable {
    /// How many threads compute at once.
    public let threads: Int
    private let pool: NIOThreadPool

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Runs `body` on one of the pool's threads (throws once the pool is shut down).
    public func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await pool.runIfActive {
            // On Linux the nice value belongs to the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            return try body()
        }
    }

    /// Stops the threads once their current work is done.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
