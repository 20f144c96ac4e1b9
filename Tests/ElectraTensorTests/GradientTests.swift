// Finite-difference gradient checks: every kernel's backward pass against central differences (in
// Double) of the naive reference, after checking the kernel's forward pass against that reference.

import ElectraTensor
import Foundation
import Testing
import _TestSupport

/// Largest relative gradient error accepted: the analytic gradients are Float32, the numerical ones
/// Double, so agreement to ~1e-6 is typical.
private let gradientTolerance = 1e-4

private func report(_ kernel: String, _ names: [String], _ errors: [Double]) {
    let parts = zip(names, errors).map { "\($0) \(String(format: "%.2e", $1))" }
    print("gradient check \(kernel): relative error " + parts.joined(separator: ", "))
    for (name, error) in zip(names, errors) {
        #expect(error < gradientTolerance, "\(kernel) d\(name) relative error \(error)")
    }
}

private func expectForward(_ name: String, _ actual: Tensor, _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-6) {
    let comparison = Comparison(name, actual: actual.doubles, expected: expected, rtol: rtol, atol: atol)
    #expect(comparison.passed, "\(comparison)")
}

@Suite("Gradient checks") struct GradientTests {
    @Test("matmul, all four transpose combinations", arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matmul(transposeA: Bool, transposeB: Bool) {
        var data = TestData(seed: 11)
        let (m, k, n) = (4, 5, 3)
        let a = data.tensor(transposeA ? [k, m] : [m, k]), b = data.tensor(transposeB ? [n, k] : [k, n])
        let out = Tensor(zeros: [m, n])
        Matmul.forward(a, b, transposeA: transposeA, transposeB: transposeB, into: out)
        let reference = { (x: [[Double]]) in
            NaiveReference.matmul(x[0], x[1], m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
        }
        expectForward("matmul", out, reference([a.doubles, b.doubles]))
        let dOut = data.tensor([m, n]), dA = Tensor(zeros: a.shape), dB = Tensor(zeros: b.shape)
        Matmul.backward(dOut, a, b, transposeA: transposeA, transposeB: transposeB, dA: dA, dB: dB)
        let errors = GradientCheck.errors(inputs: [a.doubles, b.doubles], analytic: [dA.doubles, dB.doubles],
                                          weights: dOut.doubles, reference: reference)
        report("matmul(tA: \(transposeA), tB: \(transposeB))", ["A", "B"], errors)
    }

    @Test("batched matmul", arguments: [(false, false), (false, true), (true, false), (true, true)])
    func batchedMatmul(transposeA: Bool, transposeB: Bool) {
        var data = TestData(seed: 12)
        let (batch, m, k, n) = (3, 4, 5, 2)
        let a = data.tensor(transposeA ? [batch, k, m] : [batch, m, k])
        let b = data.tensor(transposeB ? [batch, n, k] : [batch, k, n])
        let out = Tensor(zeros: [batch, m, n])
        BatchedMatmul.forward(a, b, transposeA: transposeA, transposeB: transposeB, into: out)
        let reference = { (x: [[Double]]) -> [Double] in
            (0..<batch).flatMap { i in
                NaiveReference.matmul(Array(x[0][(i * m * k)..<((i + 1) * m * k)]), Array(x[1][(i * k * n)..<((i + 1) * k * n)]),
                                      m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
            }
        }
        expectForward("bmm", out, reference([a.doubles, b.doubles]))
        let dOut = data.tensor(out.shape), dA = Tensor(zeros: a.shape), dB = Tensor(zeros: b.shape)
        BatchedMatmul.backward(dOut, a, b, transposeA: transposeA, transposeB: transposeB, dA: dA, dB: dB)
        let errors = GradientCheck.errors(inputs: [a.doubles, b.doubles], analytic: [dA.doubles, dB.doubles],
                                          weights: dOut.doubles, reference: reference)
        report("bmm(tA: \(transposeA), tB: \(transposeB))", ["A", "B"], errors)
    }

    @Test func biasAdd() {
        var data = TestData(seed: 13)
        let x = data.tensor([5, 19]), bias = data.tensor([19])
        let out = x.clone()
        BiasAdd.forward(out, bias: bias)
        let reference = { (v: [[Double]]) in v[0].enumerated().map { $0.element + v[1][$0.offset % 19] } }
        expectForward("bias add", out, reference([x.doubles, bias.doubles]))
        let dOut = data.tensor(x.shape), dBias = Tensor(zeros: [19])
        BiasAdd.backward(dOut, dBias: dBias)
        let errors = GradientCheck.errors(inputs: [x.doubles, bias.doubles], analytic: [dOut.doubles, dBias.doubles],
                                          weights: dOut.doubles, reference: reference)
        report("bias add", ["x", "bias"], errors)
    }

    @Test("layer norm", arguments: [(7, Float(1e-12)), (37, Float(1e-5))])
    func layerNorm(columns: Int, epsilon: Float) {
        var data = TestData(seed: 14)
        let x = data.tensor([3, columns], scale: 2, shift: 1), w = data.tensor([columns], scale: 0.5, shift: 1)
        let b = data.tensor([columns])
        let out = Tensor(zeros: x.shape), mean = Tensor(zeros: [3]), rstd = Tensor(zeros: [3])
        LayerNorm.forward(x, weight: w, bias: b, epsilon: epsilon, into: out, mean: mean, rstd: rstd)
        let reference = { (v: [[Double]]) in NaiveReference.layerNorm(v[0], v[1], v[2], columns: columns, epsilon: Double(epsilon)) }
        expectForward("layer norm", out, reference([x.doubles, w.doubles, b.doubles]), rtol: 1e-5, atol: 1e-5)
        let dOut = data.tensor(x.shape)
        let dX = Tensor(zeros: x.shape), dW = Tensor(zeros: w.shape), dB = Tensor(zeros: b.shape)
        LayerNorm.backward(dOut, x, weight: w, mean: mean, rstd: rstd, dX: dX, dWeight: dW, dBias: dB)
        let errors = GradientCheck.errors(inputs: [x.doubles, w.doubles, b.doubles],
                                          analytic: [dX.doubles, dW.doubles, dB.doubles],
                                          weights: dOut.doubles, reference: reference)
        report("layer norm (C \(columns))", ["x", "weight", "bias"], errors)
    }

    /// The single-pass backward with per-thread partial sums equals the two-pass one (and so the
    /// finite differences above), on enough rows to use every thread.
    @Test func layerNormFusedBackwardAgrees() {
        var data = TestData(seed: 25)
        let (R, C) = (300, 100)
        let x = data.tensor([R, C], scale: 2, shift: 1), w = data.tensor([C], shift: 1), b = data.tensor([C]), dOut = data.tensor([R, C])
        let out = Tensor(zeros: x.shape), mean = Tensor(zeros: [R]), rstd = Tensor(zeros: [R])
        LayerNorm.forward(x, weight: w, bias: b, into: out, mean: mean, rstd: rstd)
        func run(_ partials: Tensor?) -> [Float] {
            let dX = Tensor(zeros: x.shape), dW = Tensor(zeros: [C]), dB = Tensor(zeros: [C])
            LayerNorm.backward(dOut, x, weight: w, mean: mean, rstd: rstd, dX: dX, dWeight: dW, dBias: dB, partials: partials)
            return dX.scalars + dW.scalars + dB.scalars
        }
        let comparison = Comparison("fused layer norm backward", actual: run(Tensor(zeros: LayerNorm.partialsShape(columns: C))),
                                    expected: run(nil), rtol: 1e-5, atol: 1e-5)
        #expect(comparison.passed, "\(comparison)")
    }

    @Test func gelu() {
        var data = TestData(seed: 15)
        let x = data.tensor([53], scale: 2.5)
        let out = Tensor(zeros: x.shape)
        GELU.forward(x, into: out)
        let reference = { (v: [[Double]]) in NaiveReference.gelu(v[0]) }
        expectForward("gelu", out, reference([x.doubles]))
        let dOut = data.tensor(x.shape), dX = Tensor(zeros: x.shape)
        GELU.backward(dOut, x, dX: dX)
        report("gelu", ["x"], GradientCheck.errors(inputs: [x.doubles], analytic: [dX.doubles], weights: dOut.doubles, reference: reference))
    }

    @Test func tanh() {
        var data = TestData(seed: 16)
        let x = data.tensor([41], scale: 2)
        let out = Tensor(zeros: x.shape)
        Tanh.forward(x, into: out)
        let reference = { (v: [[Double]]) in v[0].map { Foundation.tanh($0) } }
        expectForward("tanh", out, reference([x.doubles]))
        let dOut = data.tensor(x.shape), dX = Tensor(zeros: x.shape)
        Tanh.backward(dOut, output: out, dX: dX)
        report("tanh", ["x"], GradientCheck.errors(inputs: [x.doubles], analytic: [dX.doubles], weights: dOut.doubles, reference: reference))
    }

    @Test func softmaxWithMask() {
        var data = TestData(seed: 17)
        let (B, rows, C) = (2, 3, 21)
        let x = data.tensor([B, rows, C], scale: 2)
        var maskValues = [Float](repeating: 0, count: B * C)
        for c in 15..<C { maskValues[C + c] = -10_000 }
        let mask = Tensor(shape: [B, C], values: maskValues)
        let out = Tensor(zeros: x.shape)
        Softmax.forward(x, scale: 0.7, mask: mask, into: out)
        let reference = { (v: [[Double]]) in NaiveReference.softmax(v[0], columns: C, scale: 0.7, mask: mask.doubles, maskRows: B) }
        expectForward("softmax", out, reference([x.doubles]))
        let dOut = data.tensor(x.shape), dX = Tensor(zeros: x.shape)
        Softmax.backward(dOut, output: out, scale: 0.7, dX: dX)
        report("softmax", ["x"], GradientCheck.errors(inputs: [x.doubles], analytic: [dX.doubles], weights: dOut.doubles, reference: reference))
    }

    @Test func attention() {
        var maskValues = [Float](repeating: 0, count: 2 * 5)
        maskValues[5 + 3] = -Float.greatestFiniteMagnitude
        maskValues[5 + 4] = -Float.greatestFiniteMagnitude
        checkAttention("attention", seed: 18, shape: (2, 5, 12, 3), mask: maskValues, dropout: nil)
    }

    @Test func attentionWithDropout() {
        checkAttention("attention with dropout", seed: 19, shape: (2, 6, 8, 2), mask: nil, dropout: 0.25)
    }

    /// Groups of one head, of part of a sequence's heads, and of whole sequences give the same
    /// result as the naive reference (and a dropout mask drawn in pieces equals one drawn whole).
    @Test(arguments: [1, 2, 6, 8])
    func attentionInGroups(items: Int) {
        let maskValues: [Float] = [0, 0, 0, 0, 0, 0, 0, -10_000, 0, 0, 0, 0, 0, 0, 0, -10_000, -10_000, 0]
        checkAttention("attention in groups of \(items)", seed: 21, shape: (3, 6, 16, 4), mask: maskValues,
                       dropout: 0.2, groupBytes: items * 6 * 6 * MemoryLayout<Float>.size)
    }

    /// Forward against the naive reference, then the gradients of query, key and value.
    private func checkAttention(_ name: String, seed: UInt64, shape: (Int, Int, Int, Int), mask maskValues: [Float]?,
                                dropout: Float?, groupBytes: Int = Attention.groupBytes) {
        var data = TestData(seed: seed)
        let (B, T, C, NH) = shape
        let q = data.tensor([B, T, C]), k = data.tensor([B, T, C]), v = data.tensor([B, T, C])
        let mask = maskValues.map { Tensor(shape: [B, T], values: $0) }
        let workspace = Attention.Workspace(batch: B, heads: NH, tokens: T, bytes: groupBytes)
        let draw = dropout.map { Attention.DropoutMask(probability: $0, batch: B, heads: NH, tokens: T) }
        var generator = RandomGenerator(seed: seed)
        let keep: [Double]? = draw.map { draw in
            let whole = Tensor(zeros: [B, NH, T, T])
            var copy = generator
            Dropout.makeMask(whole, probability: draw.probability, generator: &copy)
            draw.draw(from: &generator)
            #expect(generator == copy, "the layer's generator advances past the whole mask")
            return whole.doubles
        }
        let out = Tensor(zeros: [B, T, C])
        Attention.forward(projection: AttentionProjection.pack(q, k, v), heads: NH, mask: mask, dropout: draw,
                          workspace: workspace, into: out)
        let reference = { (x: [[Double]]) in
            NaiveReference.attention(x[0], x[1], x[2], mask: maskValues?.map(Double.init), keep: keep,
                                     B: B, T: T, C: C, heads: NH)
        }
        expectForward(name, out, reference([q.doubles, k.doubles, v.doubles]))
        let dOut = data.tensor(out.shape)
        let dProjection = Tensor(zeros: [B, T, 3 * C])
        Attention.backward(dContext: dOut, projection: AttentionProjection.pack(q, k, v), heads: NH, mask: mask,
                           dropout: draw, workspace: workspace, dProjection: dProjection)
        let (dQ, dK, dV) = AttentionProjection.unpack(dProjection)
        let errors = GradientCheck.errors(inputs: [q.doubles, k.doubles, v.doubles],
                                          analytic: [dQ.doubles, dK.doubles, dV.doubles],
                                          weights: dOut.doubles, reference: reference)
        report(name, ["query", "key", "value"], errors)
    }

    @Test func embedding() {
        var data = TestData(seed: 20)
        let table = data.tensor([9, 20])
        let ids: [Int32] = [3, 0, 3, 8, 3, 1]
        let out = Tensor(zeros: [ids.count, 20])
        Embedding.forward(ids: ids, table: table, into: out)
        let reference = { (v: [[Double]]) in ids.flatMap { id in v[0][(Int(id) * 20)..<(Int(id) * 20 + 20)] } }
        expectForward("embedding", out, reference([table.doubles]), rtol: 0, atol: 0)
        let dOut = data.tensor(out.shape), dTable = Tensor(zeros: table.shape)
        Embedding.backward(dOut, ids: ids, dTable: dTable)
        report("embedding", ["table"], GradientCheck.errors(inputs: [table.doubles], analytic: [dTable.doubles], weights: dOut.doubles, reference: reference))
    }

    @Test func dropout() {
        var data = TestData(seed: 21)
        let x = data.tensor([300])
        let mask = Tensor(zeros: x.shape)
        var generator = RandomGenerator(seed: 9)
        Dropout.makeMask(mask, probability: 0.2, generator: &generator)
        let out = Tensor(zeros: x.shape)
        Dropout.forward(x, mask: mask, into: out)
        let keep = mask.doubles
        let reference = { (v: [[Double]]) in zip(v[0], keep).map { $0 * $1 } }
        expectForward("dropout", out, reference([x.doubles]))
        let dOut = data.tensor(x.shape), dX = Tensor(zeros: x.shape)
        Dropout.backward(dOut, mask: mask, dX: dX)
        report("dropout", ["x"], GradientCheck.errors(inputs: [x.doubles], analytic: [dX.doubles], weights: dOut.doubles, reference: reference))
    }

    @Test func crossEntropy() {
        var data = TestData(seed: 22)
        let V = 37
        let logits = data.tensor([5, V], scale: 3)
        let targets: [Int32] = [4, -100, 36, 0, -100]
        let logSumExp = Tensor(zeros: [5])
        let (loss, count) = CrossEntropy.forward(logits, targets: targets, logSumExp: logSumExp)
        #expect(count == 3)
        let expected = NaiveReference.crossEntropy(logits.doubles, targets: targets, vocabulary: V)
        #expect(abs(Double(loss) - expected) < 1e-5 * max(1, abs(expected)), "loss \(loss) vs \(expected)")
        let dLogits = Tensor(zeros: logits.shape)
        CrossEntropy.backward(dLoss: 1.5, logits: logits, targets: targets, logSumExp: logSumExp, count: count, dLogits: dLogits)
        let errors = GradientCheck.errors(inputs: [logits.doubles], analytic: [dLogits.doubles], weights: [1.5]) {
            [NaiveReference.crossEntropy($0[0], targets: targets, vocabulary: V)]
        }
        report("cross-entropy", ["logits"], errors)
        #expect(dLogits.scalars[V..<(2 * V)].allSatisfy { $0 == 0 }, "ignored rows get no gradient")
    }

    @Test func binaryCrossEntropy() {
        var data = TestData(seed: 23)
        let logits = data.tensor([2, 9], scale: 3)
        let labels = Tensor(shape: [2, 9], values: (0..<18).map { Float(($0 * 7) % 3 == 0 ? 1 : 0) })
        let weights = Tensor(shape: [2, 9], values: (0..<18).map { $0 < 14 ? 1 : 0 })
        let (loss, total) = BinaryCrossEntropy.forward(logits: logits, labels: labels, weights: weights)
        #expect(total == 14)
        let reference = { (v: [[Double]]) in [NaiveReference.binaryCrossEntropy(v[0], labels: labels.doubles, weights: weights.doubles)] }
        let expected = reference([logits.doubles])[0]
        #expect(abs(Double(loss) - expected) < 1e-5 * max(1, expected), "loss \(loss) vs \(expected)")
        let dLogits = Tensor(zeros: logits.shape)
        BinaryCrossEntropy.backward(dLoss: 0.8, logits: logits, labels: labels, weights: weights, totalWeight: total, dLogits: dLogits)
        report("binary cross-entropy", ["logits"],
               GradientCheck.errors(inputs: [logits.doubles], analytic: [dLogits.doubles], weights: [0.8], reference: reference))
    }

    @Test func globalNorm() {
        var data = TestData(seed: 24)
        let tensors = [data.tensor([3, 4]), data.tensor([5]), data.tensor([33])]
        let norm = GlobalNorm.compute(tensors)
        let flat = tensors.flatMap(\.doubles)
        let expected = flat.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(Double(norm) - expected) < 1e-6 * expected, "norm \(norm) vs \(expected)")
        let gradients = tensors.map { Tensor(zeros: $0.shape) }
        GlobalNorm.backward(dNorm: 2, tensors, norm: norm, dTensors: gradients)
        let errors = GradientCheck.errors(inputs: [flat], analytic: [gradients.flatMap(\.doubles)], weights: [2]) {
            [$0[0].map { $0 * $0 }.reduce(0, +).squareRoot()]
        }
        report("global norm", ["tensors"], errors)
    }
}
