import Foundation

/// The weights of a BERT encoder (all-MiniLM-L6-v2: 6 layers, 384 hidden, 12 heads, 1536 FFN).
/// Linear weights keep PyTorch's [out, in] row-major layout; products use sgemm with B transposed.
struct BertWeights: Sendable {
    struct Layer: Sendable {
        var query: [Float], queryBias: [Float]
        var key: [Float], keyBias: [Float]
        var value: [Float], valueBias: [Float]
        var attentionOutput: [Float], attentionOutputBias: [Float]
        var attentionNormWeight: [Float], attentionNormBias: [Float]
        var intermediate: [Float], intermediateBias: [Float]
        var output: [Float], outputBias: [Float]
        var outputNormWeight: [Float], outputNormBias: [Float]
    }

    var hidden: Int
    var heads: Int
    var intermediateSize: Int
    var vocabularySize: Int
    var maxPositions: Int
    var wordEmbeddings: [Float]
    var positionEmbeddings: [Float]
    var tokenTypeEmbeddings: [Float]
    var embeddingNormWeight: [Float]
    var embeddingNormBias: [Float]
    var layers: [Layer]

    init(file: SafeTensors, hidden: Int, heads: Int, intermediateSize: Int, layerCount: Int, vocabularySize: Int,
         maxPositions: Int) throws {
        self.hidden = hidden
        self.heads = heads
        self.intermediateSize = intermediateSize
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        // Some exports prefix names with "bert."; accept both.
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil ? "bert." : ""
        func t(_ name: String, _ shape: [Int]) throws -> [Float] { try file.floats(prefix + name, shape: shape) }
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [vocabularySize, hidden])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [maxPositions, hidden])
        tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [2, hidden])
        embeddingNormWeight = try t("embeddings.LayerNorm.weight", [hidden])
        embeddingNormBias = try t("embeddings.LayerNorm.bias", [hidden])
        layers = try (0..<layerCount).map { i in
            let p = "encoder.layer.\(i)."
            return Layer(
                query: try t(p + "attention.self.query.weight", [hidden, hidden]), queryBias: try t(p + "attention.self.query.bias", [hidden]),
                key: try t(p + "attention.self.key.weight", [hidden, hidden]), keyBias: try t(p + "attention.self.key.bias", [hidden]),
                value: try t(p + "attention.self.value.weight", [hidden, hidden]), valueBias: try t(p + "attention.self.value.bias", [hidden]),
                attentionOutput: try t(p + "attention.output.dense.weight", [hidden, hidden]),
                attentionOutputBias: try t(p + "attention.output.dense.bias", [hidden]),
                attentionNormWeight: try t(p + "attention.output.LayerNorm.weight", [hidden]),
                attentionNormBias: try t(p + "attention.output.LayerNorm.bias", [hidden]),
                intermediate: try t(p + "intermediate.dense.weight", [intermediateSize, hidden]),
                intermediateBias: try t(p + "intermediate.dense.bias", [intermediateSize]),
                output: try t(p + "output.dense.weight", [hidden, intermediateSize]), outputBias: try t(p + "output.dense.bias", [hidden]),
                outputNormWeight: try t(p + "output.LayerNorm.weight", [hidden]), outputNormBias: try t(p + "output.LayerNorm.bias", [hidden]))
        }
    }
}
