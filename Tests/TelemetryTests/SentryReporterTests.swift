import Foundation
import Logging
@testable import Telemetry
import Testing

@Suite("Sentry reporter: DSN, scrubbed events, bounded queue")
struct SentryReporterTests {
    @Test func dsnsBecomeEnvelopeURLs() throws {
        let saas = try #require(SentryDSN("https://abc123@o42.ingest.sentry.io/4505"))
        #expect(saas.envelopeURL == "https://o42.ingest.sentry.io/api/4505/envelope/" && saas.publicKey == "abc123")
        let selfHosted = try #require(SentryDSN("http://k@127.0.0.1:9000/sentry/7"))
        #expect(selfHosted.envelopeURL == "http://127.0.0.1:9000/sentry/api/7/envelope/")
        #expect(SentryDSN("ftp://k@host/1") == nil && SentryDSN("https://host/1") == nil && SentryDSN("https://k@host/") == nil)
        let settings = try TelemetrySettings(environment: ["SENTRY_DSN": "https://k@host/1", "SENTRY_ENVIRONMENT": "staging"], role: "api")
        #expect(settings.sentryDSN?.publicKey == "k" && settings.sentryEnvironment == "staging" && !settings.isOn,
                "Sentry alone turns no OTLP signal on")
    }

    /// An event keeps the message, the allowed keys and the trace context, and nothing else.
    @Test func eventsCarryOnlyAllowedMetadata() throws {
        let reporter = SentryReporter(dsn: try #require(SentryDSN("https://k@host/1")), serviceName: "docuthinker-api",
                                      environment: "test", release: "docuthinker@1")
        let metadata: Logger.Metadata = [
            "route": "/v1/search", "status": "503", "code": "ai_unavailable", "error_type": "HTTPClientError",
            "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7",
            "email": "ada@example.com", "query": "secret question", "error": "connection refused to 10.0.0.7 for ada@example.com",
        ]
        let lines = reporter.envelope(level: .error, message: "request failed", metadata: metadata, label: "docuthinker-api")
            .split(separator: 0x0A).map { Data($0) }
        #expect(lines.count == 3)
        let header = try #require(try JSONSerialization.jsonObject(with: lines[0]) as? [String: Any])
        let item = try #require(try JSONSerialization.jsonObject(with: lines[1]) as? [String: Any])
        let event = try #require(try JSONSerialization.jsonObject(with: lines[2]) as? [String: Any])
        #expect(item["type"] as? String == "event")
        #expect((header["event_id"] as? String) == (event["event_id"] as? String) && (event["event_id"] as? String)?.count == 32)
        #expect((event["message"] as? [String: Any])?["formatted"] as? String == "request failed")
        let tags = try #require(event["tags"] as? [String: String])
        #expect(tags == ["route": "/v1/search", "status": "503", "code": "ai_unavailable", "error_type": "HTTPClientError",
                         "service": "docuthinker-api"])
        let trace = (event["contexts"] as? [String: Any])?["trace"] as? [String: Any]
        #expect(trace?["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736" && trace?["span_id"] as? String == "00f067aa0ba902b7")
        #expect(event["environment"] as? String == "test" && event["release"] as? String == "docuthinker@1")
        let text = String(decoding: lines[2], as: UTF8.self)
        for secret in ["ada@example.com", "secret question", "10.0.0.7"] { #expect(!text.contains(secret), "\(secret) leaked") }
    }

    /// Only ERROR and above are reported; a full queue drops (and counts) instead of waiting.
    @Test func queueIsBoundedAndOnlyErrorsAreQueued() throws {
        let reporter = SentryReporter(dsn: try #require(SentryDSN("https://k@host/1")), serviceName: "s", environment: nil,
                                      release: "r", capacity: 3)
        var logger = Logger(label: "test") { reporter.logHandler(label: $0) }
        logger.logLevel = .trace
        logger.warning("not reported")
        for index in 0..<5 { logger.error("failure \(index)") }
        #expect(reporter.droppedEvents == 2, "three fit in the queue, two were dropped, the warning was never queued")
    }
}
