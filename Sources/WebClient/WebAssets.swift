public import Foundation

/// One static file of the web client with what its response needs.
public struct WebAsset: Sendable {
    public var bytes: [UInt8]
    public var contentType: String
    /// A strong validator for `If-None-Match` (FNV-1a 64 of the bytes).
    public var etag: String

    public init(bytes: [UInt8], name: String) {
        self.bytes = bytes
        contentType = Self.contentType(of: name)
        etag = "\"" + String(Self.fnv1a(bytes), radix: 16) + "\""
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "json", "webmanifest": "application/json"
        default: "application/octet-stream"
        }
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

/// Where the templates and static files come from: compiled into the binary (the default), or a
/// directory read on every request (`DOCUTHINKER_WEB_DIR`, for working on the client without rebuilding).
public protocol WebAssetSource: Sendable {
    /// The static file `static/<name>`, or nil.
    func asset(named name: String) -> WebAsset?
    /// Mustache text of `templates/<name>.mustache`, by name.
    func templates() throws -> [String: String]
}

/// The files compiled into the binary by SwiftPM (`embedInCode` resources, listed in Package.swift).
public struct EmbeddedWebAssets: WebAssetSource {
    let assets: [String: WebAsset]
    let templateTexts: [String: String]

    public init() {
        var assets: [String: WebAsset] = [:]
        for (name, bytes) in EmbeddedFiles.staticFiles { assets[name] = WebAsset(bytes: bytes, name: name) }
        self.assets = assets
        templateTexts = EmbeddedFiles.templates.mapValues { String(decoding: $0, as: UTF8.self) }
    }

    public func asset(named name: String) -> WebAsset? { assets[name] }
    public func templates() throws -> [String: String] { templateTexts }
}

/// The same files read from a checkout's `Sources/WebClient` (or any directory with `templates/`
/// and `static/`) on every request.
public struct DirectoryWebAssets: WebAssetSource {
    let root: URL

    public init(root: String) { self.root = URL(fileURLWithPath: root) }

    public func asset(named name: String) -> WebAsset? {
        guard WebAssetNames.isSafe(name),
              let data = try? Data(contentsOf: root.appendingPathComponent("static").appendingPathComponent(name)) else { return nil }
        return WebAsset(bytes: Array(data), name: name)
    }

    public func templates() throws -> [String: String] {
        let folder = root.appendingPathComponent("templates")
        var texts: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".mustache") {
            texts[String(file.dropLast(".mustache".count))] = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        }
        return texts
    }
}
