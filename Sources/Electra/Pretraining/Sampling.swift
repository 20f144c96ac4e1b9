// Sampling: replacement tokens drawn from the generator by the Gumbel-max trick.

import ElectraTensor

/// Gumbel-max sampling from rows of logits: `argmax(logits / temperature + g)` with `g` standard Gumbel
/// noise, which draws exactly from `softmax(logits / temperature)`.
///
/// Element `j` of row `r` uses the generator's word at `position + r·V + j`, so the samples do not
/// depend on how many threads draw them. With a windowed `randomness` (data parallelism), the rows
/// are the window's rows of the whole batch's (`RandomGenerator.claim`). No gradient flows through
/// the samples.
public enum GumbelSampler {
    public static func sample(_ logits: Tensor, temperature: Float = 1, randomness: inout RandomGenerator) -> [Int32] {
        let R = logits.rows, V = logits.columns
        var result = [Int32](repeating: 0, count: R)
        let start = randomness.claim(rows: R, wordsPerRow: V)
        let inverseTemperature = 1 / temperature
        result.withUnsafeMutableBufferPointer { out in
            let output = SendableBuffer(out)
            Parallel.forEachRange(R, grain: 1) { rows in
                var noise = [Float](repeating: 0, count: V)
                for r in rows {
                    var local = RandomGenerator(key: start.key, stream: start.stream, position: start.position + UInt64(r * V))
                    noise.withUnsafeMutableBufferPointer { local.fillOpenUniform($0.baseAddress!, count: V) }
                    let row = logits.pointer + r * V
                    var best = -Float.infinity, index = 0
                    noise.withUnsafeMutableBufferPointer { u in
                        var j = 0
                        while j < V {
                            let n = min(FloatVector.scalarCount, V - j)
                            let uniform = VectorMath.load(u.baseAddress! + j, count: n)
                                .replacing(with: 0.5, where: VectorMath.lanes(from: n))
                            let gumbel = -VectorMath.log(-VectorMath.log(uniform))
                            let score = VectorMath.load(row + j, count: n) * inverseTemperature + gumbel
                            for lane in 0..<n where score[lane] > best {
                                best = score[lane]
                                index = j + lane
                            }
                            j += FloatVector.scalarCount
                        }
                    }
                    output.buffer[r] = Int32(index)
                }
            }
        }
        return result
    }
}

/// A buffer written by several threads at distinct indices.
struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
