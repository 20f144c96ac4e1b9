// MeanSquaredError: the regression loss, mean of squared differences (PyTorch's `MSELoss`).

/// `loss = (1/N) Σ (xᵢ − yᵢ)²` over `N` predictions `x` and targets `y`.
public enum MeanSquaredError {
    /// The mean loss (0 for no predictions), summed in Double.
    public static func forward(_ predictions: Tensor, targets: [Float]) -> Float {
        checkShape(targets.count == predictions.count, "MeanSquaredError.forward", predictions.shape, [targets.count])
        guard !targets.isEmpty else { return 0 }
        let xp = predictions.pointer
        var sum = 0.0
        for i in 0..<targets.count {
            let d = Double(xp[i]) - Double(targets[i])
            sum += d * d
        }
        return Float(sum / Double(targets.count))
    }

    /// `dPredictions += dLoss · 2 (xᵢ − yᵢ) / N`.
    public static func backward(dLoss: Float, predictions: Tensor, targets: [Float], dPredictions: Tensor) {
        checkShape(targets.count == predictions.count && dPredictions.count == predictions.count, "MeanSquaredError.backward",
                   predictions.shape, [targets.count], dPredictions.shape)
        guard !targets.isEmpty else { return }
        let scale = 2 * dLoss / Float(targets.count), xp = predictions.pointer, dp = dPredictions.pointer
        for i in 0..<targets.count { dp[i] += scale * (xp[i] - targets[i]) }
    }
}
