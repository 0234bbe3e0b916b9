// swift-tools-version:6.2
// DocuThinker — self-hostable document intelligence. GPL-3.0-or-later (links poppler).
import PackageDescription

/// Settings shared by every target (swift-style.md, habit 9).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The web client's templates and static files, compiled into the binary (see WebClient/EmbeddedFiles.swift).
let webResources: [Resource] = [
    "layout", "landing", "library", "upload", "document", "chat", "profile", "reset", "notfound", "entity",
].map { .embedInCode("templates/\($0).mustache") } + [
    "app.css", "theme.js", "app.js", "landing.js", "library.js", "upload.js", "document.js", "source_view.js",
    "chat_panel.js", "chat.js", "profile.js", "charts.js", "graphql.js", "passkeys.js", "logo.svg", "graph_view.js", "entity.js", "graph_llm.js",
].map { .embedInCode("static/\($0)") }

let package = Package(
    name: "docuthinker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "docuthinker", targets: ["docuthinker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/GraphQLSwift/Graphiti.git", from: "3.1.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
        // OpenTelemetry over OTLP/HTTP only: the default traits would also build gRPC (minutes, unused).
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .target(name: "DocuThinkerCore", dependencies: [.product(name: "Metrics", package: "swift-metrics")], swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CPoppler",
            pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev"])]
        ),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Markdown uploads: cmark-gfm (BSD-2-Clause) and its table/strikethrough/autolink extensions.
        .systemLibrary(name: "CCmark", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // DOCX parts are inflated with zlib directly (ZIPFoundation's inflate loop never ends on a truncated stream).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The numeric kernels are always optimised: at -O0 (debug builds, the tests) the bf16
        // matrix tile alone made start-up 7x slower (sentiment prototypes are embedded at start).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "Embeddings", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: swiftSettings),
        .target(
            name: "Extraction",
            dependencies: [
                "DocuThinkerCore", "CPoppler", "CZlib", "CCmark",
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "TextProcessing", dependencies: ["DocuThinkerCore"], swiftSettings: swiftSettings),
        // Parsers of bytes that arrive over the network (multipart uploads, server-sent events, AWS
        // event streams, JSON bodies): small and free of HTTP frameworks, so the fuzzers link them cheaply.
        .target(
            name: "WireFormats",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Traces and log records over OTLP when configured (OTEL_*); linked by the executable only.
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "OTel", package: "swift-otel"), .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "FuzzTargets", dependencies: ["Extraction", "DocuThinkerCore", "WireFormats", "WebAuthn",
                                                      .product(name: "Crypto", package: "swift-crypto"),
                                                      .product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: swiftSettings),
        .target(
            name: "AWSSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LLM",
            dependencies: [
                "AWSSupport", "WireFormats", "DocuThinkerCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Retrieval",
            dependencies: ["DocuThinkerCore", "Embeddings", "COpenBLAS", "Storage", .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "Tracing", package: "swift-distributed-tracing")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Analysis",
            dependencies: ["DocuThinkerCore", "TextProcessing", "LLM", "Embeddings", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: ["DocuThinkerCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorageSQLite",
            dependencies: [
                "Storage", "DocuThinkerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StoragePostgres",
            dependencies: [
                "Storage", "DocuThinkerCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorageS3",
            dependencies: [
                "Storage", "AWSSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // A small RESP client on SwiftNIO (no Redis package is among the mirrored ones).
        .target(
            name: "RedisClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorageCypher",
            dependencies: ["Storage", "RedisClient", "DocuThinkerCore", "AWSSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorageRedis",
            dependencies: [
                "Storage", "RedisClient", "DocuThinkerCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorageChroma",
            dependencies: [
                "Storage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StoreEngines",
            dependencies: ["Storage", "StorageSQLite", "StoragePostgres", "StorageS3", "StorageRedis", "StorageChroma", "StorageCypher", "RedisClient", "AWSSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "LibraryTransfer",
            dependencies: ["Storage", "StoreEngines", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServerSupport",
            dependencies: [
                "DocuThinkerCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebAuthn",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebClient",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: webResources,
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KnowledgeGraph",
            dependencies: ["DocuThinkerCore", "TextProcessing", "Analysis", "Storage"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Ingestion",
            dependencies: [
                "DocuThinkerCore", "Extraction", "TextProcessing", "Analysis", "Embeddings", "Retrieval", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AIService",
            dependencies: [
                "DocuThinkerCore", "TextProcessing", "Analysis", "Retrieval", "Storage", "LLM", "Embeddings", "Ingestion", "ServerSupport",
                "KnowledgeGraph", "WireFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "APIService",
            dependencies: [
                "StorageChroma", "StorageCypher", "RedisClient",
                "DocuThinkerCore", "Extraction", "TextProcessing", "Analysis", "Embeddings", "Retrieval", "Storage", "StoreEngines",
                "ServerSupport", "LLM", "AWSSupport", "WebClient", "Ingestion", "AIService", "WebAuthn", "KnowledgeGraph", "WireFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Graphiti", package: "Graphiti"),
                .product(name: "GraphQL", package: "GraphQL"),
            ],
            resources: [.embedInCode("OpenAPI/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Evaluation",
            dependencies: [
                "DocuThinkerCore", "Storage", "StoreEngines", "Retrieval", "Embeddings", "TextProcessing", "Extraction", "Ingestion", "AIService", "StoragePostgres",
                "KnowledgeGraph",
                "StorageRedis", "RedisClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "docuthinker",
            dependencies: [
                "APIService", "Ingestion", "AIService", "Evaluation", "KnowledgeGraph", "LibraryTransfer", "DocuThinkerCore", "Extraction", "TextProcessing", "Analysis", "Embeddings", "Storage", "StoreEngines", "ServerSupport", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "TextProcessing", "FuzzTargets"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"], swiftSettings: swiftSettings),
        .testTarget(name: "WireFormatsTests", dependencies: ["WireFormats", .product(name: "NIOCore", package: "swift-nio")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "TextProcessingTests", dependencies: ["TextProcessing"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM", "AWSSupport", "WireFormats", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AWSSupportTests", dependencies: ["AWSSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "KnowledgeGraphTests", dependencies: ["KnowledgeGraph", "Analysis", "Storage", "DocuThinkerCore", "TextProcessing"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "IngestionTests", dependencies: ["Ingestion", "Extraction", "TextProcessing", "DocuThinkerCore"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "AIServiceTests", dependencies: ["AIService", "Analysis", "Ingestion", "Extraction", "Storage", "StoreEngines", "DocuThinkerCore", "Evaluation", "KnowledgeGraph", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "DocuThinkerCoreTests", dependencies: ["DocuThinkerCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerSupportTests",
            dependencies: [
                "ServerSupport", "DocuThinkerCore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EmbeddingsTests", dependencies: ["Embeddings"], swiftSettings: swiftSettings),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "Storage", "Embeddings"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AnalysisTests",
            dependencies: [
                "Analysis", "DocuThinkerCore", "TextProcessing", "LLM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The test servers (PostgreSQL, S3) every suite that needs them shares.
        .target(
            name: "StoreTestSupport",
            dependencies: ["Storage", "StoragePostgres", "StorageS3", "AWSSupport", "RedisClient", "StorageChroma", "StorageCypher", "StoreEngines",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Tests/StoreTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "StoreEngines", "StorageSQLite", "StoragePostgres", "StorageS3", "AWSSupport", "StoreTestSupport", "LibraryTransfer",
                           "RedisClient", "StorageRedis", "StorageChroma", "StorageCypher", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOHTTP1", package: "swift-nio"), "Retrieval", "DocuThinkerCore", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "APIServiceTests",
            dependencies: [
                "APIService", "AIService", "Retrieval", "Ingestion", "Storage", "StoreEngines", "StorageSQLite", "StoreTestSupport", "StorageS3", "WebAuthn", .product(name: "GRDB", package: "GRDB.swift"), "ServerSupport", "Analysis", "DocuThinkerCore", "LLM", "TextProcessing", "RedisClient", "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// The libFuzzer harness (`scripts/fuzz` builds it with DOCUTHINKER_FUZZ=1 and -sanitize=fuzzer,address
// in its own scratch path): libFuzzer supplies `main`, so an ordinary build never sees this target.
import Foundation
if ProcessInfo.processInfo.environment["DOCUTHINKER_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "docuthinker-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Entry",
                                             swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]))
    package.products.append(.executable(name: "docuthinker-fuzz", targets: ["docuthinker-fuzz"]))
}
