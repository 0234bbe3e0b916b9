/// Bounds that protect the process from hostile or huge inputs.
public struct ExtractionLimits: Sendable, Hashable {
    /// Largest accepted file, in bytes (default 50 MB).
    public var maxBytes: Int
    /// Largest accepted page count.
    public var maxPages: Int
    /// Largest total uncompressed size of the parts of a DOCX that are read.
    public var maxArchiveUncompressedBytes: Int
    /// Largest number of entries in a DOCX container.
    public var maxArchiveEntries: Int
    /// Longest time one extraction may take (OCR, a stage of its own, has a time limit per page).
    public var timeout: Duration
    /// Largest image accepted, in pixels (an uploaded PNG, JPEG or TIFF).
    public var maxImagePixels: Int = 60_000_000

    public init(
        maxBytes: Int = 50 * 1_000_000,
        maxPages: Int = 5_000,
        maxArchiveUncompressedBytes: Int = 200 * 1_000_000,
        maxArchiveEntries: Int = 10_000,
        timeout: Duration = .seconds(120)
    ) {
        self.maxBytes = maxBytes
        self.maxPages = maxPages
        self.maxArchiveUncompressedBytes = maxArchiveUncompressedBytes
        self.maxArchiveEntries = maxArchiveEntries
        self.timeout = timeout
    }

    /// Throws `timeout` once `started` is older than the limit.
    func checkDeadline(since started: ContinuousClock.Instant) throws {
        if ContinuousClock.now - started > timeout {
            throw ExtractionError(.timeout, "Extraction took longer than \(timeout).")
        }
    }
}
