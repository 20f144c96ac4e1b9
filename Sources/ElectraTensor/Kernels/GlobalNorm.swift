// GlobalNorm: the L2 norm over many tensors, as gradient clipping uses it.

/// `‖g‖ = √(Σ_tensors Σ_i gᵢ²)`, accumulated in Double.
public enum GlobalNorm {
    /// The global L2 norm of `tensors`.
    public static func compute(_ tensors: [Tensor]) -> Float {
        var total = 0.0
        for tensor in tensors { total += sumOfSquares(tensor) }
        return Float(total.squareRoot())
    }

    /// Scales `tensors` in place so their global norm is at most `maxNorm`, exactly as TensorFlow's
    /// `tf.clip_by_global_norm` (which Google's and NVIDIA's ELECTRA call): every tensor times
    /// `maxNorm / max(‖g‖, maxNorm)`, so nothing changes when `‖g‖ ≤ maxNorm`. (PyTorch's
    /// `clip_grad_norm_` differs slightly: `maxNorm / (‖g‖ + 1e-6)`.) Returns the norm before clipping;
    /// a non-finite norm leaves the tensors as they are, for the caller to stop on.
    @discardableResult
    public static func clip(_ tensors: [Tensor], maxNorm: Float) -> Float {
        let norm = compute(tensors)
        if norm.isFinite && norm > maxNorm {
            let factor = maxNorm / norm
            for tensor in tensors {
                let p = tensor.pointer
                VectorMath.forEachChunk(tensor.count) { chunk in
                    for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                        let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                        VectorMath.store(VectorMath.load(p + i, count: n) * factor, p + i, count: n)
                    }
                }
            }
        }
        return norm
    }

    /// `dTensors[k] += dNorm · tensors[k] / ‖g‖`, the gradient of the norm.
    public static func backward(dNorm: Float, _ tensors: [Tensor], norm: Float, dTensors: [Tensor]) {
        precondition(tensors.count == dTensors.count, "GlobalNorm.backward: \(tensors.count) tensors, \(dTensors.count) gradients")
        guard norm > 0 else { return }
        let scale = dNorm / norm
        for (x, d) in zip(tensors, dTensors) {
            checkShape(x.count == d.count, "GlobalNorm.backward", x.shape, d.shape)
            let xp = x.pointer, dp = d.pointer
            VectorMath.forEachChunk(x.count) { chunk in
                for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                    let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                    VectorMath.store(VectorMath.load(dp + i, count: n) + scale * VectorMath.load(xp + i, count: n),
                                     dp + i, count: n)
                }
            }
        }
    }

    private static func sumOfSquares(_ tensor: Tensor) -> Double {
        let p = tensor.pointer
        var total = 0.0
        var i = 0
        let width = FloatVector.scalarCount
        while i < tensor.count {
            let n = min(width, tensor.count - i)
            let v = VectorMath.load(p + i, count: n)
            total += Double(VectorMath.sum(v * v))
            i += width
        }
        return total
    }
}
