// Heads: the discriminator's replaced-token classifier and the generator's masked-LM head.

import ElectraNN
import ElectraTensor

/// `discriminator_predictions`: `logit = dense_prediction(gelu(dense(h)))`, one logit per position.
public struct DiscriminatorHead {
    public let dense: Linear
    public let prediction: Linear

    public init(_ store: ParameterStore, _ prefix: String = "discriminator_predictions") {
        dense = Linear(store, "\(prefix).dense")
        prediction = Linear(store, "\(prefix).dense_prediction")
    }

    public static func layout(_ config: ElectraConfig, _ prefix: String = "discriminator_predictions") -> [(name: String, shape: [Int])] {
        Linear.layout("\(prefix).dense", inputs: config.hiddenSize, outputs: config.hiddenSize)
            + Linear.layout("\(prefix).dense_prediction", inputs: config.hiddenSize, outputs: 1)
    }

    /// Buffers for `positions` rows.
    public final class Workspace {
        let inner, activated, dInner: Tensor   // [N, H]
        public let logits: Tensor              // [N, 1]

        public init(positions N: Int, hidden H: Int) {
            inner = Tensor(zeros: [N, H]); activated = Tensor(zeros: [N, H]); dInner = Tensor(zeros: [N, H])
            logits = Tensor(zeros: [N, 1])
        }
    }

    /// Logits `[N, 1]` for hidden states `[N, H]`.
    @discardableResult
    public func forward(_ hidden: Tensor, _ w: Workspace) -> Tensor {
        dense.forward(hidden, into: w.inner)
        GELU.forward(w.inner, into: w.activated)
        prediction.forward(w.activated, into: w.logits)
        return w.logits
    }

    /// Accumulates `dHidden` and the head's gradients from `dLogits` (`[N, 1]`).
    public func backward(_ dLogits: Tensor, hidden: Tensor, _ w: Workspace, dHidden: Tensor, gradients: DiscriminatorHead) {
        w.dInner.fill(0)
        prediction.backward(dLogits.reshaped([dLogits.count, 1]), input: w.activated, dX: w.dInner, gradients: gradients.prediction)
        let dPre = w.activated   // no longer needed: holds gelu's input gradient
        dPre.fill(0)
        GELU.backward(w.dInner, w.inner, dX: dPre)
        dense.backward(dPre, input: hidden, dX: dHidden, gradients: gradients.dense)
    }
}

/// `generator_predictions` and `generator_lm_head`: `logits = LayerNorm(gelu(dense(h))) Eᵀ + b`, where
/// `E` is the word-embedding table (tied) and `b` the head's own bias, computed only at chosen rows.
public struct GeneratorHead {
    public let dense: Linear
    public let norm: LayerNormParameters
    /// `[V, E]`: the word embeddings.
    public let outputWeight: Tensor
    /// `generator_lm_head.bias`, `[V]`.
    public let outputBias: Tensor

    /// The head in `store`, its names preceded by `prefix` (empty for a Hugging Face directory,
    /// `generator.` inside a pretraining store).
    public init(_ store: ParameterStore, config: ElectraConfig, wordEmbeddings: Tensor, prefix: String = "") {
        dense = Linear(store, "\(prefix)generator_predictions.dense")
        norm = LayerNormParameters(store, "\(prefix)generator_predictions.LayerNorm", epsilon: config.layerNormEps)
        outputWeight = wordEmbeddings
        outputBias = store["\(prefix)generator_lm_head.bias"]
    }

    public static func layout(_ config: ElectraConfig, prefix: String = "") -> [(name: String, shape: [Int])] {
        Linear.layout("\(prefix)generator_predictions.dense", inputs: config.hiddenSize, outputs: config.embeddingSize)
            + LayerNormParameters.layout("\(prefix)generator_predictions.LayerNorm", size: config.embeddingSize)
            + [("\(prefix)generator_lm_head.bias", [config.vocabSize])]
    }

    /// Buffers for up to `rows` predicted positions.
    public final class Workspace {
        public let capacity: Int
        let gathered, dGathered: Tensor             // [R, H]
        let inner, activated, normalized: Tensor   // [R, E]
        let statistics: LayerNormStatistics
        let dNormalized, dActivated: Tensor        // [R, E]
        let logitsStorage: Tensor                  // [R, V]

        public init(rows R: Int, config: ElectraConfig) {
            capacity = R
            let H = config.hiddenSize, E = config.embeddingSize
            gathered = Tensor(zeros: [R, H]); dGathered = Tensor(zeros: [R, H])
            inner = Tensor(zeros: [R, E]); activated = Tensor(zeros: [R, E]); normalized = Tensor(zeros: [R, E])
            statistics = LayerNormStatistics(rows: R, columns: E)
            dNormalized = Tensor(zeros: [R, E]); dActivated = Tensor(zeros: [R, E])
            logitsStorage = Tensor(zeros: [R, config.vocabSize])
        }

        func view(_ t: Tensor, _ rows: Int) -> Tensor { t.rows(0..<rows) }
    }

    /// Logits `[R, V]` at positions `rows` of hidden states `[N, H]` (a workspace view).
    public func forward(_ hidden: Tensor, rows: [Int32], _ w: Workspace) -> Tensor {
        let R = rows.count
        precondition(R <= w.capacity, "GeneratorHead: \(R) rows in a workspace for \(w.capacity)")
        let H = hidden.columns, hp = hidden.pointer, gp = w.gathered.pointer
        for (i, row) in rows.enumerated() { (gp + i * H).update(from: hp + Int(row) * H, count: H) }
        let gathered = w.view(w.gathered, R), inner = w.view(w.inner, R), activated = w.view(w.activated, R)
        let normalized = w.view(w.normalized, R), logits = w.view(w.logitsStorage, R)
        dense.forward(gathered, into: inner)
        GELU.forward(inner, into: activated)
        norm.forward(activated, into: normalized, statistics: LayerNormStatistics(viewing: w.statistics, rows: R))
        Matmul.forward(normalized, outputWeight, transposeB: true, into: logits)
        BiasAdd.forward(logits, bias: outputBias)
        return logits
    }

    /// Accumulates `dHidden` (`[N, H]`, scattered to `rows`) and the head's gradients from `dLogits`
    /// (`[R, V]`). The tied output weight's gradient goes to `gradients.outputWeight`.
    public func backward(_ dLogits: Tensor, rows: [Int32], _ w: Workspace, dHidden: Tensor, gradients: GeneratorHead) {
        let R = rows.count
        let gathered = w.view(w.gathered, R), inner = w.view(w.inner, R), activated = w.view(w.activated, R)
        let normalized = w.view(w.normalized, R), dNormalized = w.view(w.dNormalized, R)
        let dActivated = w.view(w.dActivated, R), dGathered = w.view(w.dGathered, R)
        dNormalized.fill(0)
        Matmul.backward(dLogits, normalized, outputWeight, transposeB: true, dA: dNormalized, dB: gradients.outputWeight)
        BiasAdd.backward(dLogits, dBias: gradients.outputBias)
        dActivated.fill(0)
        norm.backward(dNormalized, input: activated, statistics: LayerNormStatistics(viewing: w.statistics, rows: R),
                      dX: dActivated, gradients: gradients.norm)
        let dInner = dNormalized   // reuse
        dInner.fill(0)
        GELU.backward(dActivated, inner, dX: dInner)
        dGathered.fill(0)
        dense.backward(dInner, input: gathered, dX: dGathered, gradients: gradients.dense)
        let H = dHidden.columns, dp = dHidden.pointer, sp = dGathered.pointer
        for (i, row) in rows.enumerated() {
            let target = dp + Int(row) * H, source = sp + i * H
            for c in 0..<H { target[c] += source[c] }
        }
    }
}

extension LayerNormStatistics {
    /// The first `rows` entries of `statistics`.
    init(viewing statistics: LayerNormStatistics, rows: Int) {
        self.init(mean: statistics.mean.prefix(rows), rstd: statistics.rstd.prefix(rows), partials: statistics.partials)
    }
}
