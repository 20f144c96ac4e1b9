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

    /// `‖a − b‖ / max(‖a‖, ‖b‖, floor)`, the relative error of two gradients. The floor keeps a
    /// gradient that is zero in exact arithmetic (a key bias, say) from reporting its rounding noise
    /// as a 100% error.
    public static func relativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-12) -> Double {
        precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) elements")
        var difference = 0.0, normA = 0.0, normB = 0.0
        for i in 0..<a.count {
            difference += (a[i] - b[i]) * (a[i] - b[i])
            normA += a[i] * a[i]
            normB += b[i] * b[i]
        }
        return difference.squareRoot() / max(normA.squareRoot(), normB.squareRoot(), floor)
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

extension GradientCheck {
    /// Checks analytic gradients of a Float32 computation at `samples` coordinates of each tensor by
    /// central differences of `loss` (evaluated in Double), perturbing the tensors in place.
    /// Returns, per tensor, the relative error `‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖)` over
    /// the sampled coordinates. Float32 rounding limits this check to about 1e-3.
    public static func sampledErrors(_ tensors: [Tensor], analytic: [Tensor], samples: Int = 12, step: Float = 2e-2,
                                     seed: UInt64 = 1, loss: () -> Double) -> [Double] {
        var generator = RandomGenerator(seed: seed)
        return zip(tensors, analytic).map { tensor, gradient in
            var numeric: [Double] = [], exact: [Double] = []
            let p = tensor.pointer
            for _ in 0..<min(samples, tensor.count) {
                let i = generator.nextInt(below: tensor.count)
                // Five-point stencil: truncation error O(h⁴), so h can be large enough to drown Float32 rounding.
                let saved = p[i]
                func at(_ k: Float) -> Double { p[i] = saved + k * step; return loss() }
                let d1 = at(1) - at(-1), d2 = at(2) - at(-2)
                p[i] = saved
                numeric.append((8 * d1 - d2) / (12 * Double(step)))
                exact.append(Double(gradient.pointer[i]))
            }
            return relativeError(exact, numeric, floor: 5e-2)
        }
    }
}
