public import Logging
public import NIOCore
import NIOConcurrencyHelpers
import NIOPosix

/// A small Redis client: a few shared connections (each carries many concurrent commands, see
/// `RedisConnection`), opened on first use and replaced when they break. After a failed connect
/// the client waits out a backoff (`minimumBackoff` doubling to `maximumBackoff`) during which
/// calls fail at once with `RedisError.unavailable` instead of each waiting for a connect timeout:
/// callers that fall back (rate limits, cache) stay fast while Redis is down and use it again
/// as soon as a connect succeeds.
public final class RedisClient: Sendable {
    public let endpoint: RedisEndpoint
    /// Connections kept open (commands are spread over them round-robin).
    public let poolSize: Int
    /// Connect and reply deadline of every call.
    public let timeout: TimeAmount
    public let minimumBackoff: TimeAmount
    public let maximumBackoff: TimeAmount
    let logger: Logger
    private let state: NIOLockedValueBox<State>
    private let group: any EventLoopGroup

    private struct State {
        var slots: [Slot]
        var next = 0
        /// Consecutive failed connects (0 while connected) and when the next may be tried.
        var failures = 0
        var retryAt: NIODeadline = .uptimeNanoseconds(0)
        var closed = false
    }

    private enum Slot {
        case empty
        case connecting(EventLoopFuture<RedisConnection>)
        case ready(RedisConnection)
    }

    public init(endpoint: RedisEndpoint, poolSize: Int = 4, timeout: TimeAmount = .seconds(1),
                minimumBackoff: TimeAmount = .milliseconds(100), maximumBackoff: TimeAmount = .seconds(5),
                logger: Logger = Logger(label: "docuthinker.redis"), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.endpoint = endpoint
        self.poolSize = max(1, poolSize)
        self.timeout = timeout
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.logger = logger
        self.group = group
        state = NIOLockedValueBox(State(slots: Array(repeating: .empty, count: max(1, poolSize))))
    }

    /// Sends one command; an error reply throws `RedisError.server`.
    @discardableResult
    public func command(_ arguments: String...) async throws -> RESPValue {
        try await pipeline([arguments])[0]
    }

    /// Sends commands in one round trip (pipelining); any error reply throws `RedisError.server`.
    public func pipeline(_ commands: [[String]]) async throws -> [RESPValue] {
        try await pipelineBytes(commands.map { $0.map { Array($0.utf8) } })
    }

    /// `pipeline` with binary arguments (values stored as bytes).
    public func pipelineBytes(_ commands: [[[UInt8]]]) async throws -> [RESPValue] {
        let replies: [RESPValue]
        do {
            replies = try await connection().sendBytes(commands)
        } catch is Unsent {
            // The connection closed before the commands were written (another call's timeout
            // closed it, or the server went away): once more, on a live connection.
            do {
                replies = try await connection().sendBytes(commands)
            } catch let unsent as Unsent {
                throw RedisError.unavailable(unsent.reason)
            }
        }
        for reply in replies {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
        return replies
    }

    /// Whether the server answers `PING` now.
    public func ping() async throws {
        guard try await command("PING").string == "PONG" else { throw RedisError.protocolError("PING was not answered PONG") }
    }

    /// Closes every connection; later calls fail.
    public func shutdown() {
        let slots = state.withLockedValue { state in
            state.closed = true
            defer { state.slots = Array(repeating: .empty, count: poolSize) }
            return state.slots
        }
        for case .ready(let connection) in slots { connection.close() }
    }

    /// A live connection of the pool, connecting (once, shared by concurrent callers) when the
    /// slot is empty or its connection broke.
    private func connection() async throws -> RedisConnection {
        enum Step { case use(RedisConnection), wait(EventLoopFuture<RedisConnection>), fail(RedisError) }
        let now = NIODeadline.now()
        let loop = group.next()
        let (step, index): (Step, Int) = state.withLockedValue { state in
            if state.closed { return (.fail(.unavailable("the client was shut down")), 0) }
            let index = state.next % state.slots.count
            state.next &+= 1
            switch state.slots[index] {
            case .ready(let connection) where connection.isActive: return (.use(connection), index)
            case .connecting(let future): return (.wait(future), index)
            default:
                if state.failures > 0, now < state.retryAt {
                    return (.fail(.unavailable("reconnecting to \(endpoint) after \(state.failures) failed attempts")), index)
                }
                let promise = loop.makePromise(of: RedisConnection.self)
                state.slots[index] = .connecting(promise.futureResult)
                let endpoint = self.endpoint, timeout = self.timeout, group = self.group
                promise.completeWithTask { try await RedisConnection.connect(to: endpoint, timeout: timeout, group: group) }
                return (.wait(promise.futureResult), index)
            }
        }
        switch step {
        case .use(let connection): return connection
        case .fail(let error): throw error
        case .wait(let future):
            do {
                let connection = try await future.get()
                let recovered = state.withLockedValue { state -> Int in
                    if case .connecting(let pending) = state.slots[index], pending === future { state.slots[index] = .ready(connection) }
                    defer { state.failures = 0 }
                    return state.failures
                }
                if recovered > 0 { logger.debug("Redis reachable again", metadata: ["redis": "\(endpoint)"]) }
                return connection
            } catch {
                let failures = state.withLockedValue { state -> Int in
                    if case .connecting(let pending) = state.slots[index], pending === future { state.slots[index] = .empty }
                    state.failures += 1
                    let backoff = min(maximumBackoff.nanoseconds, minimumBackoff.nanoseconds << min(state.failures - 1, 20))
                    state.retryAt = .now() + .nanoseconds(backoff)
                    return state.failures
                }
                if failures == 1 {
                    logger.debug("Redis unreachable", metadata: ["redis": "\(endpoint)", "error": "\(error)"])
                }
                throw (error as? RedisError) ?? RedisError.unavailable("\(error)")
            }
        }
    }
}
