// The classification models against transformers (Tests/Fixtures/classification/model.safetensors,
// scripts/make_classification_model_fixtures.py): logits, loss and every gradient of
// ElectraForSequenceClassification (single-label, multi-label, regression) and
// ElectraForTokenClassification on the same weights and batch; and a saved directory reloads whole.

import Electra
import ElectraNN
import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Classification parity") struct ClassificationParityTests {
    let file: SafetensorsFile
    init() throws { file = try Fixtures.open("classification/model.safetensors") }

    static let cases: [(name: String, kind: ClassificationHeadKind, problem: ClassificationProblem, labels: Int)] = [
        ("single", .sequence, .singleLabel, 3), ("multi", .sequence, .multiLabel, 3),
        ("regression", .sequence, .regression, 1), ("token", .token, .singleLabel, 5),
    ]

    /// The fixture's tiny model, without dropout.
    func model(_ name: String, kind: ClassificationHeadKind, problem: ClassificationProblem, labels: Int) throws -> ClassificationModel {
        var config = ElectraConfig()
        (config.vocabSize, config.embeddingSize, config.hiddenSize, config.numHiddenLayers) = (64, 16, 32, 2)
        (config.numAttentionHeads, config.intermediateSize, config.maxPositionEmbeddings) = (4, 64, 16)
        (config.hiddenDropoutProb, config.attentionProbsDropoutProb) = (0, 0)
        let store = ParameterStore(layout: ClassificationModel.layout(config, kind: kind, labels: labels))
        for entry in store.entries {
            let key = entry.name.hasPrefix("electra.") ? "encoder.\(entry.name)" : "\(name).head.\(entry.name)"
            store[entry.name].copy(from: try file.tensor(key))
        }
        return ClassificationModel(config: config, kind: kind, problem: problem,
                                   labelNames: (0..<labels).map { "LABEL_\($0)" }, parameters: store)
    }

    func batch() throws -> TokenBatch {
        let ids = try file.integers("input_ids"), types = try file.integers("token_type_ids"), mask = try file.integers("attention_mask")
        return TokenBatch(batch: ids.shape[0], length: ids.shape[1], ids: ids.values, tokenTypes: types.values, attentionMask: mask.values)
    }

    func targets(_ name: String, problem: ClassificationProblem) throws -> ClassificationTargets {
        switch problem {
        case .singleLabel: return .classes(try file.integers("\(name).labels").values)
        case .multiLabel: return .labelSets(try file.tensor("\(name).labels").scalars)
        case .regression: return .values(try file.tensor("\(name).labels").scalars)
        }
    }

    @Test(arguments: 0..<4) func logitsLossAndEveryGradientMatchTransformers(index: Int) throws {
        let (name, kind, problem, labels) = Self.cases[index]
        let model = try model(name, kind: kind, problem: problem, labels: labels)
        let gradients = model.makeGradients()
        let tokens = try batch()
        let (B, T, H) = (tokens.batch, tokens.length, model.config.hiddenSize)
        let workspace = ElectraEncoder.Workspace(config: model.config, batch: B, length: T, training: true)
        var generator = RandomGenerator(seed: 1)
        let hidden = model.encoder.forward(tokens, workspace, generator: &generator)
        let dHidden = Tensor(zeros: [B * T, H])
        let loss: Float, logits: Tensor
        if let head = model.sequenceHead {
            let w = SequenceClassificationHead.Workspace(batch: B, length: T, hidden: H, labels: labels, dropout: 0)
            logits = head.forward(hidden, w, generator: &generator)
            loss = head.loss(try targets(name, problem: problem), hidden: hidden, w, dHidden: dHidden, gradients: gradients.sequenceHead)
        } else {
            let w = TokenClassificationHead.Workspace(positions: B * T, hidden: H, labels: labels, dropout: 0)
            logits = model.tokenHead!.forward(hidden, w, generator: &generator)
            loss = model.tokenHead!.loss(try file.integers("token.labels").values, w, dHidden: dHidden, gradients: gradients.tokenHead)
        }
        model.encoder.backward(dHidden, tokens, workspace, gradients: gradients.encoder)
        let logitComparison = Comparison("\(name) logits", actual: logits.scalars, expected: try file.tensor("\(name).logits").scalars)
        #expect(logitComparison.passed, "\(logitComparison)")
        let expectedLoss = try file.tensor("\(name).loss").scalars[0]
        #expect(abs(loss - expectedLoss) <= 1e-5 * max(1, abs(expectedLoss)), "\(name) loss \(loss) vs \(expectedLoss)")
        var worst = 0.0, largest = 0.0
        for entry in gradients.parameters.entries {
            let expected = try file.tensor("\(name).grad.\(entry.name)").scalars
            let scale = Double(expected.map { abs($0) }.max() ?? 0)
            let comparison = Comparison("\(name) d \(entry.name)", actual: gradients.parameters[entry.name].scalars, expected: expected,
                                        rtol: 1e-3, atol: 1e-4 * max(scale, 1e-3))
            worst = max(worst, zip(gradients.parameters[entry.name].scalars, expected).map { Double(abs($0 - $1)) }.max()!)
            largest = max(largest, scale)
            #expect(comparison.passed, "\(comparison)")
        }
        print("classification parity (\(name)): loss \(loss) vs \(expectedLoss), \(gradients.parameters.entries.count) gradients, "
              + "largest |diff| \(worst) (largest gradient \(largest))")
    }

    @Test(arguments: 0..<4) func aSavedDirectoryReloadsWithItsHeadAndGivesTheSameLogits(index: Int) throws {
        let (name, kind, problem, labels) = Self.cases[index]
        let model = try model(name, kind: kind, problem: problem, labels: labels)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("electra-cls-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let vocabulary = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (5..<64).map { "w\($0)" }).joined(separator: "\n") + "\n"
        try vocabulary.write(toFile: directory + "/source-vocab.txt", atomically: true, encoding: .utf8)
        let source = directory + "/source"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try vocabulary.write(toFile: source + "/vocab.txt", atomically: true, encoding: .utf8)
        try model.save(to: directory + "/model", tokenizerFrom: source)
        let reloaded = try ClassificationModel.loadFineTuned(directory + "/model")
        #expect(reloaded.kind == kind && reloaded.problem == problem && reloaded.labelNames == model.labelNames)
        #expect(reloaded.parameters.flat.scalars == model.parameters.flat.scalars)
        let config = try ElectraConfig(contentsOf: directory + "/model/config.json")
        #expect(config.architectures == [kind.architecture] && config.problemType == problem)
        #expect(config.extra["label2id"] == .object(Dictionary(uniqueKeysWithValues: model.labelNames.enumerated().map { ($1, .number(Double($0))) })))
        let feature = ClassificationFeature(ids: [2, 9, 17, 3], tokenTypes: [0, 0, 0, 0], example: 0, target: nil, tokenLabels: [], words: [])
        let settings = FineTuningSettings(epochs: 1, batchSize: 1, accumulation: 1, learningRate: 1, warmupProportion: 0,
                                          optimizer: .adamW, schedule: .warmupThenDecay, weightDecay: 0, layerDecay: 1)
        let before = ClassificationFineTuner(model: model, settings: settings).logits([feature])
        let after = ClassificationFineTuner(model: reloaded, settings: settings).logits([feature])
        #expect(before == after && before[0].count == (kind == .sequence ? labels : 4 * labels))
    }
}
