// TokenClassificationHead: Hugging Face's `ElectraForTokenClassification` head: a label per token.

import ElectraNN
import ElectraTensor

/// `logits = classifier(dropout(h))` at every position: `classifier.*` `[L, H]`, dropout
/// `classifier_dropout` (or `hidden_dropout_prob` when that is null), as `transformers`'
/// `ElectraForTokenClassification`. The loss is cross-entropy averaged over the positions whose label
/// is not −100 (sub-tokens after a word's first, special tokens, padding). Shapes: hidden `[N, H]`,
/// logits `[N, L]`, `N = B·T`.
public struct TokenClassificationHead {
    public let classifier: Linear

    public init(_ store: ParameterStore, prefix: String = "classifier") {
        classifier = Linear(store, prefix)
    }

    public static func layout(hidden H: Int, labels L: Int, prefix: String = "classifier") -> [(name: String, shape: [Int])] {
        Linear.layout(prefix, inputs: H, outputs: L)
    }

    /// Buffers for `positions` rows.
    public final class Workspace {
        let dropped, dDropped: Tensor     // [N, H]
        let dropout: DropoutLayer
        public let logits: Tensor         // [N, L]
        let dLogits: Tensor               // [N, L]
        let logSumExp: Tensor             // [N]

        /// `dropout` 0 outside training.
        public init(positions N: Int, hidden H: Int, labels L: Int, dropout: Float) {
            dropped = Tensor(zeros: [N, H]); dDropped = Tensor(zeros: [N, H])
            self.dropout = DropoutLayer(probability: dropout, shape: [N, H])
            logits = Tensor(zeros: [N, L]); dLogits = Tensor(zeros: [N, L]); logSumExp = Tensor(zeros: [N])
        }
    }

    /// Logits `[N, L]` (a workspace view), the dropout mask drawn from `generator`.
    @discardableResult
    public func forward(_ hidden: Tensor, _ w: Workspace, generator: inout RandomGenerator) -> Tensor {
        w.dropout.forward(hidden, into: w.dropped, generator: &generator)
        classifier.forward(w.dropped, into: w.logits)
        return w.logits
    }

    /// The loss of the last forward pass against `labels` (`[N]`, −100 ignored) and, with `dHidden`,
    /// `scale` times its gradients accumulated into `dHidden` (`[N, H]`) and `gradients`.
    public func loss(_ labels: [Int32], _ w: Workspace, dHidden: Tensor?, gradients: TokenClassificationHead?, scale: Float = 1) -> Float {
        guard let dHidden, let gradients else {
            return ClassificationLoss.evaluate(w.logits, .classes(labels), logSumExp: w.logSumExp, dLogits: nil)
        }
        w.dLogits.fill(0)
        let loss = ClassificationLoss.evaluate(w.logits, .classes(labels), logSumExp: w.logSumExp, dLogits: w.dLogits, scale: scale)
        classifier.backward(w.dLogits, input: w.dropped, dX: w.dDropped, overwriteDX: true, gradients: gradients.classifier)
        w.dropout.backward(w.dDropped, dX: dHidden)
        return loss
    }
}
