// CrossEntropy: softmax cross-entropy over the vocabulary, at the rows that have a target.

import Foundation

/// `loss = mean over selected rows r of (logsumexp(logits[r]) − logits[r, target[r]])`.
///
/// Rows whose target is `ignoreIndex` (−100, as in PyTorch and Hugging Face labels) are skipped
/// entirely: no exponentials are computed for them and their gradient stays zero. The generator's
/// masked-language-model loss in ELECTRA is this, over the masked positions only.
public enum CrossEntropy {
    /// The target value that marks a row as not selected.
    public static let ignoreIndex: Int32 = -100

    /// Mean loss over selected rows of `logits` (`[N, V]`), and how many rows were selected.
    /// Saves each selected row's log-sum-exp in `logSumExp` (`[N]`) for the backward pass.
    public static func forward(_ logits: Tensor, targets: [Int32], logSumExp: Tensor) -> (loss: Float, count: Int) {
        let V = logits.columns, N = logits.rows
        checkShape(targets.count == N && logSumExp.count == N, "CrossEntropy.forward",
                   logits.shape, [targets.count], logSumExp.shape)
        let lp = logits.pointer, sp = logSumExp.pointer
        let width = FloatVector.scalarCount
        targets.withUnsafeBufferPointer { tp in
            Parallel.forEachRange(N, grain: max(1, 32768 / max(V, 1))) { rows in
                for r in rows where tp[r] != ignoreIndex {
                    precondition(tp[r] >= 0 && Int(tp[r]) < V, "CrossEntropy: target \(tp[r]) outside 0..<\(V)")
                    let row = lp + r * V
                    var maximum = FloatVector(repeating: -.greatestFiniteMagnitude)
                    var c = 0
                    while c < V {
                        let n = min(width, V - c)
                        var x = VectorMath.load(row + c, count: n)
                        if n < width { x = x.replacing(with: -.greatestFiniteMagnitude, where: VectorMath.lanes(from: n)) }
                        maximum = VectorMath.maximum(maximum, x)
                        c += width
                    }
                    let m = VectorMath.max(maximum)
                    var total = FloatVector()
                    c = 0
                    while c < V {
                        let n = min(width, V - c)
                        var e = VectorMath.exp(VectorMath.load(row + c, count: n) - m)
                        if n < width { e = e.replacing(with: 0, where: VectorMath.lanes(from: n)) }
                        total += e
                        c += width
                    }
                    sp[r] = m + Float(Foundation.log(Double(VectorMath.sum(total))))
                }
            }
        }
        var sum = 0.0, count = 0
        for r in 0..<N where targets[r] != ignoreIndex {
            sum += Double(sp[r] - lp[r * V + Int(targets[r])])
            count += 1
        }
        return (count > 0 ? Float(sum / Double(count)) : 0, count)
    }

    /// `dLogits[r] += dLoss / count · (softmax(logits[r]) − onehot(target[r]))` at selected rows.
    public static func backward(dLoss: Float, logits: Tensor, targets: [Int32], logSumExp: Tensor, count: Int,
                                dLogits: Tensor) {
        let V = logits.columns, N = logits.rows
        checkShape(dLogits.count == logits.count && targets.count == N && logSumExp.count == N,
                   "CrossEntropy.backward", logits.shape, dLogits.shape, [targets.count])
        guard count > 0 else { return }
        let scale = dLoss / Float(count)
        let lp = logits.pointer, sp = logSumExp.pointer, dp = dLogits.pointer
        let width = FloatVector.scalarCount
        targets.withUnsafeBufferPointer { tp in
            Parallel.forEachRange(N, grain: max(1, 32768 / max(V, 1))) { rows in
                for r in rows where tp[r] != ignoreIndex {
                    let row = lp + r * V, dRow = dp + r * V, lse = sp[r]
                    var c = 0
                    while c < V {
                        let n = min(width, V - c)
                        let probability = VectorMath.exp(VectorMath.load(row + c, count: n) - lse)
                        VectorMath.store(VectorMath.load(dRow + c, count: n) + scale * probability, dRow + c, count: n)
                        c += width
                    }
                    dRow[Int(tp[r])] -= scale
                }
            }
        }
    }
}
