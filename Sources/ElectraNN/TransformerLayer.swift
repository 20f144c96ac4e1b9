// TransformerLayer: one post-LN encoder layer (HF `ElectraLayer`): self-attention, then feed-forward.
//
//   q, k, v = x Wqᵀ, x Wkᵀ, x Wvᵀ (+ biases)
//   a  = LayerNorm(dropout(Attention(q, k, v) Woᵀ + bo) + x)
//   y  = LayerNorm(dropout(gelu(a W1ᵀ + b1) W2ᵀ + b2) + a)
//
// Legend: N = B·T positions, H hidden size, I intermediate size, NH heads.

import ElectraTensor

/// One encoder layer's parameters.
public struct TransformerLayer {
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let attentionOutput: Linear
    public let attentionNorm: LayerNormParameters
    public let intermediate: Linear
    public let output: Linear
    public let outputNorm: LayerNormParameters
    public let heads: Int

    /// The layer `prefix` (`electra.encoder.layer.3`, say) of `store`.
    public init(_ store: ParameterStore, _ prefix: String, heads: Int, epsilon: Float) {
        query = Linear(store, "\(prefix).attention.self.query")
        key = Linear(store, "\(prefix).attention.self.key")
        value = Linear(store, "\(prefix).attention.self.value")
        attentionOutput = Linear(store, "\(prefix).attention.output.dense")
        attentionNorm = LayerNormParameters(store, "\(prefix).attention.output.LayerNorm", epsilon: epsilon)
        intermediate = Linear(store, "\(prefix).intermediate.dense")
        output = Linear(store, "\(prefix).output.dense")
        outputNorm = LayerNormParameters(store, "\(prefix).output.LayerNorm", epsilon: epsilon)
        self.heads = heads
    }

    /// Hugging Face's names and shapes for a layer.
    public static func layout(_ prefix: String, hidden H: Int, intermediate I: Int) -> [(name: String, shape: [Int])] {
        Linear.layout("\(prefix).attention.self.query", inputs: H, outputs: H)
            + Linear.layout("\(prefix).attention.self.key", inputs: H, outputs: H)
            + Linear.layout("\(prefix).attention.self.value", inputs: H, outputs: H)
            + Linear.layout("\(prefix).attention.output.dense", inputs: H, outputs: H)
            + LayerNormParameters.layout("\(prefix).attention.output.LayerNorm", size: H)
            + Linear.layout("\(prefix).intermediate.dense", inputs: H, outputs: I)
            + Linear.layout("\(prefix).output.dense", inputs: I, outputs: H)
            + LayerNormParameters.layout("\(prefix).output.LayerNorm", size: H)
    }

    /// What one layer's forward pass keeps for its backward pass.
    public final class Activations {
        let q, k, v, context, attentionDense, attentionSum, attended: Tensor    // [N, H]
        let attentionStatistics: LayerNormStatistics
        let attentionDropout: DropoutLayer
        let attention: Attention.Buffers
        let inner, activated: Tensor                                              // [N, I]
        let outputDense, outputSum: Tensor                                        // [N, H]
        let outputStatistics: LayerNormStatistics
        let outputDropout: DropoutLayer
        /// The layer's output `y`, `[N, H]`.
        public let result: Tensor

        public init(batch B: Int, length T: Int, hidden H: Int, intermediate I: Int, heads: Int,
                    hiddenDropout: Float, attentionDropout: Float) {
            let N = B * T
            q = Tensor(zeros: [B, T, H]); k = Tensor(zeros: [B, T, H]); v = Tensor(zeros: [B, T, H])
            context = Tensor(zeros: [B, T, H])
            attentionDense = Tensor(zeros: [N, H])
            attentionSum = Tensor(zeros: [N, H])
            attended = Tensor(zeros: [N, H])
            attentionStatistics = LayerNormStatistics(rows: N, columns: H)
            self.attentionDropout = DropoutLayer(probability: hiddenDropout, shape: [N, H])
            attention = Attention.Buffers(batch: B, heads: heads, tokens: T, dropout: attentionDropout > 0)
            inner = Tensor(zeros: [N, I]); activated = Tensor(zeros: [N, I])
            outputDense = Tensor(zeros: [N, H]); outputSum = Tensor(zeros: [N, H])
            outputStatistics = LayerNormStatistics(rows: N, columns: H)
            outputDropout = DropoutLayer(probability: hiddenDropout, shape: [N, H])
            result = Tensor(zeros: [N, H])
            attentionProbabilityDropout = attentionDropout
        }

        let attentionProbabilityDropout: Float
    }

    /// Gradient buffers shared by all layers of an encoder (used one layer at a time).
    public final class GradientScratch {
        let dSum, dAttended, dContext, dQ, dK, dV: Tensor    // [N, H] / [B, T, H]
        let dInner: Tensor                                   // [N, I]

        public init(batch B: Int, length T: Int, hidden H: Int, intermediate I: Int) {
            let N = B * T
            dSum = Tensor(zeros: [N, H]); dAttended = Tensor(zeros: [N, H])
            dContext = Tensor(zeros: [B, T, H])
            dQ = Tensor(zeros: [B, T, H]); dK = Tensor(zeros: [B, T, H]); dV = Tensor(zeros: [B, T, H])
            dInner = Tensor(zeros: [N, I])
        }
    }

    /// Runs the layer on `x` (`[N, H]`) with the additive key mask `mask` (`[B, T]`).
    public func forward(_ x: Tensor, mask: Tensor?, _ a: Activations, generator: inout RandomGenerator) {
        let flatX = x.reshaped(a.q.shape)
        query.forward(flatX, into: a.q)
        key.forward(flatX, into: a.k)
        value.forward(flatX, into: a.v)
        if let dropout = a.attention.dropout {
            Dropout.makeMask(dropout.scale, probability: a.attentionProbabilityDropout, generator: &generator)
        }
        Attention.forward(query: a.q, key: a.k, value: a.v, heads: heads, mask: mask, buffers: a.attention, into: a.context)
        attentionOutput.forward(a.context, into: a.attentionDense)
        a.attentionDropout.forward(a.attentionDense, into: a.attentionSum, generator: &generator)
        Add.accumulate(x, into: a.attentionSum)
        attentionNorm.forward(a.attentionSum, into: a.attended, statistics: a.attentionStatistics)
        intermediate.forward(a.attended, into: a.inner)
        GELU.forward(a.inner, into: a.activated)
        output.forward(a.activated, into: a.outputDense)
        a.outputDropout.forward(a.outputDense, into: a.outputSum, generator: &generator)
        Add.accumulate(a.attended, into: a.outputSum)
        outputNorm.forward(a.outputSum, into: a.result, statistics: a.outputStatistics)
    }

    /// From `dY` (`[N, H]`, the gradient of the layer's output), accumulates `dX` and the layer's
    /// parameter gradients into `gradients`.
    public func backward(_ dY: Tensor, input x: Tensor, _ a: Activations, scratch s: GradientScratch,
                         dX: Tensor, gradients g: TransformerLayer) {
        // y = LN2(s2), s2 = dropout(d2) + attended
        s.dSum.fill(0)
        outputNorm.backward(dY, input: a.outputSum, statistics: a.outputStatistics, dX: s.dSum, gradients: g.outputNorm)
        s.dAttended.copy(from: s.dSum)                         // residual path
        // d2 = gelu(inner) W2ᵀ + b2: reuse dContext's storage for dropout's gradient.
        let dDense = s.dContext.reshaped(s.dSum.shape)
        dDense.fill(0)
        a.outputDropout.backward(s.dSum, dX: dDense)
        s.dInner.fill(0)
        output.backward(dDense, input: a.activated, dX: s.dInner, gradients: g.output)
        // inner = attended W1ᵀ + b1; the GELU gradient goes in place of dInner via `activated`'s twin.
        let dInnerPreActivation = a.activated            // `activated` is no longer needed
        dInnerPreActivation.fill(0)
        GELU.backward(s.dInner, a.inner, dX: dInnerPreActivation)
        intermediate.backward(dInnerPreActivation, input: a.attended, dX: s.dAttended, gradients: g.intermediate)
        // attended = LN1(s1), s1 = dropout(d1) + x
        s.dSum.fill(0)
        attentionNorm.backward(s.dAttended, input: a.attentionSum, statistics: a.attentionStatistics, dX: s.dSum,
                               gradients: g.attentionNorm)
        Add.accumulate(s.dSum, into: dX)                       // residual path
        dDense.fill(0)
        a.attentionDropout.backward(s.dSum, dX: dDense)
        // d1 = context Woᵀ + bo
        let dContext = s.dAttended.reshaped(a.context.shape)   // dAttended is consumed
        dContext.fill(0)
        attentionOutput.backward(dDense, input: a.context, dX: dContext, gradients: g.attentionOutput)
        s.dQ.fill(0); s.dK.fill(0); s.dV.fill(0)
        Attention.backward(dContext: dContext, query: a.q, key: a.k, value: a.v, heads: heads, buffers: a.attention,
                           dQuery: s.dQ, dKey: s.dK, dValue: s.dV)
        let flatX = x.reshaped(a.q.shape), flatDX = dX.reshaped(a.q.shape)
        query.backward(s.dQ, input: flatX, dX: flatDX, gradients: g.query)
        key.backward(s.dK, input: flatX, dX: flatDX, gradients: g.key)
        value.backward(s.dV, input: flatX, dX: flatDX, gradients: g.value)
    }
}
