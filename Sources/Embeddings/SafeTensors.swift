import Foundation

/// A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// describing each tensor (dtype, shape, byte offsets), then the raw data.
final class SafeTensors: @unchecked Sendable {
    // @unchecked: the mapping is read-only after init and never mutated.
    struct TensorInfo {
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    private let data: Data
    private let base: Int
    let tensors: [String: TensorInfo]

    init(url: URL) throws {
        data = try Data(contentsOf: url, options: .alwaysMapped)
        guard data.count >= 8 else { throw EmbeddingError(.modelInvalid, "\(url.lastPathComponent) is too short.") }
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard headerLength > 0, 8 + headerLength <= data.count,
              let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any] else {
            throw EmbeddingError(.modelInvalid, "\(url.lastPathComponent) has no valid safetensors header.")
        }
        base = 8 + headerLength
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw EmbeddingError(.modelInvalid, "Tensor \(name) has a malformed header entry.")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        }
        self.tensors = tensors
    }

    /// A float32 tensor copied into an array (weights are read once at load time).
    func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let info = tensors[name] else { throw EmbeddingError(.modelInvalid, "The model has no tensor \(name).") }
        guard info.dtype == "F32", info.shape == expected, info.end - info.begin == expected.reduce(4, *),
              base + info.end <= data.count else {
            throw EmbeddingError(.modelInvalid, "Tensor \(name) is \(info.dtype)\(info.shape), expected F32\(expected).")
        }
        return data.withUnsafeBytes { raw in
            let pointer = raw.baseAddress!.advanced(by: base + info.begin)
            var result = [Float](repeating: 0, count: (info.end - info.begin) / 4)
            result.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: info.end - info.begin)) }
            return result
        }
    }
}
