// SequenceClassificationHead: Hugging Face's `ElectraClassificationHead`, the sentence-level head of
// `ElectraForSequenceClassification`, on the [CLS] token.

import ElectraNN
import ElectraTensor

/// `logits = out_proj(dropout(gelu(dense(dropout(h₀)))))`, `h₀` each sequence's first ([CLS]) state.
///
/// As `transformers`' `ElectraClassificationHead` (modeling_electra.py): GELU is the exact (erf) one
/// (`get_activation("gelu")`), both dropouts have `classifier_dropout`, or `hidden_dropout_prob`
/// when that is null. Tensors `classifier.dense.*` `[H, H]`, `classifier.out_proj.*` `[L, H]`.
/// Shapes: hidden `[B·T, H]`, logits `[B, L]`.
public struct SequenceClassificationHead {
    public let dense: Linear
    public let output: Linear

    public init(_ store: ParameterStore, prefix: String = "classifier") {
        dense = Linear(store, "\(prefix).dense")
        output = Linear(store, "\(prefix).out_proj")
    }

    public static func layout(hidden H: Int, labels L: Int, prefix: String = "classifier") -> [(name: String, shape: [Int])] {
        Linear.layout("\(prefix).dense", inputs: H, outputs: H) + Linear.layout("\(prefix).out_proj", inputs: H, outputs: L)
    }

    /// Buffers for `batch` sequences.
    public final class Workspace {
        let B: Int, T: Int
        let first, dropped, inner, activated, activatedDropped: Tensor   // [B, H]
        let inputDropout, innerDropout: DropoutLayer
        public let logits: Tensor                                        // [B, L]
        let dLogits: Tensor                                              // [B, L]
        let logSumExp: Tensor                                            // [B]
        let dActivatedDropped, dActivated, dInner, dDropped, dFirst: Tensor   // [B, H]

        /// `dropout` 0 outside training.
        public init(batch B: Int, length T: Int, hidden H: Int, labels L: Int, dropout: Float) {
            (self.B, self.T) = (B, T)
            first = Tensor(zeros: [B, H]); dropped = Tensor(zeros: [B, H]); inner = Tensor(zeros: [B, H])
            activated = Tensor(zeros: [B, H]); activatedDropped = Tensor(zeros: [B, H])
            inputDropout = DropoutLayer(probability: dropout, shape: [B, H])
            innerDropout = DropoutLayer(probability: dropout, shape: [B, H])
            logits = Tensor(zeros: [B, L]); dLogits = Tensor(zeros: [B, L]); logSumExp = Tensor(zeros: [B])
            dActivatedDropped = Tensor(zeros: [B, H]); dActivated = Tensor(zeros: [B, H]); dInner = Tensor(zeros: [B, H])
            dDropped = Tensor(zeros: [B, H]); dFirst = Tensor(zeros: [B, H])
        }
    }

    /// Logits `[B, L]` (a workspace view). Dropout masks are drawn from `generator` (input first).
    @discardableResult
    public func forward(_ hidden: Tensor, _ w: Workspace, generator: inout RandomGenerator) -> Tensor {
        let H = hidden.columns
        precondition(hidden.rows == w.B * w.T, "SequenceClassificationHead: \(hidden.rows) rows for \(w.B)×\(w.T)")
        let hp = hidden.pointer, fp = w.first.pointer
        for b in 0..<w.B { (fp + b * H).update(from: hp + b * w.T * H, count: H) }
        w.inputDropout.forward(w.first, into: w.dropped, generator: &generator)
        dense.forward(w.dropped, into: w.inner)
        GELU.forward(w.inner, into: w.activated)
        w.innerDropout.forward(w.activated, into: w.activatedDropped, generator: &generator)
        output.forward(w.activatedDropped, into: w.logits)
        return w.logits
    }

    /// The loss of the last forward pass against `targets` and, with `dHidden`, `scale` times its
    /// gradients accumulated into `dHidden` (`[B·T, H]`, at each sequence's first row) and `gradients`.
    public func loss(_ targets: ClassificationTargets, hidden: Tensor, _ w: Workspace, dHidden: Tensor?,
                     gradients: SequenceClassificationHead?, scale: Float = 1) -> Float {
        guard let dHidden, let gradients else {
            return ClassificationLoss.evaluate(w.logits, targets, logSumExp: w.logSumExp, dLogits: nil)
        }
        w.dLogits.fill(0)
        let loss = ClassificationLoss.evaluate(w.logits, targets, logSumExp: w.logSumExp, dLogits: w.dLogits, scale: scale)
        backward(w.dLogits, w, dHidden: dHidden, gradients: gradients)
        return loss
    }

    /// Accumulates `dHidden` and the head's gradients from `dLogits` (`[B, L]`).
    public func backward(_ dLogits: Tensor, _ w: Workspace, dHidden: Tensor, gradients: SequenceClassificationHead) {
        output.backward(dLogits, input: w.activatedDropped, dX: w.dActivatedDropped, overwriteDX: true, gradients: gradients.output)
        w.innerDropout.backward(w.dActivatedDropped, dX: w.dActivated, accumulate: false)
        w.dInner.fill(0)
        GELU.backward(w.dActivated, w.inner, dX: w.dInner)
        dense.backward(w.dInner, input: w.dropped, dX: w.dDropped, overwriteDX: true, gradients: gradients.dense)
        w.inputDropout.backward(w.dDropped, dX: w.dFirst, accumulate: false)
        let H = dHidden.columns, dp = dHidden.pointer, sp = w.dFirst.pointer
        for b in 0..<w.B {
            let target = dp + b * w.T * H, source = sp + b * H
            for c in 0..<H { target[c] += source[c] }
        }
    }
}
