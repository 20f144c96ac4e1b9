// The fused kernels give exactly what the separate kernels they replace give.

import Testing
@testable import ElectraTensor
import _TestSupport

@Suite("Fused kernels") struct FusedKernelTests {
    /// bias + dropout + residual + LayerNorm in one pass equals BiasAdd, Multiply, a sum and LayerNorm
    /// one after another, bit for bit (the same operations in the same order per element).
    @Test(arguments: [37, 256])
    func residualLayerNorm(columns C: Int) {
        var data = TestData(seed: 31)
        let R = 9
        let x = data.tensor([R, C]), residual = data.tensor([R, C]), denseBias = data.tensor([C])
        let weight = data.tensor([C], scale: 0.1, shift: 1), bias = data.tensor([C], scale: 0.1)
        let mask = Tensor(zeros: [R, C])
        var generator = RandomGenerator(seed: 32)
        Dropout.makeMask(mask, probability: 0.3, generator: &generator)

        let sum = Tensor(zeros: [R, C]), out = Tensor(zeros: [R, C]), mean = Tensor(zeros: [R]), rstd = Tensor(zeros: [R])
        LayerNorm.forward(residualSumOf: x, denseBias: denseBias, mask: mask, residual: residual, sum: sum,
                          weight: weight, bias: bias, into: out, mean: mean, rstd: rstd)

        let expectedSum = x.clone()
        BiasAdd.forward(expectedSum, bias: denseBias)
        Multiply.inPlace(expectedSum, by: mask)
        for i in 0..<expectedSum.count { expectedSum.pointer[i] += residual.pointer[i] }
        let expectedOut = Tensor(zeros: [R, C]), expectedMean = Tensor(zeros: [R]), expectedRstd = Tensor(zeros: [R])
        LayerNorm.forward(expectedSum, weight: weight, bias: bias, into: expectedOut, mean: expectedMean, rstd: expectedRstd)
        #expect(sum.scalars == expectedSum.scalars)
        #expect(out.scalars == expectedOut.scalars)
        #expect(mean.scalars == expectedMean.scalars && rstd.scalars == expectedRstd.scalars)
    }

    /// bias + GELU in one pass equals BiasAdd then GELU, and leaves the biased input in place.
    @Test func biasGELU() {
        var data = TestData(seed: 33)
        let x = data.tensor([7, 45], scale: 2), bias = data.tensor([45])
        let expected = x.clone()
        BiasAdd.forward(expected, bias: bias)
        let expectedOut = Tensor(zeros: x.shape)
        GELU.forward(expected, into: expectedOut)
        let out = Tensor(zeros: x.shape)
        GELU.forward(x, bias: bias, into: out)
        #expect(x.scalars == expected.scalars)
        #expect(out.scalars == expectedOut.scalars)
    }

    /// Consecutive tensors of one shape are packed and can be viewed stacked; others stay aligned.
    @Test func stackedParameters() {
        let store = ParameterStore(layout: [("a", [3, 5]), ("b", [3, 5]), ("c", [3, 5]), ("d", [5]), ("e", [5])])
        let offsets = store.entries.map(\.offset)
        #expect(offsets == [0, 15, 30, 48, 53])
        for (i, entry) in store.entries.enumerated() { store[entry.name].fill(Float(i)) }
        let stacked = store.stacked(["a", "b", "c"])
        #expect(stacked.shape == [9, 5])
        #expect(stacked.scalars == (0..<45).map { Float($0 / 15) })
        #expect(store.stacked(["d", "e"]).shape == [10])
    }
}
