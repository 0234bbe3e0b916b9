import Foundation

extension Duration {
    /// The duration in seconds as a `TimeInterval` (token lifetimes, benchmarks, ingest reports).
    public var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// Whole milliseconds (rounded down), for counters and TTLs.
    public var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000 + parts.attoseconds / 1_000_000_000_000_000
    }
}

extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hexadecimal, two digits each (digests in keys and logs).
    public var hexString: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
