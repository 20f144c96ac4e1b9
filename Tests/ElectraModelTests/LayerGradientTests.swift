// Finite-difference checks of the layers and of whole models, with dropout on and off.

import Electra
import ElectraNN
import ElectraTensor
import Testing
import _TestSupport

/// A tiny configuration with embedding_size ≠ hidden_size.
func tinyConfig(dropout: Float = 0) -> ElectraConfig {
    var c = ElectraConfig()
    (c.vocabSize, c.embeddingSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (40, 6, 8, 2, 2, 12)
    c.maxPositionEmbeddings = 16
    c.hiddenDropoutProb = dropout
    c.attentionProbsDropoutProb = dropout
    return c
}

/// Random parameters with non-trivial LayerNorms and biases.
func randomize(_ store: ParameterStore, seed: UInt64, scale: Float = 0.5) {
    var generator = RandomGenerator(seed: seed)
    for entry in store.entries {
        let t = store[entry.name]
        if entry.name.hasSuffix("LayerNorm.weight") {
            generator.fillNormal(t, mean: 1, standardDeviation: 0.2)
        } else {
            generator.fillNormal(t, standardDeviation: scale)
        }
    }
}

func sampleBatch() -> TokenBatch {
    TokenBatch(batch: 2, length: 5, ids: [1, 7, 3, 9, 2, 1, 4, 4, 0, 0], tokenTypes: [0, 0, 1, 1, 1, 0, 0, 1, 0, 0],
               attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
}

private func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}

@Suite("Layer and model gradients") struct LayerGradientTests {
    @Test(arguments: [Float(0), Float(0.2)])
    func transformerLayer(dropout: Float) {
        let (B, T, H, I, NH) = (2, 5, 8, 12, 2)
        let store = ParameterStore(layout: TransformerLayer.layout("layer", hidden: H, intermediate: I))
        randomize(store, seed: 3)
        let layer = TransformerLayer(store, "layer", heads: NH, epsilon: 1e-5)
        let gradients = store.zerosLike()
        let g = TransformerLayer(gradients, "layer", heads: NH, epsilon: 1e-5)
        var data = TestData(seed: 4)
        let x = data.tensor([B * T, H]), weights = data.tensor([B * T, H])
        let mask = Tensor(shape: [B, T], values: [0, 0, 0, 0, 0, 0, 0, 0, -.greatestFiniteMagnitude, -.greatestFiniteMagnitude])
        let activations = TransformerLayer.Activations(batch: B, length: T, hidden: H, intermediate: I, heads: NH,
                                                       hiddenDropout: dropout, attentionDropout: dropout)
        func loss() -> Double {
            var generator = RandomGenerator(seed: 9)   // the same dropout masks every time
            layer.forward(x, mask: mask, activations, generator: &generator)
            return dot(activations.result, weights)
        }
        _ = loss()
        let dX = Tensor(zeros: x.shape)
        layer.backward(weights, input: x, activations,
                       scratch: TransformerLayer.GradientScratch(batch: B, length: T, hidden: H, intermediate: I),
                       dX: dX, gradients: g)
        let tensors = [x] + store.entries.map { store[$0.name] }
        let analytic = [dX] + gradients.entries.map { gradients[$0.name] }
        let errors = GradientCheck.sampledErrors(tensors, analytic: analytic, loss: loss)
        print("gradient check transformer layer (dropout \(dropout)): worst relative error \(errors.max()!)")
        for (name, error) in zip(["x"] + store.entries.map(\.name), errors) where error > 1e-2 { print("  FAIL \(name) \(error)") }
        for (name, error) in zip(["x"] + store.entries.map(\.name), errors) {
            #expect(error < 1e-2, "\(name): \(error)")
        }
    }

    @Test(arguments: [Float(0), Float(0.2)], [UInt64(5), 6])
    func discriminator(dropout: Float, seed: UInt64) {
        let config = tinyConfig(dropout: dropout)
        let model = ElectraDiscriminator(config: config, parameters: ParameterStore(layout: ElectraDiscriminator.layout(config)))
        randomize(model.parameters, seed: seed)
        let gradients = model.makeGradients()
        let batch = sampleBatch()
        let workspace = ElectraDiscriminator.Workspace(config: config, batch: 2, length: 5, training: true)
        let weights = TestData(seed: 6).generator.split("w")
        var w = weights
        let upstream = Tensor(zeros: [10, 1])
        w.fillNormal(upstream)
        func loss() -> Double {
            var generator = RandomGenerator(seed: 11)
            return dot(model.forward(batch, workspace, generator: &generator), upstream)
        }
        _ = loss()
        model.backward(upstream, batch, workspace, gradients: gradients)
        let names = model.parameters.entries.map(\.name)
        let errors = GradientCheck.sampledErrors(names.map { model.parameters[$0] }, analytic: names.map { gradients.parameters[$0] },
                                                 samples: 8, step: 5e-3, loss: loss)
        print("gradient check discriminator (dropout \(dropout)): worst relative error \(errors.max()!)")
        for (name, error) in zip(names, errors) where error > 1e-2 { print("  FAIL \(name) \(error)") }
        for (name, error) in zip(names, errors) { #expect(error < 1e-2, "\(name): \(error)") }
    }

    @Test func generator() {
        let config = tinyConfig()
        let model = ElectraGenerator(config: config, parameters: ParameterStore(layout: ElectraGenerator.layout(config)))
        randomize(model.parameters, seed: 7)
        let gradients = model.makeGradients()
        let batch = sampleBatch()
        let rows: [Int32] = [1, 3, 6]
        let workspace = ElectraGenerator.Workspace(config: config, batch: 2, length: 5, rows: 3, training: true)
        var w = RandomGenerator(seed: 8)
        let upstream = Tensor(zeros: [3, config.vocabSize])
        w.fillNormal(upstream)
        func loss() -> Double {
            var generator = RandomGenerator(seed: 11)
            return dot(model.forward(batch, rows: rows, workspace, generator: &generator), upstream)
        }
        _ = loss()
        model.backward(upstream, batch, rows: rows, workspace, gradients: gradients)
        let names = model.parameters.entries.map(\.name)
        let errors = GradientCheck.sampledErrors(names.map { model.parameters[$0] }, analytic: names.map { gradients.parameters[$0] },
                                                 samples: 8, loss: loss)
        print("gradient check generator: worst relative error \(errors.max()!)")
        for (name, error) in zip(names, errors) where error > 1e-2 { print("  FAIL \(name) \(error)") }
        for (name, error) in zip(names, errors) { #expect(error < 1e-2, "\(name): \(error)") }
    }
}
