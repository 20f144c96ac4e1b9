// PyTorch parity: each kernel's forward output and gradients against torch on the same random inputs
// (Tests/Fixtures/kernels.safetensors, written by scripts/make_fixtures.py).

import ElectraTensor
import Foundation
import Testing
import _TestSupport

/// Float32 against Float32: both sides round differently, so a few ulps of disagreement are normal.
private let rtol = 1e-5, atol = 1e-6

@Suite("PyTorch parity") struct PyTorchParityTests {
    let file: SafetensorsFile

    init() throws { file = try Fixtures.open("kernels.safetensors") }

    private func t(_ name: String) throws -> Tensor { try file.tensor(name) }

    private func expectClose(_ name: String, _ actual: Tensor, _ expectedName: String,
                             rtol: Double = rtol, atol: Double = atol) throws {
        let comparison = Comparison(name, actual: actual, expected: try t(expectedName), rtol: rtol, atol: atol)
        print("torch parity \(comparison)")
        #expect(comparison.passed, "\(comparison)")
    }

    @Test func fixtureRecordsItsProvenance() {
        #expect(file.metadata["generator"] == "scripts/make_fixtures.py")
        #expect(file.metadata["torch_version"] != nil)
        #expect(file.metadata["seed"] != nil)
    }

    @Test(arguments: [("matmul_nn", false, false), ("matmul_nt", false, true), ("matmul_tn", true, false), ("matmul_tt", true, true)])
    func matmul(name: String, transposeA: Bool, transposeB: Bool) throws {
        let a = try t("\(name).a"), b = try t("\(name).b"), expected = try t("\(name).out")
        let out = Tensor(zeros: expected.shape)
        Matmul.forward(a, b, transposeA: transposeA, transposeB: transposeB, into: out)
        try expectClose("\(name) out", out, "\(name).out")
        let dA = Tensor(zeros: a.shape), dB = Tensor(zeros: b.shape)
        Matmul.backward(try t("\(name).dout"), a, b, transposeA: transposeA, transposeB: transposeB, dA: dA, dB: dB)
        try expectClose("\(name) da", dA, "\(name).da")
        try expectClose("\(name) db", dB, "\(name).db")
    }

    @Test(arguments: [("bmm_nn", false), ("bmm_nt", true)])
    func batchedMatmul(name: String, transposeB: Bool) throws {
        let a = try t("\(name).a"), b = try t("\(name).b"), expected = try t("\(name).out")
        let out = Tensor(zeros: expected.shape)
        BatchedMatmul.forward(a, b, transposeB: transposeB, into: out)
        try expectClose("\(name) out", out, "\(name).out")
        let dA = Tensor(zeros: a.shape), dB = Tensor(zeros: b.shape)
        BatchedMatmul.backward(try t("\(name).dout"), a, b, transposeB: transposeB, dA: dA, dB: dB)
        try expectClose("\(name) da", dA, "\(name).da")
        try expectClose("\(name) db", dB, "\(name).db")
    }

    @Test func biasAdd() throws {
        let out = try t("bias_add.x").clone(), bias = try t("bias_add.bias")
        BiasAdd.forward(out, bias: bias)
        try expectClose("bias_add out", out, "bias_add.out")
        let dBias = Tensor(zeros: bias.shape)
        BiasAdd.backward(try t("bias_add.dout"), dBias: dBias)
        try expectClose("bias_add dbias", dBias, "bias_add.dbias")
        try expectClose("bias_add dx", try t("bias_add.dout"), "bias_add.dx")
    }

    @Test(arguments: ["layer_norm", "layer_norm_eps"])
    func layerNorm(name: String) throws {
        let x = try t("\(name).x"), w = try t("\(name).weight"), b = try t("\(name).bias")
        let epsilon = try t("\(name).eps").scalars[0]
        let out = Tensor(zeros: x.shape), mean = Tensor(zeros: [x.rows]), rstd = Tensor(zeros: [x.rows])
        LayerNorm.forward(x, weight: w, bias: b, epsilon: epsilon, into: out, mean: mean, rstd: rstd)
        try expectClose("\(name) out", out, "\(name).out")
        let dX = Tensor(zeros: x.shape), dW = Tensor(zeros: w.shape), dB = Tensor(zeros: b.shape)
        LayerNorm.backward(try t("\(name).dout"), x, weight: w, mean: mean, rstd: rstd, dX: dX, dWeight: dW, dBias: dB)
        try expectClose("\(name) dx", dX, "\(name).dx")
        try expectClose("\(name) dweight", dW, "\(name).dweight")
        try expectClose("\(name) dbias", dB, "\(name).dbias")
    }

    @Test func gelu() throws {
        let x = try t("gelu.x"), out = Tensor(zeros: x.shape)
        GELU.forward(x, into: out)
        try expectClose("gelu out", out, "gelu.out")
        let dX = Tensor(zeros: x.shape)
        GELU.backward(try t("gelu.dout"), x, dX: dX)
        try expectClose("gelu dx", dX, "gelu.dx")
    }

    @Test func tanh() throws {
        let x = try t("tanh.x"), out = Tensor(zeros: x.shape)
        Tanh.forward(x, into: out)
        try expectClose("tanh out", out, "tanh.out")
        let dX = Tensor(zeros: x.shape)
        Tanh.backward(try t("tanh.dout"), output: out, dX: dX)
        try expectClose("tanh dx", dX, "tanh.dx")
    }

    @Test func softmax() throws {
        let x = try t("softmax.x"), scale = try t("softmax.scale").scalars[0], mask = try t("softmax.mask")
        let out = Tensor(zeros: x.shape)
        Softmax.forward(x, scale: scale, mask: mask, into: out)
        try expectClose("softmax out", out, "softmax.out")
        let dX = Tensor(zeros: x.shape)
        Softmax.backward(try t("softmax.dout"), output: out, scale: scale, dX: dX)
        try expectClose("softmax dx", dX, "softmax.dx")
    }

    @Test func attention() throws {
        let q = try t("attention.q"), k = try t("attention.k"), v = try t("attention.v"), mask = try t("attention.mask")
        let heads = Int(try t("attention.heads").scalars[0])
        let (B, T) = (q.shape[0], q.shape[1])
        let workspace = Attention.Workspace(batch: B, heads: heads, tokens: T)
        let projection = AttentionProjection.pack(q, k, v)
        let out = Tensor(zeros: q.shape)
        Attention.forward(projection: projection, heads: heads, mask: mask, dropout: nil, workspace: workspace, into: out)
        try expectClose("attention out", out, "attention.out")
        let dProjection = Tensor(zeros: projection.shape)
        Attention.backward(dContext: try t("attention.dout"), projection: projection, heads: heads, mask: mask,
                           dropout: nil, workspace: workspace, dProjection: dProjection)
        let (dQ, dK, dV) = AttentionProjection.unpack(dProjection)
        try expectClose("attention dq", dQ, "attention.dq")
        try expectClose("attention dk", dK, "attention.dk")
        try expectClose("attention dv", dV, "attention.dv")
    }

    @Test func embedding() throws {
        let table = try t("embedding.table"), (_, ids) = try file.integers("embedding.ids")
        let expected = try t("embedding.out")
        let out = Tensor(zeros: expected.shape)
        Embedding.forward(ids: ids, table: table, into: out)
        try expectClose("embedding out", out, "embedding.out", rtol: 0, atol: 0)
        let dTable = Tensor(zeros: table.shape)
        Embedding.backward(try t("embedding.dout"), ids: ids, dTable: dTable)
        try expectClose("embedding dtable", dTable, "embedding.dtable")
    }

    /// torch's generator differs from ours, so its keep mask is read back from its output; the scaling
    /// and the gradient must then agree exactly.
    @Test func dropoutGivenTorchMask() throws {
        let x = try t("dropout.x"), torchOut = try t("dropout.out"), p = try t("dropout.p").scalars[0]
        let mask = Tensor(shape: x.shape, values: torchOut.scalars.map { $0 == 0 ? 0 : 1 / (1 - p) })
        let out = Tensor(zeros: x.shape)
        Dropout.forward(x, mask: mask, into: out)
        try expectClose("dropout out", out, "dropout.out")
        let dX = Tensor(zeros: x.shape)
        Dropout.backward(try t("dropout.dout"), mask: mask, dX: dX)
        try expectClose("dropout dx", dX, "dropout.dx")
    }

    @Test(arguments: ["cross_entropy", "cross_entropy_wide"])
    func crossEntropy(name: String) throws {
        let logits = try t("\(name).logits"), (_, targets) = try file.integers("\(name).targets")
        let logSumExp = Tensor(zeros: [logits.rows])
        let (loss, count) = CrossEntropy.forward(logits, targets: targets, logSumExp: logSumExp)
        try expectClose("\(name) loss", Tensor(shape: [1], values: [loss]), "\(name).loss")
        let dLogits = Tensor(zeros: logits.shape)
        CrossEntropy.backward(dLoss: 1, logits: logits, targets: targets, logSumExp: logSumExp, count: count, dLogits: dLogits)
        try expectClose("\(name) dlogits", dLogits, "\(name).dlogits")
    }

    @Test func binaryCrossEntropy() throws {
        let logits = try t("bce.logits"), labels = try t("bce.labels"), weights = try t("bce.weights")
        let (loss, total) = BinaryCrossEntropy.forward(logits: logits, labels: labels, weights: weights)
        try expectClose("bce loss", Tensor(shape: [1], values: [loss]), "bce.loss")
        let dLogits = Tensor(zeros: logits.shape)
        BinaryCrossEntropy.backward(dLoss: 1, logits: logits, labels: labels, weights: weights, totalWeight: total, dLogits: dLogits)
        try expectClose("bce dlogits", dLogits, "bce.dlogits")
    }

    @Test func globalNormAndClipping() throws {
        let tensors = try (0..<3).map { try t("global_norm.t\($0)") }
        let norm = GlobalNorm.compute(tensors)
        try expectClose("global norm", Tensor(shape: [1], values: [norm]), "global_norm.norm")
        let gradients = tensors.map { Tensor(zeros: $0.shape) }
        GlobalNorm.backward(dNorm: 1, tensors, norm: norm, dTensors: gradients)
        let clipped = tensors.map { $0.clone() }
        let before = GlobalNorm.clip(clipped, maxNorm: 1)
        #expect(before == norm)
        for i in 0..<3 {
            try expectClose("global norm dt\(i)", gradients[i], "global_norm.dt\(i)")
            try expectClose("clipped\(i)", clipped[i], "global_norm.clipped\(i)")
        }
    }
}
