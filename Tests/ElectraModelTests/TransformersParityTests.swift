// The discriminator and generator against Hugging Face transformers on the same weights and inputs:
// logits, the gradient of a fixed loss for every parameter, and the gradient of the embedding output.
// Fixtures: Tests/Fixtures/model/, written by scripts/make_model_fixtures.py.

import Electra
import ElectraNN
import ElectraTensor
import Foundation
import Testing
import _TestSupport

/// The bar: 1e-4 relative, element by element. `floor` is an absolute tolerance for values
/// that are zero in exact arithmetic (the key biases' gradients: softmax ignores a constant added to
/// every score) or that cancel to nearly zero, where both sides hold only rounding noise: 1e-6 of the
/// largest gradient of the model, 1e-5 of the largest logit.
private func expectClose(_ name: String, _ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-4, floor: Double = 1e-7) {
    let comparison = Comparison(name, actual: actual, expected: expected, rtol: rtol, atol: floor)
    #expect(comparison.passed, "\(comparison)")
}

/// The largest absolute value among the fixture's gradients named `prefix.*`.
private func largestGradient(_ file: SafetensorsFile, _ prefix: String) throws -> Double {
    try file.names.filter { $0.hasPrefix(prefix) }.map { try file.tensor($0).scalars.map { Double(abs($0)) }.max() ?? 0 }.max() ?? 1
}

struct ParityInputs {
    let file: SafetensorsFile
    let batch: TokenBatch

    /// The inputs of fixture `name` (`input_ids`, `token_type_ids`, `attention_mask`).
    init(_ name: String = "model/parity.safetensors") throws {
        file = try Fixtures.open(name)
        let (shape, ids) = try file.integers("input_ids")
        let types = try file.integers("token_type_ids").values, mask = try file.integers("attention_mask").values
        batch = TokenBatch(batch: shape[0], length: shape[1], ids: ids, tokenTypes: types, attentionMask: mask)
    }
}

@Suite("transformers parity") struct TransformersParityTests {
    let inputs: ParityInputs
    init() throws { inputs = try ParityInputs() }

    @Test func discriminatorLogitsAndGradients() throws {
        let directory = Fixtures.directory.appendingPathComponent("model/discriminator").path
        let model = try ModelDirectory.loadDiscriminator(directory)
        let file = inputs.file, batch = inputs.batch
        var generator = RandomGenerator(seed: 0)
        // Dropout is off in the fixture (eval mode); a training workspace with zero dropout keeps activations.
        var config = model.config
        config.hiddenDropoutProb = 0
        config.attentionProbsDropoutProb = 0
        let evalModel = ElectraDiscriminator(config: config, parameters: model.parameters)
        let evalWorkspace = ElectraDiscriminator.Workspace(config: config, batch: batch.batch, length: batch.length, training: true)
        let logits = evalModel.forward(batch, evalWorkspace, generator: &generator)
        expectClose("discriminator logits", logits.reshaped([logits.count]), try file.tensor("disc.logits").reshaped([logits.count]))
        let gradients = evalModel.makeGradients()
        let dEmbeddings = evalModel.backward(try file.tensor("disc.dlogits").reshaped([logits.count, 1]), batch, evalWorkspace,
                                             gradients: gradients)
        let floor = 1e-6 * (try largestGradient(file, "disc.grad."))
        expectClose("discriminator d(embedding output)", dEmbeddings, try file.tensor("disc.grad.embeddings_output"), floor: floor)
        var checked = 0
        for entry in gradients.parameters.entries {
            expectClose("d \(entry.name)", gradients.parameters[entry.name], try file.tensor("disc.grad.\(entry.name)"), floor: floor)
            checked += 1
        }
        print("transformers parity: discriminator logits and \(checked) parameter gradients within 1e-4")
        #expect(checked == 43)
    }

    @Test func generatorLogitsAndGradients() throws {
        let directory = Fixtures.directory.appendingPathComponent("model/generator").path
        let loaded = try ModelDirectory.loadGenerator(directory)
        var config = loaded.config
        config.hiddenDropoutProb = 0
        config.attentionProbsDropoutProb = 0
        let model = ElectraGenerator(config: config, parameters: loaded.parameters)
        let file = inputs.file, batch = inputs.batch
        let rows = try file.integers("gen.rows").values
        let workspace = ElectraGenerator.Workspace(config: config, batch: batch.batch, length: batch.length, rows: rows.count, training: true)
        var generator = RandomGenerator(seed: 0)
        let logits = model.forward(batch, rows: rows, workspace, generator: &generator)
        let expectedLogits = try file.tensor("gen.logits")
        expectClose("generator logits", logits, expectedLogits, floor: 1e-5 * Double(expectedLogits.scalars.map(abs).max()!))
        let gradients = model.makeGradients()
        let dEmbeddings = model.backward(try file.tensor("gen.dlogits"), batch, rows: rows, workspace, gradients: gradients)
        let floor = 1e-6 * (try largestGradient(file, "gen.grad."))
        expectClose("generator d(embedding output)", dEmbeddings, try file.tensor("gen.grad.embeddings_output"), floor: floor)
        for entry in gradients.parameters.entries {
            expectClose("d \(entry.name)", gradients.parameters[entry.name], try file.tensor("gen.grad.\(entry.name)"), floor: floor)
        }
        print("transformers parity: generator logits and \(gradients.parameters.entries.count) parameter gradients within 1e-4")
    }

    @Test func lossesMatchTheModelsOwn() throws {
        let file = inputs.file, batch = inputs.batch
        // Discriminator BCE over real tokens.
        var config = try ModelDirectory.open(Fixtures.directory.appendingPathComponent("model/discriminator").path).config
        config.hiddenDropoutProb = 0; config.attentionProbsDropoutProb = 0
        let discriminator = ElectraDiscriminator(config: config, parameters: try ModelDirectory.loadDiscriminator(
            Fixtures.directory.appendingPathComponent("model/discriminator").path).parameters)
        let workspace = ElectraDiscriminator.Workspace(config: config, batch: batch.batch, length: batch.length, training: false)
        let logits = discriminator.logits(batch, workspace)
        let weights = Tensor(shape: [batch.count], values: batch.attentionMask.map(Float.init))
        let (bce, _) = BinaryCrossEntropy.forward(logits: logits.reshaped([batch.count]), labels: try file.tensor("disc.labels").reshaped([batch.count]), weights: weights)
        expectClose("discriminator BCE", Tensor(shape: [1], values: [bce]), try file.tensor("disc.bce_loss"))
        // Generator cross-entropy at the labelled rows.
        let generator = try ModelDirectory.loadGenerator(Fixtures.directory.appendingPathComponent("model/generator").path)
        let labels = try file.integers("gen.mlm_labels").values
        let rows = labels.indices.filter { labels[$0] != -100 }.map(Int32.init)
        let gw = ElectraGenerator.Workspace(config: generator.config, batch: batch.batch, length: batch.length, rows: rows.count, training: false)
        let genLogits = generator.logits(batch, rows: rows, gw)
        let (mlm, _) = CrossEntropy.forward(genLogits, targets: rows.map { labels[Int($0)] }, logSumExp: Tensor(zeros: [rows.count]))
        expectClose("generator MLM loss", Tensor(shape: [1], values: [mlm]), try file.tensor("gen.mlm_loss"))
    }

    @Test func inferenceWorkspaceGivesTheSameLogits() throws {
        let model = try ModelDirectory.loadDiscriminator(Fixtures.directory.appendingPathComponent("model/discriminator").path)
        let batch = inputs.batch
        let workspace = ElectraDiscriminator.Workspace(config: model.config, batch: batch.batch, length: batch.length, training: false)
        expectClose("inference logits", model.logits(batch, workspace).reshaped([batch.count]),
                    try inputs.file.tensor("disc.logits").reshaped([batch.count]))
    }
}
