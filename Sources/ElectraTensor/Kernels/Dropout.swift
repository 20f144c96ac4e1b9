// Dropout: a seeded keep-mask, applied forward and backward.

/// Inverted dropout: `y = x ⊙ m` with `m = 1/(1−p)` where kept and `0` where dropped.
///
/// The mask is drawn once per step into a tensor of scale factors and kept for the backward pass.
/// Element `i` of a mask uses the generator's word at `position + i`, so the mask is the same however
/// many threads draw it.
public enum Dropout {
    /// Fills `mask` with `1/(1−probability)` (kept, chance `1 − probability`) or `0` (dropped), and
    /// advances `generator` by `mask.count` words. A batch-major `mask` with a windowed `generator`
    /// (data parallelism) holds the window's rows of the whole batch's mask (`RandomGenerator.claim`).
    public static func makeMask(_ mask: Tensor, probability: Float, generator: inout RandomGenerator) {
        makeMask(mask, probability: probability, start: generator.claim(words: mask.count), offset: 0)
    }

    /// Fills `mask` with the part of a larger mask that starts at element `offset`: element `i` uses
    /// the word at `start.position + offset + i`, so a mask drawn in pieces equals one drawn whole.
    public static func makeMask(_ mask: Tensor, probability: Float, start: RandomGenerator, offset: Int) {
        precondition(probability >= 0 && probability < 1, "Dropout probability \(probability) not in [0, 1)")
        let keep = 1 / (1 - probability), m = mask.pointer
        let first = start.position + UInt64(offset)
        // Uniforms first, then a plain loop that LLVM vectorizes, one L1-sized piece at a time (a
        // comparison inside the Philox loop compiled to scalar code, several times slower).
        Parallel.forEachRange(mask.count, grain: 16384) { range in
            var local = RandomGenerator(key: start.key, stream: start.stream, position: first + UInt64(range.lowerBound))
            var piece = range.lowerBound
            while piece < range.upperBound {
                let end = min(piece + 4096, range.upperBound)
                local.fillUniform(m + piece, count: end - piece)
                for i in piece..<end { m[i] = m[i] < probability ? 0 : keep }
                piece = end
            }
        }
    }

    /// `out = x ⊙ mask` (`out` may be `x`).
    public static func forward(_ x: Tensor, mask: Tensor, into out: Tensor) {
        checkShape(mask.count == x.count && out.count == x.count, "Dropout.forward", x.shape, mask.shape, out.shape)
        Multiply.run(x, mask, into: out)
    }

    /// `dX += dOut ⊙ mask` (or `dX = dOut ⊙ mask` when `accumulate` is false).
    public static func backward(_ dOut: Tensor, mask: Tensor, dX: Tensor, accumulate: Bool = true) {
        checkShape(mask.count == dOut.count && dX.count == dOut.count, "Dropout.backward",
                   dOut.shape, mask.shape, dX.shape)
        let gp = dOut.pointer, mp = mask.pointer, dp = dX.pointer
        VectorMath.forEachChunk(dOut.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                let d = VectorMath.load(gp + i, count: n) * VectorMath.load(mp + i, count: n)
                VectorMath.store(accumulate ? VectorMath.load(dp + i, count: n) + d : d, dp + i, count: n)
            }
        }
    }
}

/// Element-wise product of two tensors of equal size.
enum Multiply {
    /// `out = a ⊙ b`.
    static func run(_ a: Tensor, _ b: Tensor, into out: Tensor) {
        let ap = a.pointer, bp = b.pointer, op = out.pointer
        VectorMath.forEachChunk(a.count) { chunk in
            for i in stride(from: chunk.lowerBound, to: chunk.upperBound, by: FloatVector.scalarCount) {
                let n = min(FloatVector.scalarCount, chunk.upperBound - i)
                VectorMath.store(VectorMath.load(ap + i, count: n) * VectorMath.load(bp + i, count: n), op + i, count: n)
            }
        }
    }

    /// `a = a ⊙ b`.
    static func inPlace(_ a: Tensor, by b: Tensor) { run(a, b, into: a) }
}
