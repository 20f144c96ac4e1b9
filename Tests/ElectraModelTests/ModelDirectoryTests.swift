// Model directories: save and load round trips, the files transformers expects, and clear errors.

import Electra
import ElectraNN
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

private func temporaryDirectory(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("electra-\(name)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Model directories") struct ModelDirectoryTests {
    /// Writes a random discriminator and generator, reads them back, and leaves
    /// `discriminator-inputs.safetensors` and `generator-inputs.safetensors` with their logits beside
    /// them, in `$ELECTRA_EXPORT_CHECK_DIR` when set, so that `scripts/check_export.sh` can confirm
    /// that transformers loads them and computes the same.
    @Test func saveAndLoadRoundTrip() throws {
        var config = ElectraConfig()
        (config.embeddingSize, config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize) = (16, 32, 2, 4, 64)
        config.maxPositionEmbeddings = 64
        let root = ProcessInfo.processInfo.environment["ELECTRA_EXPORT_CHECK_DIR"] ?? temporaryDirectory("export")
        let inputs = try ParityInputs()
        var generatorRNG = RandomGenerator(seed: 77)
        var tensors: [(String, Tensor)] = [
            ("input_ids", Tensor(shape: [inputs.batch.batch, inputs.batch.length], values: inputs.batch.ids.map(Float.init))),
            ("attention_mask", Tensor(shape: [inputs.batch.batch, inputs.batch.length], values: inputs.batch.attentionMask.map(Float.init))),
            ("token_type_ids", Tensor(shape: [inputs.batch.batch, inputs.batch.length], values: inputs.batch.tokenTypes.map(Float.init))),
        ]
        // Discriminator.
        let store = ParameterStore(layout: ElectraDiscriminator.layout(config))
        Initializer.initialize(store, config: config, generator: &generatorRNG)
        randomize(store, seed: 78, scale: 0.2)
        try ModelDirectory.save(config: config, parameters: store, role: .discriminator, vocabulary: Vocabulary.bundledPath(),
                                to: root + "/discriminator")
        let loaded = try ModelDirectory.loadDiscriminator(root + "/discriminator")
        #expect(loaded.parameters.flat.scalars == store.flat.scalars)
        #expect(loaded.config.architectures == ["ElectraForPreTraining"])
        let workspace = ElectraDiscriminator.Workspace(config: config, batch: inputs.batch.batch, length: inputs.batch.length, training: false)
        tensors.append(("expected_logits", loaded.logits(inputs.batch, workspace).reshaped([inputs.batch.batch, inputs.batch.length]).clone()))
        try SafetensorsFile.write(tensors, to: root + "/discriminator-inputs.safetensors")
        // Generator (embedding size = hidden size: no embeddings_project).
        var generatorConfig = config.generator(fraction: 0.5, sizing: .google)
        generatorConfig.embeddingSize = generatorConfig.hiddenSize
        let generatorStore = ParameterStore(layout: ElectraGenerator.layout(generatorConfig))
        randomize(generatorStore, seed: 79, scale: 0.2)
        try ModelDirectory.save(config: generatorConfig, parameters: generatorStore, role: .generator, vocabulary: Vocabulary.bundledPath(),
                                to: root + "/generator")
        let generator = try ModelDirectory.loadGenerator(root + "/generator")
        #expect(generator.parameters.flat.scalars == generatorStore.flat.scalars)
        #expect(!generator.parameters.contains("electra.embeddings_project.weight"))
        let rows: [Int32] = [1, 3, 9]
        let gw = ElectraGenerator.Workspace(config: generatorConfig, batch: inputs.batch.batch, length: inputs.batch.length, rows: 3, training: false)
        tensors[3] = ("expected_logits", generator.logits(inputs.batch, rows: rows, gw).clone())
        tensors.append(("rows", Tensor(shape: [3], values: rows.map(Float.init))))
        try SafetensorsFile.write(tensors, to: root + "/generator-inputs.safetensors")
        print("exported test models to \(root) (check with scripts/check_export.py)")
        // The generator's tied output weight is not written, as transformers does.
        let names = try SafetensorsFile(path: root + "/generator/model.safetensors").names
        #expect(!names.contains("generator_lm_head.weight") && names.contains("generator_lm_head.bias"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/generator/config.json"))) as! [String: Any]
        #expect(json["model_type"] as? String == "electra" && json["vocab_size"] as? Int == 30522)
    }

    @Test func configKeepsUnknownKeys() throws {
        let path = Fixtures.directory.appendingPathComponent("model/discriminator/config.json").path
        let config = try ElectraConfig(contentsOf: path)
        #expect(config.extra["summary_type"] == .string("first"))
        let again = try JSONDecoder().decode(ElectraConfig.self, from: try config.jsonData())
        #expect(again == config)
    }

    @Test func generatorPresetsFollowGoogle() {
        let small = ElectraConfig.small.generator(fraction: 0.25)
        #expect((small.hiddenSize, small.numAttentionHeads, small.intermediateSize, small.embeddingSize) == (64, 1, 256, 128))
        let base = ElectraConfig.base.generator(fraction: 1.0 / 3.0)
        #expect((base.hiddenSize, base.numAttentionHeads, base.intermediateSize) == (256, 4, 1024))
    }

    @Test func badDirectoriesAreRefusedClearly() throws {
        let fixture = Fixtures.directory.appendingPathComponent("model").path
        #expect(throws: ModelDirectoryError.wrongRole(path: fixture + "/generator", expected: .discriminator, found: .generator)) {
            _ = try ModelDirectory.loadDiscriminator(fixture + "/generator")
        }
        let empty = temporaryDirectory("empty")
        do {
            _ = try ModelDirectory.loadDiscriminator(empty)
            Issue.record("an empty directory loaded")
        } catch {
            #expect("\(error)".contains("config.json"))
        }
        // A vocabulary that does not match vocab_size.
        let mismatched = temporaryDirectory("vocab")
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: fixture + "/discriminator/" + file, toPath: mismatched + "/" + file)
        }
        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n".write(toFile: mismatched + "/vocab.txt", atomically: true, encoding: .utf8)
        #expect(throws: ModelDirectoryError.vocabularyMismatch(path: mismatched + "/vocab.txt", vocabularySize: 5, configured: 30522)) {
            _ = try ModelDirectory.loadDiscriminator(mismatched)
        }
        // A truncated weights file.
        let truncated = temporaryDirectory("truncated")
        try FileManager.default.copyItem(atPath: fixture + "/discriminator/config.json", toPath: truncated + "/config.json")
        let weights = try Data(contentsOf: URL(fileURLWithPath: fixture + "/discriminator/model.safetensors"))
        try weights.prefix(weights.count / 2).write(to: URL(fileURLWithPath: truncated + "/model.safetensors"))
        #expect(throws: SafetensorsError.self) { _ = try ModelDirectory.loadDiscriminator(truncated) }
    }
}
