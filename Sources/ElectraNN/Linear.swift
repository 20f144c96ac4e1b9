// Linear: y = x Wᵀ + b with Hugging Face's [out, in] weight layout.

import ElectraTensor

/// A dense layer (PyTorch's `nn.Linear`): `y = x Wᵀ + b`.
///
/// Shapes: `x` `[N, in]`, `weight` `[out, in]`, `bias` `[out]`, `y` `[N, out]`. The tensors are views
/// into a parameter store; the same struct built over a gradient store holds the gradients.
public struct Linear {
    public let weight: Tensor
    public let bias: Tensor?

    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// The layer named `prefix` in `store` (`prefix.weight`, and `prefix.bias` when present).
    public init(_ store: ParameterStore, _ prefix: String) {
        weight = store["\(prefix).weight"]
        bias = store.contains("\(prefix).bias") ? store["\(prefix).bias"] : nil
    }

    /// The layers `prefixes` of `store` as one: their weights stacked into `[Σ out, in]` and their
    /// biases into `[Σ out]` (`ParameterStore.stacked`; the layout must list the weights, then the
    /// biases, consecutively).
    public init(_ store: ParameterStore, stacking prefixes: [String]) {
        weight = store.stacked(prefixes.map { "\($0).weight" })
        bias = store.stacked(prefixes.map { "\($0).bias" })
    }

    /// The parameter layout of a layer named `prefix`.
    public static func layout(_ prefix: String, inputs: Int, outputs: Int, bias: Bool = true) -> [(name: String, shape: [Int])] {
        [("\(prefix).weight", [outputs, inputs])] + (bias ? [("\(prefix).bias", [outputs])] : [])
    }

    /// `y = x Wᵀ + b`.
    public func forward(_ x: Tensor, into y: Tensor) {
        Matmul.forward(x, weight, transposeB: true, into: y)
        if let bias { BiasAdd.forward(y, bias: bias) }
    }

    /// `y = x Wᵀ` without the bias (added by a fused kernel that follows).
    public func product(_ x: Tensor, into y: Tensor) {
        Matmul.forward(x, weight, transposeB: true, into: y)
    }

    /// Accumulates `dX` (when given; written instead when `overwriteDX`) and this layer's gradients
    /// into `gradients`.
    public func backward(_ dY: Tensor, input x: Tensor, dX: Tensor?, overwriteDX: Bool = false, gradients: Linear) {
        Matmul.backward(dY, x, weight, transposeB: true, dA: dX, dB: gradients.weight, overwriteDA: overwriteDX)
        if let dBias = gradients.bias { BiasAdd.backward(dY, dBias: dBias) }
    }
}

/// LayerNorm's parameters and epsilon.
public struct LayerNormParameters {
    public let weight: Tensor
    public let bias: Tensor
    public let epsilon: Float

    /// `prefix.weight` and `prefix.bias` of `store`.
    public init(_ store: ParameterStore, _ prefix: String, epsilon: Float) {
        weight = store["\(prefix).weight"]
        bias = store["\(prefix).bias"]
        self.epsilon = epsilon
    }

    public static func layout(_ prefix: String, size: Int) -> [(name: String, shape: [Int])] {
        [("\(prefix).weight", [size]), ("\(prefix).bias", [size])]
    }

    /// Normalises `x` into `out`, keeping `statistics` for backward.
    public func forward(_ x: Tensor, into out: Tensor, statistics: LayerNormStatistics) {
        LayerNorm.forward(x, weight: weight, bias: bias, epsilon: epsilon, into: out,
                          mean: statistics.mean, rstd: statistics.rstd)
    }

    /// `sum = (x + denseBias) ⊙ mask + residual`, normalised into `out` (see
    /// `LayerNorm.forward(residualSumOf:)`).
    public func forward(residualSumOf x: Tensor, denseBias: Tensor?, mask: Tensor?, residual: Tensor, sum: Tensor,
                        into out: Tensor, statistics: LayerNormStatistics) {
        LayerNorm.forward(residualSumOf: x, denseBias: denseBias, mask: mask, residual: residual, sum: sum,
                          weight: weight, bias: bias, epsilon: epsilon, into: out,
                          mean: statistics.mean, rstd: statistics.rstd)
    }

    /// Accumulates `dX` (writes it when `accumulate` is false) and the gradients of `weight` and
    /// `bias` into `gradients`.
    public func backward(_ dOut: Tensor, input x: Tensor, statistics: LayerNormStatistics, dX: Tensor,
                         gradients: LayerNormParameters, accumulate: Bool = true) {
        LayerNorm.backward(dOut, x, weight: weight, mean: statistics.mean, rstd: statistics.rstd,
                           dX: dX, dWeight: gradients.weight, dBias: gradients.bias, partials: statistics.partials,
                           accumulate: accumulate)
    }
}

/// Per-row mean and reciprocal standard deviation saved by LayerNorm's forward pass.
/// Also holds the scratch in which the backward pass sums each thread's parameter gradients.
public struct LayerNormStatistics {
    public let mean: Tensor
    public let rstd: Tensor
    public let partials: Tensor?

    /// Statistics for `rows` rows of `columns` (with the backward pass's scratch when `columns` is given).
    public init(rows: Int, columns: Int? = nil) {
        mean = Tensor(zeros: [rows])
        rstd = Tensor(zeros: [rows])
        partials = columns.map { Tensor(zeros: LayerNorm.partialsShape(columns: $0)) }
    }

    public init(mean: Tensor, rstd: Tensor, partials: Tensor? = nil) {
        self.mean = mean
        self.rstd = rstd
        self.partials = partials
    }
}
