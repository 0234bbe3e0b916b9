import CKernels
import COpenBLAS
import Foundation

/// The BERT forward pass on the CPU: every matrix product is one OpenBLAS `sgemm` over the whole
/// padded batch; attention runs per sequence and head on strided views; padded keys are masked.
/// With `bfloat16`, the six projections of each layer run in the AVX512-BF16 kernel of
/// `CKernels` instead (inputs and weights rounded to bfloat16, float32 accumulation).
struct BertEncoder: Sendable {
    let weights: BertWeights
    let layerNormEpsilon: Float = 1e-12
    /// bfloat16 copies of each layer's projection weights, in the kernel's layout.
    let packed: [PackedLayer]?

    struct PackedLayer: Sendable {
        var query, key, value, attentionOutput, intermediate, output: [UInt16]
    }

    init(weights: BertWeights, bfloat16: Bool) {
        self.weights = weights
        guard bfloat16, dt_bf16_supported() != 0 else {
            packed = nil
            return
        }
        func pack(_ weight: [Float], out: Int, in inSize: Int) -> [UInt16] {
            var result = [UInt16](repeating: 0, count: Int(dt_bf16_packed_count(Int32(out), Int32(inSize))))
            weight.withUnsafeBufferPointer { w in
                result.withUnsafeMutableBufferPointer { dt_bf16_pack(w.baseAddress, Int32(out), Int32(inSize), $0.baseAddress) }
            }
            return result
        }
        let h = weights.hidden, i = weights.intermediateSize
        packed = weights.layers.map { layer in
            PackedLayer(query: pack(layer.query, out: h, in: h), key: pack(layer.key, out: h, in: h), value: pack(layer.value, out: h, in: h),
                        attentionOutput: pack(layer.attentionOutput, out: h, in: h), intermediate: pack(layer.intermediate, out: i, in: h),
                        output: pack(layer.output, out: h, in: i))
        }
    }

    /// Whether the bfloat16 kernel is in use.
    var usesBFloat16: Bool { packed != nil }

    /// Mean-pooled, L2-normalised sentence vectors for a batch of token-id sequences; nil when
    /// `shouldStop` (asked before each layer) says true, so a stop waits for one layer at most.
    func embed(_ batch: [[Int32]], shouldStop: (@Sendable () -> Bool)? = nil) -> [[Float]]? {
        let h = weights.hidden
        let b = batch.count
        let t = batch.map(\.count).max() ?? 0
        guard b > 0, t > 0 else { return [] }
        let rows = b * t
        var x = [Float](repeating: 0, count: rows * h)
        // Embeddings: word + position + token type 0, then LayerNorm.
        for (s, ids) in batch.enumerated() {
            for (p, id) in ids.enumerated() {
                let row = (s * t + p) * h
                let word = Int(id) * h, position = p * h
                for k in 0..<h {
                    x[row + k] = weights.wordEmbeddings[word + k] + weights.positionEmbeddings[position + k] + weights.tokenTypeEmbeddings[k]
                }
            }
        }
        layerNorm(&x, rows: rows, weight: weights.embeddingNormWeight, bias: weights.embeddingNormBias)
        let lengths = batch.map(\.count)
        var q = [Float](repeating: 0, count: rows * h), kk = q, v = q, context = q, projected = q
        var inter = [Float](repeating: 0, count: rows * weights.intermediateSize)
        var scratch = [UInt16](repeating: 0, count: packed == nil ? 0 : rows * weights.intermediateSize)
        for (index, layer) in weights.layers.enumerated() {
            if shouldStop?() == true { return nil }
            let p = packed?[index]
            linear(x, rows: rows, inSize: h, weight: layer.query, packed: p?.query, bias: layer.queryBias, outSize: h, into: &q, scratch: &scratch)
            linear(x, rows: rows, inSize: h, weight: layer.key, packed: p?.key, bias: layer.keyBias, outSize: h, into: &kk, scratch: &scratch)
            linear(x, rows: rows, inSize: h, weight: layer.value, packed: p?.value, bias: layer.valueBias, outSize: h, into: &v, scratch: &scratch)
            attention(q: q, k: kk, v: v, batch: b, length: t, lengths: lengths, into: &context)
            linear(context, rows: rows, inSize: h, weight: layer.attentionOutput, packed: p?.attentionOutput, bias: layer.attentionOutputBias,
                   outSize: h, into: &projected, scratch: &scratch)
            add(x, into: &projected)
            layerNorm(&projected, rows: rows, weight: layer.attentionNormWeight, bias: layer.attentionNormBias)
            linear(projected, rows: rows, inSize: h, weight: layer.intermediate, packed: p?.intermediate, bias: layer.intermediateBias,
                   outSize: weights.intermediateSize, into: &inter, scratch: &scratch)
            gelu(&inter)
            linear(inter, rows: rows, inSize: weights.intermediateSize, weight: layer.output, packed: p?.output, bias: layer.outputBias,
                   outSize: h, into: &x, scratch: &scratch)
            add(projected, into: &x)
            layerNorm(&x, rows: rows, weight: layer.outputNormWeight, bias: layer.outputNormBias)
        }
        // Mean over the real tokens (CLS and SEP included, as sentence-transformers does), then L2.
        return (0..<b).map { s in
            var pooled = [Float](repeating: 0, count: h)
            for p in 0..<lengths[s] {
                let row = (s * t + p) * h
                for k in 0..<h { pooled[k] += x[row + k] }
            }
            let scale = 1 / Float(max(1, lengths[s]))
            var norm: Float = 0
            for k in 0..<h { pooled[k] *= scale; norm += pooled[k] * pooled[k] }
            norm = max(norm.squareRoot(), 1e-12)
            return pooled.map { $0 / norm }
        }
    }

    /// out[rows, outSize] = input[rows, inSize] · weightᵀ + bias (bfloat16 kernel when `packed` is given).
    private func linear(_ input: [Float], rows: Int, inSize: Int, weight: [Float], packed: [UInt16]?, bias: [Float], outSize: Int,
                        into out: inout [Float], scratch: inout [UInt16]) {
        if let packed {
            input.withUnsafeBufferPointer { a in
                packed.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { bb in
                        out.withUnsafeMutableBufferPointer { o in
                            scratch.withUnsafeMutableBufferPointer { s in
                                dt_bf16_linear(a.baseAddress, Int32(rows), Int32(inSize), w.baseAddress, bb.baseAddress, Int32(outSize),
                                               o.baseAddress, s.baseAddress)
                            }
                        }
                    }
                }
            }
            return
        }
        out.withUnsafeMutableBufferPointer { o in
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows { (o.baseAddress! + r * outSize).update(from: b.baseAddress!, count: outSize) }
            }
        }
        input.withUnsafeBufferPointer { a in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outSize), Int32(inSize), 1,
                                a.baseAddress, Int32(inSize), w.baseAddress, Int32(inSize), 1, o.baseAddress, Int32(outSize))
                }
            }
        }
    }

    /// Scaled dot-product attention for every sequence and head; keys past a sequence's length are masked.
    private func attention(q: [Float], k: [Float], v: [Float], batch: Int, length t: Int, lengths: [Int], into out: inout [Float]) {
        let h = weights.hidden, heads = weights.heads, d = h / heads
        let scale = 1 / Float(d).squareRoot()
        var scores = [Float](repeating: 0, count: t * t)
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                v.withUnsafeBufferPointer { vp in
                    out.withUnsafeMutableBufferPointer { op in
                        for s in 0..<batch {
                            let n = lengths[s]
                            for head in 0..<heads {
                                let offset = s * t * h + head * d
                                scores.withUnsafeMutableBufferPointer { sp in
                                    // scores[n, n] = Q_h · K_hᵀ over the real tokens only.
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d), scale,
                                                qp.baseAddress! + offset, Int32(h), kp.baseAddress! + offset, Int32(h), 0,
                                                sp.baseAddress, Int32(n))
                                    dt_softmax_rows(sp.baseAddress, Int32(n), Int32(n))
                                    // context[n, d] = P · V_h
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(n), 1,
                                                sp.baseAddress, Int32(n), vp.baseAddress! + offset, Int32(h), 0,
                                                op.baseAddress! + offset, Int32(h))
                                }
                            }
                            // Padded rows stay zero; they are never pooled.
                            for p in n..<t { for c in 0..<h { op[(s * t + p) * h + c] = 0 } }
                        }
                    }
                }
            }
        }
    }

    private func layerNorm(_ x: inout [Float], rows: Int, weight: [Float], bias: [Float]) {
        x.withUnsafeMutableBufferPointer { p in
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    dt_layer_norm(p.baseAddress, Int32(rows), Int32(weights.hidden), w.baseAddress, b.baseAddress, layerNormEpsilon)
                }
            }
        }
    }

    /// Element-wise `target += addend` (residual connections).
    private func add(_ addend: [Float], into target: inout [Float]) {
        target.withUnsafeMutableBufferPointer { t in
            addend.withUnsafeBufferPointer { a in
                for i in 0..<min(t.count, a.count) { t[i] += a[i] }
            }
        }
    }

    /// GELU with the error function, as BERT uses: x · (1 + erf(x/√2)) / 2. erf is the rational
    /// approximation Eigen uses for float (odd degree-13 over even degree-8 polynomial on [-4, 4],
    /// error near float rounding); branch-free, so the loop vectorises.
    private func gelu(_ x: inout [Float]) {
        x.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let value = p[i]
                let z = min(max(value * 0.70710678118654752, -4), 4)
                let z2 = z * z
                var numerator: Float = -2.72614225801306e-10
                numerator = numerator * z2 + 2.77068142495902e-08
                numerator = numerator * z2 - 2.10102402082508e-06
                numerator = numerator * z2 - 5.69250639462346e-05
                numerator = numerator * z2 - 7.34990630326855e-04
                numerator = numerator * z2 - 2.95459980854025e-03
                numerator = numerator * z2 - 1.60960333262415e-02
                numerator *= z
                var denominator: Float = -1.45660718464996e-05
                denominator = denominator * z2 - 2.13374055278905e-04
                denominator = denominator * z2 - 1.68282697438203e-03
                denominator = denominator * z2 - 7.37332916720468e-03
                denominator = denominator * z2 - 1.42647390514189e-02
                p[i] = 0.5 * value * (1 + numerator / denominator)
            }
        }
    }
}
