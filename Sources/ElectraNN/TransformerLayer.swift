// TransformerLayer: one post-LN encoder layer (HF `ElectraLayer`): self-attention, then feed-forward.
//
//   q | k | v = x [Wq; Wk; Wv]ᵀ + [bq; bk; bv]     (one [3H, H] product)
//   a  = LayerNorm(dropout(Attention(q, k, v) Woᵀ + bo) + x)
//   y  = LayerNorm(dropout(gelu(a W1ᵀ + b1) W2ᵀ + b2) + a)
//
// Each sublayer's bias, dropout, residual sum and LayerNorm run as one pass over the rows
// (`LayerNorm.forward(residualSumOf:)`), and the intermediate bias with GELU as another.
//
// Legend: N = B·T positions, H hidden size, I intermediate size, NH heads.

import ElectraTensor

/// One encoder layer's parameters.
public struct TransformerLayer {
    /// The query, key and value projections as one `[3H, H]` layer (Hugging Face's three
    /// `attention.self.{query,key,value}` tensors, packed side by side in the store).
    public let queryKeyValue: Linear
    public let attentionOutput: Linear
    public let attentionNorm: LayerNormParameters
    public let intermediate: Linear
    public let output: Linear
    public let outputNorm: LayerNormParameters
    public let heads: Int

    /// The layer `prefix` (`electra.encoder.layer.3`, say) of `store`, laid out by `layout`.
    public init(_ store: ParameterStore, _ prefix: String, heads: Int, epsilon: Float) {
        queryKeyValue = Linear(store, stacking: ["query", "key", "value"].map { "\(prefix).attention.self.\($0)" })
        attentionOutput = Linear(store, "\(prefix).attention.output.dense")
        attentionNorm = LayerNormParameters(store, "\(prefix).attention.output.LayerNorm", epsilon: epsilon)
        intermediate = Linear(store, "\(prefix).intermediate.dense")
        output = Linear(store, "\(prefix).output.dense")
        outputNorm = LayerNormParameters(store, "\(prefix).output.LayerNorm", epsilon: epsilon)
        self.heads = heads
    }

    /// Hugging Face's names and shapes for a layer; the three projection weights, then their biases,
    /// come first and together so that the store packs them into one block each.
    public static func layout(_ prefix: String, hidden H: Int, intermediate I: Int) -> [(name: String, shape: [Int])] {
        let projections = ["query", "key", "value"].map { "\(prefix).attention.self.\($0)" }
        return projections.map { ("\($0).weight", [H, H]) } + projections.map { ("\($0).bias", [H]) }
            + Linear.layout("\(prefix).attention.output.dense", inputs: H, outputs: H)
            + LayerNormParameters.layout("\(prefix).attention.output.LayerNorm", size: H)
            + Linear.layout("\(prefix).intermediate.dense", inputs: H, outputs: I)
            + Linear.layout("\(prefix).output.dense", inputs: I, outputs: H)
            + LayerNormParameters.layout("\(prefix).output.LayerNorm", size: H)
    }

    /// What one layer's forward pass keeps for its backward pass.
    public final class Activations {
        let projection: Tensor                                                  // [B, T, 3H]: q | k | v
        let context, dense, attentionSum, attended: Tensor                      // [N, H]
        let attentionStatistics: LayerNormStatistics
        let attentionDropout: DropoutLayer
        let attention: Attention.Workspace
        let attentionProbabilityDropout: Attention.DropoutMask?
        var mask: Tensor?
        let inner, activated: Tensor                                            // [N, I]
        let outputSum: Tensor                                                   // [N, H]
        let outputStatistics: LayerNormStatistics
        let outputDropout: DropoutLayer
        /// The layer's output `y`, `[N, H]`.
        public let result: Tensor

        /// Buffers for one batch shape; `attention` is the scratch every layer of an encoder shares
        /// (a new one when `nil`).
        public init(batch B: Int, length T: Int, hidden H: Int, intermediate I: Int, heads: Int,
                    hiddenDropout: Float, attentionDropout: Float, attention: Attention.Workspace? = nil) {
            let N = B * T
            projection = Tensor(zeros: [B, T, 3 * H])
            context = Tensor(zeros: [B, T, H])
            dense = Tensor(zeros: [N, H])
            attentionSum = Tensor(zeros: [N, H])
            attended = Tensor(zeros: [N, H])
            attentionStatistics = LayerNormStatistics(rows: N, columns: H)
            self.attentionDropout = DropoutLayer(probability: hiddenDropout, shape: [N, H])
            self.attention = attention ?? Attention.Workspace(batch: B, heads: heads, tokens: T)
            attentionProbabilityDropout = attentionDropout > 0
                ? Attention.DropoutMask(probability: attentionDropout, batch: B, heads: heads, tokens: T) : nil
            inner = Tensor(zeros: [N, I]); activated = Tensor(zeros: [N, I])
            outputSum = Tensor(zeros: [N, H])
            outputStatistics = LayerNormStatistics(rows: N, columns: H)
            outputDropout = DropoutLayer(probability: hiddenDropout, shape: [N, H])
            result = Tensor(zeros: [N, H])
        }
    }

    /// Gradient buffers shared by all layers of an encoder (used one layer at a time).
    public final class GradientScratch {
        let dSum, dDense, dContext: Tensor    // [N, H]
        let dProjection: Tensor               // [B, T, 3H]
        let dInner: Tensor                    // [N, I]

        public init(batch B: Int, length T: Int, hidden H: Int, intermediate I: Int) {
            let N = B * T
            dSum = Tensor(zeros: [N, H]); dDense = Tensor(zeros: [N, H])
            dContext = Tensor(zeros: [B, T, H])
            dProjection = Tensor(zeros: [B, T, 3 * H])
            dInner = Tensor(zeros: [N, I])
        }
    }

    /// Runs the layer on `x` (`[N, H]`) with the additive key mask `mask` (`[B, T]`).
    public func forward(_ x: Tensor, mask: Tensor?, _ a: Activations, generator: inout RandomGenerator) {
        queryKeyValue.forward(x, into: a.projection)
        a.mask = mask
        a.attentionProbabilityDropout?.draw(from: &generator)
        Attention.forward(projection: a.projection, heads: heads, mask: mask, dropout: a.attentionProbabilityDropout,
                          workspace: a.attention, into: a.context)
        // attended = LN1(dropout(context Woᵀ + bo) + x)
        attentionOutput.product(a.context, into: a.dense)
        a.attentionDropout.drawMask(generator: &generator)
        attentionNorm.forward(residualSumOf: a.dense, denseBias: attentionOutput.bias, mask: a.attentionDropout.mask,
                              residual: x, sum: a.attentionSum, into: a.attended, statistics: a.attentionStatistics)
        // y = LN2(dropout(gelu(attended W1ᵀ + b1) W2ᵀ + b2) + attended)
        intermediate.product(a.attended, into: a.inner)
        if let bias = intermediate.bias { GELU.forward(a.inner, bias: bias, into: a.activated) }
        else { GELU.forward(a.inner, into: a.activated) }
        output.product(a.activated, into: a.dense)
        a.outputDropout.drawMask(generator: &generator)
        outputNorm.forward(residualSumOf: a.dense, denseBias: output.bias, mask: a.outputDropout.mask,
                           residual: a.attended, sum: a.outputSum, into: a.result, statistics: a.outputStatistics)
    }

    /// From `dY` (`[N, H]`, the gradient of the layer's output), writes `dX` and accumulates the
    /// layer's parameter gradients into `gradients`.
    public func backward(_ dY: Tensor, input x: Tensor, _ a: Activations, scratch s: GradientScratch,
                         dX: Tensor, gradients g: TransformerLayer) {
        // y = LN2(s2), s2 = dropout(d2) + attended, d2 = gelu(inner) W2ᵀ + b2
        outputNorm.backward(dY, input: a.outputSum, statistics: a.outputStatistics, dX: s.dSum,
                            gradients: g.outputNorm, accumulate: false)
        a.outputDropout.backward(s.dSum, dX: s.dDense, accumulate: false)
        output.backward(s.dDense, input: a.activated, dX: s.dInner, overwriteDX: true, gradients: g.output)
        // inner = attended W1ᵀ + b1; gelu's gradient goes where `activated` was (no longer needed).
        let dInnerPreActivation = a.activated
        GELU.backward(s.dInner, a.inner, dX: dInnerPreActivation, accumulate: false)
        // dAttended = dS2 (the residual path, in dSum) + dInner W1
        intermediate.backward(dInnerPreActivation, input: a.attended, dX: s.dSum, gradients: g.intermediate)
        // attended = LN1(s1), s1 = dropout(d1) + x; dX starts as the residual path's dS1.
        attentionNorm.backward(s.dSum, input: a.attentionSum, statistics: a.attentionStatistics, dX: dX,
                               gradients: g.attentionNorm, accumulate: false)
        a.attentionDropout.backward(dX, dX: s.dDense, accumulate: false)
        // d1 = context Woᵀ + bo
        attentionOutput.backward(s.dDense, input: a.context, dX: s.dContext, overwriteDX: true, gradients: g.attentionOutput)
        Attention.backward(dContext: s.dContext, projection: a.projection, heads: heads, mask: a.mask,
                           dropout: a.attentionProbabilityDropout, workspace: a.attention, dProjection: s.dProjection)
        queryKeyValue.backward(s.dProjection, input: x, dX: dX, gradients: g.queryKeyValue)
    }
}
