// DropoutLayer: dropout with its mask buffer, a no-op outside training.

import ElectraTensor

/// Inverted dropout with a keep-mask drawn per step (see `Dropout`).
public struct DropoutLayer {
    /// Probability of dropping an element; 0 turns the layer into the identity.
    public let probability: Float
    /// Scale factors (0 or 1/(1−p)), `nil` when `probability` is 0.
    public let mask: Tensor?

    /// A layer for tensors of `shape`; allocates the mask only when it can drop anything.
    public init(probability: Float, shape: [Int]) {
        self.probability = probability
        mask = probability > 0 ? Tensor(zeros: shape) : nil
    }

    /// `out = x ⊙ mask` with a fresh mask, or a copy of `x` (when `out` is another tensor) without dropout.
    public func forward(_ x: Tensor, into out: Tensor, generator: inout RandomGenerator) {
        if let mask {
            Dropout.makeMask(mask, probability: probability, generator: &generator)
            Dropout.forward(x, mask: mask, into: out)
        } else if out.pointer != x.pointer {
            out.copy(from: x)
        }
    }

    /// `dX += dOut ⊙ mask`, or `dX += dOut` without dropout (`=` instead of `+=` when `accumulate`
    /// is false).
    public func backward(_ dOut: Tensor, dX: Tensor, accumulate: Bool = true) {
        if let mask {
            Dropout.backward(dOut, mask: mask, dX: dX, accumulate: accumulate)
        } else if accumulate {
            Add.accumulate(dOut, into: dX)
        } else if dX.pointer != dOut.pointer {
            dX.copy(from: dOut)
        }
    }

    /// Draws this step's mask (nothing without dropout).
    public func drawMask(generator: inout RandomGenerator) {
        if let mask { Dropout.makeMask(mask, probability: probability, generator: &generator) }
    }
}

/// Element-wise sums.
public enum Add {
    /// `y += x`.
    public static func accumulate(_ x: Tensor, into y: Tensor) {
        precondition(x.count == y.count, "Add.accumulate: \(x.shape) into \(y.shape)")
        let xp = x.pointer, yp = y.pointer
        VectorMath.forEachChunk(x.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                VectorMath.store(VectorMath.load(yp + i, count: n) + VectorMath.load(xp + i, count: n), yp + i, count: n)
            }
        }
    }

    /// `out = a + b`.
    public static func run(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        precondition(a.count == b.count && a.count == out.count, "Add.run: \(a.shape) + \(b.shape) into \(out.shape)")
        let ap = a.pointer, bp = b.pointer, op = out.pointer
        VectorMath.forEachChunk(a.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                VectorMath.store(VectorMath.load(ap + i, count: n) + VectorMath.load(bp + i, count: n), op + i, count: n)
            }
        }
    }
}
