// GradientCheck: central finite differences in Double, to check analytic backward passes.

import ElectraTensor

/// Finite-difference gradient checking.
///
/// A kernel's backward pass is checked against the numerical gradient of a Double-precision naive
/// reference of the same function (the reference itself is checked against the kernel's forward
/// pass). The scalar being differentiated is `loss = Σ out ⊙ R` for a fixed random `R`, so every
/// output element contributes.
public enum GradientCheck {
    /// ∂f/∂x by central differences with step `step · max(1, |xᵢ|)`.
    public static func numerical(_ x: [Double], step: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
        var point = x
        var gradient = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let h = step * max(1, abs(x[i]))
            point[i] = x[i] + h
            let plus = f(point)
            point[i] = x[i] - h
            let minus = f(point)
            point[i] = x[i]
            gradient[i] = (plus - minus) / (2 * h)
        }
        return gradient
    }

    /// `‖a − b‖ / max(‖a‖, ‖b‖, 1e-12)`, the relative error of two gradients.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) elements")
        var difference = 0.0, normA = 0.0, normB = 0.0
        for i in 0..<a.count {
            difference += (a[i] - b[i]) * (a[i] - b[i])
            normA += a[i] * a[i]
            normB += b[i] * b[i]
        }
        return difference.squareRoot() / max(normA.squareRoot(), normB.squareRoot(), 1e-12)
    }

    /// `Σ out ⊙ weights`.
    public static func weightedSum(_ out: [Double], _ weights: [Double]) -> Double {
        precondition(out.count == weights.count, "weightedSum: \(out.count) vs \(weights.count) elements")
        var total = 0.0
        for i in 0..<out.count { total += out[i] * weights[i] }
        return total
    }
}

/// Random test data from a seeded generator.
public struct TestData {
    public var generator: RandomGenerator

    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// Normal draws.
    public mutating func normal(_ count: Int, scale: Float = 1, shift: Float = 0) -> [Float] {
        (0..<count).map { _ in shift + scale * generator.normal() }
    }

    /// A tensor of normal draws.
    public mutating func tensor(_ shape: [Int], scale: Float = 1, shift: Float = 0) -> Tensor {
        Tensor(shape: shape, values: normal(shape.reduce(1, *), scale: scale, shift: shift))
    }
}

extension Tensor {
    /// The numbers as Doubles.
    public var doubles: [Double] { scalars.map(Double.init) }
}

extension GradientCheck {
    /// Relative errors between `analytic[i]` and the numerical gradient of
    /// `Σ reference(inputs) ⊙ weights` with respect to `inputs[i]`, for every input.
    public static func errors(inputs: [[Double]], analytic: [[Double]], weights: [Double],
                              step: Double = 1e-6, reference: ([[Double]]) -> [Double]) -> [Double] {
        precondition(inputs.count == analytic.count, "one analytic gradient per input")
        return inputs.indices.map { which in
            let numeric = numerical(inputs[which], step: step) { perturbed in
                var all = inputs
                all[which] = perturbed
                return weightedSum(reference(all), weights)
            }
            return relativeError(analytic[which], numeric)
        }
    }
}
