import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization

/// A Sentry DSN (`SENTRY_DSN`): `SCHEME://PUBLIC_KEY@HOST[:PORT][/PATH]/PROJECT_ID`.
public struct SentryDSN: Sendable, Equatable {
    /// Where envelopes go: `SCHEME://HOST[:PORT][/PATH]/api/PROJECT_ID/envelope/`.
    public var envelopeURL: String
    public var publicKey: String

    /// Parses a DSN; nil when it is not one (no key, no project id, not http(s)).
    public init?(_ string: String) {
        guard let url = URL(string: string.trimmingCharacters(in: .whitespaces)), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, let key = url.user, !key.isEmpty else { return nil }
        var path = url.path.split(separator: "/").map(String.init)
        guard let project = path.popLast(), !project.isEmpty, project.allSatisfy(\.isNumber) else { return nil }
        let port = url.port.map { ":\($0)" } ?? ""
        let prefix = path.isEmpty ? "" : "/" + path.joined(separator: "/")
        envelopeURL = "\(scheme)://\(host)\(port)\(prefix)/api/\(project)/envelope/"
        publicKey = key
    }
}

/// Sends ERROR and CRITICAL log records to Sentry as events, when `SENTRY_DSN` is set (there is no
/// default DSN). Fire and forget: records wait in a bounded queue (the newest are dropped when it
/// is full, and counted), one request at a time, each with a 5-second limit; an unreachable Sentry
/// never slows a request. Scrubbed: an event carries the record's message and only the metadata
/// keys in `allowedKeys` (status, code, error type, route, request and trace ids). No email,
/// document text, query, prompt or error description (which may quote input) ever leaves.
public final class SentryReporter: Service, Sendable {
    /// The only metadata an event carries.
    public static let allowedKeys: Set<String> = ["code", "status", "error_type", "route", "request_id", "trace_id", "span_id"]

    let dsn: SentryDSN
    let serviceName: String
    let environment: String?
    let release: String
    private let queue: AsyncStream<Data>
    private let continuation: AsyncStream<Data>.Continuation
    private let dropped = Atomic<Int>(0)

    /// - Parameters:
    ///   - capacity: events that may wait; more are dropped until the queue drains.
    ///   - environment: `SENTRY_ENVIRONMENT`, when set.
    public init(dsn: SentryDSN, serviceName: String, environment: String?, release: String, capacity: Int = 100) {
        self.dsn = dsn
        self.serviceName = serviceName
        self.environment = environment
        self.release = release
        (queue, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    /// Events dropped because the queue was full.
    public var droppedEvents: Int { dropped.load(ordering: .relaxed) }

    /// A log handler that reports this label's ERROR and CRITICAL records.
    public func logHandler(label: String) -> any LogHandler { SentryLogHandler(label: label, reporter: self) }

    /// Queues one record as an event (never blocks).
    func report(level: Logger.Level, message: String, metadata: Logger.Metadata, label: String) {
        if case .dropped = continuation.yield(envelope(level: level, message: message, metadata: metadata, label: label)) {
            dropped.add(1, ordering: .relaxed)
        }
    }

    /// One envelope: its header, the item header and the event (Sentry's envelope format).
    func envelope(level: Logger.Level, message: String, metadata: Logger.Metadata, label: String) -> Data {
        let eventID = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var tags: [String: String] = ["service": serviceName]
        for (key, value) in metadata where Self.allowedKeys.contains(key) && key != "trace_id" && key != "span_id" {
            tags[key] = String(describing: value).prefix(200).description
        }
        var event: [String: Any] = [
            "event_id": eventID, "timestamp": Date().timeIntervalSince1970, "platform": "other",
            "level": level == .critical ? "fatal" : "error", "logger": label, "release": release,
            "message": ["formatted": String(message.prefix(1_000))], "tags": tags,
        ]
        if let environment { event["environment"] = environment }
        if case .string(let trace)? = metadata["trace_id"], case .string(let span)? = metadata["span_id"] {
            event["contexts"] = ["trace": ["trace_id": trace, "span_id": span, "type": "trace"]]
        }
        let header = ["event_id": eventID, "sent_at": ISO8601DateFormatter().string(from: Date())]
        var body = Data()
        for part: [String: Any] in [header, ["type": "event"], event] {
            body.append((try? JSONSerialization.data(withJSONObject: part, options: [.sortedKeys])) ?? Data("{}".utf8))
            body.append(0x0A)
        }
        return body
    }

    /// Sends queued events until the graceful shutdown, then sends what is still queued.
    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil  // reporting an error is not part of any trace
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let auth = "Sentry sentry_version=7, sentry_key=\(dsn.publicKey), sentry_client=docuthinker-sentry/1.0"
        await withGracefulShutdownHandler {
            for await body in queue {
                var request = HTTPClientRequest(url: dsn.envelopeURL)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/x-sentry-envelope")
                request.headers.add(name: "X-Sentry-Auth", value: auth)
                request.body = .bytes(ByteBuffer(bytes: body))
                // An unreachable or refusing Sentry loses the event, nothing else.
                if let response = try? await client.execute(request, timeout: .seconds(5)) {
                    _ = try? await response.body.collect(upTo: 64 * 1024)
                }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
        try? await client.shutdown()
    }
}

/// Passes a label's ERROR and CRITICAL records to the reporter (with the handler's own metadata,
/// the call's, and the metadata provider's trace ids).
struct SentryLogHandler: LogHandler {
    let label: String
    let reporter: SentryReporter
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .error
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= .error else { return }
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        reporter.report(level: event.level, message: event.message.description, metadata: merged, label: label)
    }
}
