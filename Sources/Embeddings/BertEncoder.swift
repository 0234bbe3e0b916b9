import COpenBLAS
import Foundation

/// The BERT forward pass on the CPU: every matrix product is one OpenBLAS `sgemm` over the whole
/// padded batch; attention runs per sequence and head on strided views; padded keys are masked.
struct BertEncoder: Sendable {
    let weights: BertWeights
    let layerNormEpsilon: Float = 1e-12

    /// Mean-pooled, L2-normalised sentence vectors for a batch of token-id sequences.
    func embed(_ batch: [[Int32]]) -> [[Float]] {
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
        for layer in weights.layers {
            linear(x, rows: rows, inSize: h, weight: layer.query, bias: layer.queryBias, outSize: h, into: &q)
            linear(x, rows: rows, inSize: h, weight: layer.key, bias: layer.keyBias, outSize: h, into: &kk)
            linear(x, rows: rows, inSize: h, weight: layer.value, bias: layer.valueBias, outSize: h, into: &v)
            attention(q: q, k: kk, v: v, batch: b, length: t, lengths: lengths, into: &context)
            linear(context, rows: rows, inSize: h, weight: layer.attentionOutput, bias: layer.attentionOutputBias, outSize: h, into: &projected)
            add(x, into: &projected)
            layerNorm(&projected, rows: rows, weight: layer.attentionNormWeight, bias: layer.attentionNormBias)
            linear(projected, rows: rows, inSize: h, weight: layer.intermediate, bias: layer.intermediateBias,
                   outSize: weights.intermediateSize, into: &inter)
            gelu(&inter)
            linear(inter, rows: rows, inSize: weights.intermediateSize, weight: layer.output, bias: layer.outputBias, outSize: h, into: &x)
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

    /// out[rows, outSize] = input[rows, inSize] · weightᵀ + bias.
    private func linear(_ input: [Float], rows: Int, inSize: Int, weight: [Float], bias: [Float], outSize: Int, into out: inout [Float]) {
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
                                    for r in 0..<n {
                                        let row = sp.baseAddress! + r * n
                                        var maximum = -Float.infinity
                                        for c in 0..<n { maximum = max(maximum, row[c]) }
                                        var sum: Float = 0
                                        for c in 0..<n { let e = expf(row[c] - maximum); row[c] = e; sum += e }
                                        let inverse = 1 / sum
                                        for c in 0..<n { row[c] *= inverse }
                                    }
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
        let h = weights.hidden
        x.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r * h
                var mean: Float = 0
                for k in 0..<h { mean += row[k] }
                mean /= Float(h)
                var variance: Float = 0
                for k in 0..<h { let dlt = row[k] - mean; variance += dlt * dlt }
                variance /= Float(h)
                let inverse = 1 / (variance + layerNormEpsilon).squareRoot()
                for k in 0..<h { row[k] = (row[k] - mean) * inverse * weight[k] + bias[k] }
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
