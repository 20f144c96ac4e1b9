// SpanHead: Hugging Face's `ElectraForQuestionAnswering` head, `qa_outputs`: start and end logits
// from one linear layer.

import ElectraNN
import ElectraTensor

/// `[start, end] = h W_qaᵀ + b`, `W_qa` `[2, H]`. The loss is Hugging Face's: the mean of the start
/// and end cross-entropies over the batch, positions outside the sequence ignored.
public struct SpanHead {
    public let output: Linear

    public init(_ store: ParameterStore, prefix: String = "qa_outputs") {
        output = Linear(store, prefix)
    }

    public static func layout(hidden: Int, prefix: String = "qa_outputs") -> [(name: String, shape: [Int])] {
        Linear.layout(prefix, inputs: hidden, outputs: 2)
    }

    /// Buffers for `positions` rows.
    public final class Workspace {
        let logits: Tensor            // [N, 2]
        let start, end: Tensor        // [B, T]
        let dLogits: Tensor           // [N, 2]
        let dStart, dEnd: Tensor      // [B, T]
        let logSumExp, startLogSumExp: Tensor   // [B]

        public init(batch B: Int, length T: Int) {
            logits = Tensor(zeros: [B * T, 2])
            start = Tensor(zeros: [B, T]); end = Tensor(zeros: [B, T])
            dLogits = Tensor(zeros: [B * T, 2])
            dStart = Tensor(zeros: [B, T]); dEnd = Tensor(zeros: [B, T])
            logSumExp = Tensor(zeros: [B]); startLogSumExp = Tensor(zeros: [B])
        }
    }

    /// Start and end logits `[B, T]` each (workspace views).
    public func forward(_ hidden: Tensor, batch B: Int, length T: Int, _ w: Workspace) -> (start: Tensor, end: Tensor) {
        output.forward(hidden, into: w.logits)
        let lp = w.logits.pointer, sp = w.start.pointer, ep = w.end.pointer
        for i in 0..<(B * T) {
            sp[i] = lp[2 * i]
            ep[i] = lp[2 * i + 1]
        }
        return (w.start, w.end)
    }

    /// The loss for gold `starts` and `ends`, and (with `dHidden`) the gradients scaled by `scale`.
    public func loss(hidden: Tensor, starts: [Int32], ends: [Int32], batch B: Int, length T: Int, _ w: Workspace,
                     dHidden: Tensor?, gradients: SpanHead?, scale: Float = 1) -> Float {
        // As Hugging Face: positions are clamped to [0, T], and T (past the end) is ignored.
        let clamp = { (p: Int32) -> Int32 in p >= Int32(T) ? CrossEntropy.ignoreIndex : max(p, 0) }
        let startTargets = starts.map(clamp), endTargets = ends.map(clamp)
        let (startLoss, startCount) = CrossEntropy.forward(w.start, targets: startTargets, logSumExp: w.startLogSumExp)
        let (endLoss, endCount) = CrossEntropy.forward(w.end, targets: endTargets, logSumExp: w.logSumExp)
        if let dHidden, let gradients {
            w.dStart.fill(0); w.dEnd.fill(0)
            CrossEntropy.backward(dLoss: scale / 2, logits: w.start, targets: startTargets, logSumExp: w.startLogSumExp, count: startCount, dLogits: w.dStart)
            CrossEntropy.backward(dLoss: scale / 2, logits: w.end, targets: endTargets, logSumExp: w.logSumExp, count: endCount, dLogits: w.dEnd)
            let dp = w.dLogits.pointer, ds = w.dStart.pointer, de = w.dEnd.pointer
            for i in 0..<(B * T) {
                dp[2 * i] = ds[i]
                dp[2 * i + 1] = de[i]
            }
            output.backward(w.dLogits, input: hidden, dX: dHidden, gradients: gradients.output)
        }
        return (startLoss + endLoss) / 2
    }
}
