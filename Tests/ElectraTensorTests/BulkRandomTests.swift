// Bulk random draws and column sums: the bulk Philox path equals word-by-word draws, and the fast
// column sums stay within fp32 rounding of a plain reference.

@testable import ElectraTensor
import Foundation
import Testing

@Suite("Bulk random and column sums") struct BulkRandomTests {
    /// The mask `Dropout.makeMask` must produce, drawn one word at a time.
    static func referenceMask(count: Int, probability: Float, generator: inout RandomGenerator) -> [Float] {
        let keep = 1 / (1 - probability)
        return (0..<count).map { _ in generator.uniform() < probability ? 0 : keep }
    }

    /// `Dropout.makeMask` as it was before the bulk path: split across threads, one `uniform()` per
    /// element.
    static func perElementMask(_ mask: Tensor, probability: Float, generator: inout RandomGenerator) {
        let keep = 1 / (1 - probability), m = mask.pointer
        let start = generator
        Parallel.forEachRange(mask.count, grain: 16384) { range in
            var local = RandomGenerator(key: start.key, stream: start.stream,
                                        position: start.position + UInt64(range.lowerBound))
            for i in range { m[i] = local.uniform() < probability ? 0 : keep }
        }
        generator = RandomGenerator(key: start.key, stream: start.stream,
                                    position: start.position + UInt64(mask.count))
    }

    /// The column sums as the kernel computed them before it was blocked: one column block at a time,
    /// walking down the rows.
    static func stridedColumnSum(_ x: Tensor, into sums: Tensor) {
        let columns = x.columns, rows = x.rows, p = x.pointer, s = sums.pointer
        let width = FloatVector.scalarCount
        let blocks = (columns + width - 1) / width
        Parallel.forEachRange(blocks, grain: max(1, 65536 / max(rows * width, 1))) { range in
            for block in range {
                let c0 = block * width, n = min(width, columns - c0)
                var total = FloatVector()
                for r in 0..<rows { total += VectorMath.load(p + r * columns + c0, count: n) }
                VectorMath.store(VectorMath.load(s + c0, count: n) + total, s + c0, count: n)
            }
        }
    }

    /// A generator `start` words into a stream with a large key and stream (both 32-bit halves in use).
    static func generator(at start: UInt64, stream: UInt64 = 0x9E37_79B9_7F4A_7C15) -> RandomGenerator {
        RandomGenerator(key: 0xDEAD_BEEF_0BAD_F00D, stream: stream, position: start)
    }

    /// `fillUniform(_:count:)` writes what `count` calls of `uniform()` return, in order, and leaves
    /// the generator where they would.
    @Test func bulkUniformEqualsWordByWordDraws() {
        let starts: [UInt64] = [0, 1, 2, 3, 5, 63, 64, 4 * 0xFFFF_FFFD + 1, 4 * 0xFFFF_FFFF + 2]
        let counts = [0, 1, 3, 4, 7, 15, 16, 63, 64, 65, 127, 128, 129, 1000]
        for start in starts {
            for count in counts {
                var bulk = Self.generator(at: start), serial = bulk
                let expected = (0..<count).map { _ in serial.uniform() }
                var got = [Float](repeating: -1, count: count + 1)
                got.withUnsafeMutableBufferPointer { bulk.fillUniform($0.baseAddress!, count: count) }
                #expect(Array(got[..<count]) == expected, "start \(start), count \(count)")
                #expect(got[count] == -1, "nothing written past the end (start \(start), count \(count))")
                #expect(bulk == serial && bulk.position == start + UInt64(count))
                #expect((0..<9).map { _ in bulk.nextUInt32() } == (0..<9).map { _ in serial.nextUInt32() },
                        "the next draws continue the stream (start \(start), count \(count))")
            }
        }
    }

    /// Bulk and word-by-word draws interleave freely: the word-by-word cache never goes stale.
    @Test func bulkAndScalarDrawsInterleave() {
        var mixed = RandomGenerator(seed: 77).split("dropout"), serial = mixed
        var got: [Float] = [], expected: [Float] = []
        for (step, count) in [1, 2, 5, 0, 70, 3, 1, 200, 6].enumerated() {
            if step % 2 == 0 {
                got.append(mixed.uniform())
            } else {
                got.append(Float(mixed.nextUInt32() >> 8) * 0x1p-24)
            }
            expected.append(serial.uniform())
            var chunk = [Float](repeating: 0, count: count)
            chunk.withUnsafeMutableBufferPointer { mixed.fillUniform($0.baseAddress!, count: count) }
            got += chunk
            expected += (0..<count).map { _ in serial.uniform() }
        }
        #expect(got == expected)
        #expect(mixed == serial)
    }

    /// `fillOpenUniform` is `(Float(nextUInt32() >> 8) + 0.5) · 2⁻²⁴` word by word (the noise that
    /// Gumbel sampling draws).
    @Test func bulkOpenUniformEqualsWordByWordDraws() {
        for start: UInt64 in [0, 1, 2, 3, 5] {
            for count in [0, 1, 3, 4, 7, 1000] {
                var bulk = Self.generator(at: start), serial = bulk
                let expected = (0..<count).map { _ in (Float(serial.nextUInt32() >> 8) + 0.5) * 0x1p-24 }
                var got = [Float](repeating: 0, count: count)
                got.withUnsafeMutableBufferPointer { bulk.fillOpenUniform($0.baseAddress!, count: count) }
                #expect(got == expected, "start \(start), count \(count)")
                #expect(got.allSatisfy { $0 > 0 && $0 < 1 })
                #expect(bulk == serial)
            }
        }
    }

    /// `fillUniform(tensor, low:, high:)` keeps its element-by-element values.
    @Test func tensorFillUniformUnchanged() {
        for start: UInt64 in [0, 3] {
            let tensor = Tensor(zeros: [37, 29])
            var bulk = Self.generator(at: start), serial = bulk
            bulk.fillUniform(tensor, low: -0.7, high: 1.3)
            let expected = (0..<tensor.count).map { _ in Float(-0.7) + (Float(1.3) - Float(-0.7)) * serial.uniform() }
            #expect(tensor.scalars == expected)
            #expect(bulk == serial)
        }
    }

    /// `Dropout.makeMask` (bulk draws, split across threads) equals the per-element mask, for start
    /// positions off block boundaries and sizes around the vector width, the bulk step and the
    /// parallel grain.
    @Test(arguments: [Float(0), 0.1, 0.5, 0.9])
    func dropoutMaskEqualsPerElementReference(probability: Float) {
        for start: UInt64 in [0, 1, 2, 3, 5] {
            for count in [0, 1, 3, 4, 7, 63, 65, 1000, 2 * 16384 + 13, 100_003] {
                var generator = Self.generator(at: start), serial = generator
                let mask = Tensor(zeros: [count])
                Dropout.makeMask(mask, probability: probability, generator: &generator)
                let expected = Self.referenceMask(count: count, probability: probability, generator: &serial)
                #expect(mask.scalars == expected, "p \(probability), start \(start), count \(count)")
                #expect(generator == serial)
            }
        }
    }

    /// `ColumnSum.accumulate` adds the column sums to what `sums` held, within fp32 rounding of a
    /// Double reference and of the former strided kernel.
    @Test func columnSumMatchesReference() {
        var data = RandomGenerator(seed: 8)
        for (rows, columns) in [(1, 1), (3, 1), (5, 7), (4, 16), (7, 33), (9, 1030), (1, 2049), (4096, 1024),
                                (513, 30522), (64, 4096), (0, 24)] {
            let x = Tensor(zeros: [rows, columns]), sums = Tensor(zeros: [columns])
            let old = Tensor(zeros: [columns])
            data.fillUniform(x, low: -1, high: 1)
            data.fillUniform(sums, low: -3, high: 3)
            old.pointer.update(from: sums.pointer, count: columns)
            let initial = sums.scalars, values = x.scalars
            ColumnSum.accumulate(x, into: sums)
            Self.stridedColumnSum(x, into: old)
            let got = sums.scalars, former = old.scalars
            var worst = 0.0
            for c in 0..<columns {
                var exact = Double(initial[c]), magnitude = abs(Double(initial[c]))
                for r in 0..<rows {
                    exact += Double(values[r * columns + c])
                    magnitude += abs(Double(values[r * columns + c]))
                }
                let bound = 4 * Double(Float.ulpOfOne) * magnitude.squareRoot() * Double(rows + 1).squareRoot() + 1e-7
                worst = max(worst, abs(Double(got[c]) - exact) / bound)
                if abs(Double(got[c]) - exact) > bound || abs(Double(got[c]) - Double(former[c])) > 2 * bound {
                    Issue.record("[\(rows), \(columns)] column \(c): \(got[c]) vs exact \(exact), strided \(former[c])")
                    break
                }
            }
            #expect(worst <= 1, "[\(rows), \(columns)]")
            if rows == 0 { #expect(got == initial) }
        }
    }

    /// The column sums do not depend on how many threads split the columns: one call over all the
    /// columns equals calls over column slices.
    @Test func columnSumIndependentOfSplit() {
        var data = RandomGenerator(seed: 9)
        let rows = 301, columns = 1500
        let x = Tensor(zeros: [rows, columns])
        data.fillUniform(x, low: -1, high: 1)
        let whole = Tensor(zeros: [columns])
        ColumnSum.accumulate(x, into: whole)
        // A slice of columns [c0, c0 + n) as its own matrix, copied row by row.
        for (c0, n) in [(0, 16), (16, 1000), (1016, 484), (7, 9)] {
            let slice = Tensor(zeros: [rows, n]), sums = Tensor(zeros: [n])
            for r in 0..<rows { (slice.pointer + r * n).update(from: x.pointer + r * columns + c0, count: n) }
            ColumnSum.accumulate(slice, into: sums)
            #expect(sums.scalars == Array(whole.scalars[c0..<(c0 + n)]), "columns \(c0)..<\(c0 + n)")
        }
    }
}
