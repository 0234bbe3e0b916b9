import Logging
public import NIOCore
import NIOConcurrencyHelpers
import NIOPosix
import NIOSSL
import Synchronization

/// One connection to Redis. Commands may be sent from any number of tasks at once: replies come
/// back in the order the commands were written (RESP has no request ids), so each command's
/// promise is queued by the handler at the moment its bytes are written, on the channel's event
/// loop. `send` writes several commands in one flush (pipelining).
public final class RedisConnection: Sendable {
    let channel: any Channel
    /// Longest wait for the replies of one `send`; past it the connection is closed (its later
    /// replies could no longer be matched) and the call fails with `RedisError.unavailable`.
    public let timeout: TimeAmount
    /// Set when the connection is given up (a timeout): it is closing, even if not closed yet.
    private let abandoned = Atomic<Bool>(false)

    private init(channel: any Channel, timeout: TimeAmount) {
        self.channel = channel
        self.timeout = timeout
    }

    /// Connects, negotiates TLS for `rediss://`, authenticates and selects the database.
    public static func connect(to endpoint: RedisEndpoint, timeout: TimeAmount = .seconds(2),
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> RedisConnection {
        var tlsContext: NIOSSLContext?
        if endpoint.tls {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = endpoint.caFile { tls.trustRoots = .file(caFile) }
            do { tlsContext = try NIOSSLContext(configuration: tls) } catch {
                throw RedisError.unavailable("TLS set-up failed (\(error))")
            }
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: endpoint.host.first?.isNumber == true ? nil : endpoint.host)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHandler(RedisReplyHandler())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw RedisError.unavailable("cannot connect to \(endpoint) (\(error))")
        }
        let connection = RedisConnection(channel: channel, timeout: timeout)
        do {
            var setup: [[String]] = []
            if let password = endpoint.password {
                setup.append(endpoint.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
            }
            if endpoint.database != 0 { setup.append(["SELECT", String(endpoint.database)]) }
            if setup.isEmpty { setup.append(["PING"]) }   // proves the server speaks (and TLS is up)
            for reply in try await connection.send(setup) {
                if case .error(let message) = reply {
                    // The message names the failure (WRONGPASS, NOAUTH…), never the password.
                    throw RedisError.server(message)
                }
            }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive && !abandoned.load(ordering: .relaxed) }

    /// Sends one command and waits for its reply (an error reply is returned, not thrown).
    public func send(_ command: [String]) async throws -> RESPValue {
        try await send([command])[0]
    }

    /// Sends commands in one write and waits for all their replies, in order.
    public func send(_ commands: [[String]]) async throws -> [RESPValue] {
        try await sendBytes(commands.map { $0.map { Array($0.utf8) } })
    }

    /// `send` with binary arguments.
    public func sendBytes(_ commands: [[[UInt8]]]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        var buffer = channel.allocator.buffer(capacity: 64)
        for command in commands { RESP.encode(command, into: &buffer) }
        let loop = channel.eventLoop
        let promises = commands.map { _ in loop.makePromise(of: RESPValue.self) }
        let request = RedisRequest(bytes: buffer, promises: promises)
        let channel = channel
        let timeout = self.timeout
        let deadline = loop.scheduleTask(in: timeout) { [self] in
            abandoned.store(true, ordering: .relaxed)
            for promise in promises { promise.fail(RedisError.unavailable("no reply within \(timeout.nanoseconds / 1_000_000) ms")) }
            channel.close(promise: nil)
        }
        // Cancelled on the event loop as soon as the last reply is in, not when the waiting task
        // resumes: a busy process may resume it late, and the replies were on time.
        EventLoopFuture.andAllComplete(promises.map(\.futureResult), on: loop).whenComplete { _ in deadline.cancel() }
        channel.writeAndFlush(request).whenFailure { error in
            for promise in promises { promise.fail(Unsent(reason: "write failed (\(error))")) }
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(promises.count)
        do {
            for promise in promises { replies.append(try await promise.futureResult.get()) }
        } catch {
            deadline.cancel()
            throw error
        }
        deadline.cancel()
        return replies
    }

    /// Closes the connection; pending commands fail.
    public func close() {
        abandoned.store(true, ordering: .relaxed)
        channel.close(promise: nil)
    }
}

/// Commands that never reached the server (the connection closed before they were written):
/// the client may send them again on another connection.
struct Unsent: Error {
    var reason: String
}

/// Bytes to write and one promise per command in them.
struct RedisRequest {
    var bytes: ByteBuffer
    var promises: [EventLoopPromise<RESPValue>]
}

/// Queues each request's promises as its bytes are written and completes them, in order, as
/// replies are decoded; a closed connection or a malformed reply fails every waiting promise.
final class RedisReplyHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()
    private var received: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard context.channel.isActive else {
            for promise in request.promises { promise.fail(Unsent(reason: "connection closed")) }
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        waiting.append(contentsOf: request.promises)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        do {
            while var buffer = received, let value = try RESP.decode(&buffer) {
                received = buffer
                guard let promise = waiting.popFirst() else {
                    throw RedisError.protocolError("a reply no command asked for")
                }
                promise.succeed(value)
            }
            if received?.readableBytes == 0 { received = nil } else { received?.discardReadBytes() }
        } catch {
            failAll(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.unavailable("connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RedisError.unavailable("connection error (\(error))"))
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}
