// BinaryCrossEntropy: sigmoid cross-entropy with logits, averaged over weighted positions.

import Foundation

/// `loss = Σ wᵢ ℓᵢ / Σ wᵢ`, `ℓᵢ = max(xᵢ, 0) − xᵢ yᵢ + log(1 + e^{−|xᵢ|})`, the numerically stable
/// form of `−y log σ(x) − (1 − y) log(1 − σ(x))` (PyTorch's `BCEWithLogitsLoss`).
///
/// ELECTRA's discriminator loss is this over all non-padding tokens: the weights are the attention
/// mask, the labels 1 where a token was replaced.
public enum BinaryCrossEntropy {
    /// The weighted mean loss and the weight total. `weights` `nil` means all ones.
    public static func forward(logits: Tensor, labels: Tensor, weights: Tensor?) -> (loss: Float, totalWeight: Float) {
        checkShape(labels.count == logits.count && (weights?.count ?? logits.count) == logits.count,
                   "BinaryCrossEntropy.forward", logits.shape, labels.shape, weights?.shape ?? [])
        let xp = logits.pointer, yp = labels.pointer, wp = weights?.pointer
        var sum = 0.0, total = 0.0
        for i in 0..<logits.count {
            let w = Double(wp?[i] ?? 1)
            if w == 0 { continue }
            let x = Double(xp[i]), y = Double(yp[i])
            sum += w * (max(x, 0) - x * y + Foundation.log1p(Foundation.exp(-abs(x))))
            total += w
        }
        return (total > 0 ? Float(sum / total) : 0, Float(total))
    }

    /// `dLogits += dLoss · wᵢ (σ(xᵢ) − yᵢ) / Σ w`.
    public static func backward(dLoss: Float, logits: Tensor, labels: Tensor, weights: Tensor?,
                                totalWeight: Float, dLogits: Tensor) {
        checkShape(labels.count == logits.count && dLogits.count == logits.count,
                   "BinaryCrossEntropy.backward", logits.shape, labels.shape, dLogits.shape)
        guard totalWeight > 0 else { return }
        let scale = dLoss / totalWeight
        let xp = logits.pointer, yp = labels.pointer, wp = weights?.pointer, dp = dLogits.pointer
        for i in 0..<logits.count {
            let w = wp?[i] ?? 1
            if w == 0 { continue }
            let sigmoid = 1 / (1 + Foundation.exp(-xp[i]))
            dp[i] += scale * w * (sigmoid - yp[i])
        }
    }
}
