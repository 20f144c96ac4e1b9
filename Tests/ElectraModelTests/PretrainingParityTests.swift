// One full pretraining step against a PyTorch/transformers reference (Tests/Fixtures/pretraining,
// written by scripts/make_pretraining_fixtures.py): given the same weights, masked positions and
// sampled replacements, the losses, logits and every gradient agree within 1e-4, and so does one
// clipped LAMB update.

import Electra
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Pretraining step parity") struct PretrainingParityTests {
    static func configs() -> (ElectraConfig, ElectraConfig) {
        var d = ElectraConfig()
        (d.vocabSize, d.embeddingSize, d.hiddenSize, d.numHiddenLayers, d.numAttentionHeads, d.intermediateSize) = (16384, 16, 32, 2, 4, 64)
        d.maxPositionEmbeddings = 64
        d.hiddenDropoutProb = 0
        d.attentionProbsDropoutProb = 0
        var g = d
        (g.hiddenSize, g.numAttentionHeads, g.intermediateSize) = (8, 1, 32)
        return (d, g)
    }

    /// The fixture's name for a tensor of the pretraining store.
    static func fixtureName(_ name: String, _ kind: String) -> String {
        name.hasPrefix(PretrainingModel.generatorPrefix)
            ? "\(kind).gen." + name.dropFirst(PretrainingModel.generatorPrefix.count) : "\(kind).disc.\(name)"
    }

    @Test func oneStepAndOneLAMBUpdate() throws {
        let file = try Fixtures.open("pretraining/step.safetensors")
        let (d, g) = Self.configs()
        let store = ParameterStore(layout: PretrainingModel.layout(discriminator: d, generator: g))
        for entry in store.entries { store[entry.name].copy(from: try file.tensor(Self.fixtureName(entry.name, "param"))) }
        let model = PretrainingModel(discriminator: d, generator: g, parameters: store)
        let (shape, ids) = try file.integers("input_ids")
        let batch = TokenBatch(batch: shape[0], length: shape[1], ids: ids, tokenTypes: try file.integers("token_type_ids").values,
                               attentionMask: try file.integers("attention_mask").values)
        let positions = try file.integers("masked_positions").values
        let maskedInput = TokenBatch(batch: shape[0], length: shape[1], ids: try file.integers("masked_input_ids").values,
                                     tokenTypes: batch.tokenTypes, attentionMask: batch.attentionMask)
        let masked = MaskedBatch(input: maskedInput, positions: positions, targets: positions.map { ids[Int($0)] })
        let pretrainingStep = PretrainingStep(model: model, objective: PretrainingObjective(), batch: shape[0], length: shape[1],
                                              maskedRows: positions.count)
        let gradients = model.makeGradients()
        let metrics = pretrainingStep.run(masked, original: batch, randomness: RandomGenerator(seed: 1), gradients: gradients,
                               sampled: try file.integers("sampled_ids").values)
        for (name, value) in [("mlm_loss", metrics.generatorLoss), ("disc_loss", metrics.discriminatorLoss), ("total_loss", metrics.loss)] {
            let expected = Double(try file.tensor(name).scalars[0])
            #expect(abs(value - expected) <= 1e-4 * abs(expected), "\(name): \(value) vs \(expected)")
        }
        #expect(metrics.replaced == 3, "a sample equal to the original does not count as replaced")
        let floor = 1e-6 * (try file.names.filter { $0.hasPrefix("grad.") }.map { try file.tensor($0).scalars.map { Double(abs($0)) }.max()! }.max()!)
        for entry in gradients.parameters.entries {
            let comparison = Comparison(entry.name, actual: gradients.parameters[entry.name],
                                        expected: try file.tensor(Self.fixtureName(entry.name, "grad")), rtol: 1e-4, atol: floor)
            #expect(comparison.passed, "\(comparison)")
        }
        // Clip to global norm 1 and take one LAMB step with NVIDIA's settings.
        let norm = GlobalNorm.clip(gradients.parameters.tensors, maxNorm: 1)
        #expect(abs(Double(norm) - Double(try file.tensor("global_grad_norm").scalars[0])) < 1e-4 * Double(norm))
        let optimizer = Optimizer(settings: .nvidiaLAMB, parameters: store)
        optimizer.update(gradients: gradients.parameters, learningRate: 1e-3)
        var worst = 0.0
        for entry in store.entries {
            let comparison = Comparison(entry.name, actual: store[entry.name], expected: try file.tensor(Self.fixtureName(entry.name, "lamb")),
                                        rtol: 1e-5, atol: 1e-6)
            worst = max(worst, comparison.maxAbsolute)
            #expect(comparison.passed, "LAMB \(comparison)")
        }
        print("pretraining step parity: losses \(metrics.loss), \(store.entries.count) gradients within 1e-4, LAMB update max |diff| \(worst)")
    }
}
