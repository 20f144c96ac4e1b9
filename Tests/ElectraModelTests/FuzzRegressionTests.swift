// FuzzRegressionTests: model directories and checkpoints that crashed their loaders (found with the
// fuzz targets of scripts/fuzz.sh), each now refused with an error naming the file (the inputs are
// kept in Tests/Fixtures/fuzz/model-files and Tests/Fixtures/fuzz/checkpoint); and the fuzz seeds of
// these targets still valid.

import Electra
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

@Suite struct ModelFilesFuzzRegressionTests {
    /// A fresh directory holding `files` (name → bytes) and a `model.safetensors` with one small tensor.
    private func directory(_ files: [String: [UInt8]]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("electra-fuzz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name)) }
        try SafetensorsFile.write([("electra.embeddings.word_embeddings.weight", Tensor(zeros: [15, 8]))],
                                  to: path + "/model.safetensors")
        return path
    }

    private func input(_ target: String, _ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: Fixtures.directory.appendingPathComponent("fuzz/\(target)/\(name)")))
    }

    @Test func configWithHugeSizesNextToSmallWeightsIsRefused() throws {
        // vocab_size 10,000,000 and embedding_size 1000 pass ElectraConfig.validate (10^10 parameters
        // are under its 2^36): loadDiscriminator allocated a 40 GB ParameterStore and aborted before
        // noticing that model.safetensors holds none of those tensors.
        let path = try directory(["config.json": try input("model-files", "huge-sizes-config")])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ModelDirectoryError.self) { try ModelDirectory.loadDiscriminator(path) }
        #expect(throws: ModelDirectoryError.self) { try ModelDirectory.loadGenerator(path) }
    }

    @Test func stateWithHugeSizesNextToSmallTensorsIsRefused() throws {
        // The same sizes in both configurations of state.json pass PretrainingSettings.validate:
        // Pretrainer.loadModel allocated a 40 GB ParameterStore and aborted before reading model.safetensors.
        let path = try directory(["state.json": try input("checkpoint", "huge-sizes-state.json")])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: CheckpointError.self) { try Pretrainer.loadModel(checkpoint: path) }
    }

    @Test func fuzzSeedsAreValidInputs() throws {
        // Seeds that the current code refuses would leave the fuzzer exploring error paths only:
        // after a format change, regenerate them with `electra-fuzz seeds Fuzz/Seeds` (Fuzz/README.md).
        let seeds = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/Seeds")
        let state = try Data(contentsOf: seeds.appendingPathComponent("checkpoint/state.json"))
        let checkpoint = try directory(["state.json": [UInt8](state)])
        defer { try? FileManager.default.removeItem(atPath: checkpoint) }
        let settings = try JSONDecoder().decode(TrainingState.self, from: state).settings
        let layout = PretrainingModel.layout(discriminator: settings.discriminator, generator: settings.generator)
        try SafetensorsFile.write(layout.map { ($0.name, Tensor(zeros: $0.shape)) }, to: checkpoint + "/model.safetensors")
        #expect(try Pretrainer.readState(checkpoint: checkpoint).step == 5)
        for seed in ["discriminator", "generator"] {
            let parts = try [UInt8](Data(contentsOf: seeds.appendingPathComponent("model-files/" + seed)))
                .split(separator: 0, omittingEmptySubsequences: false)
            let model = try directory(["config.json": Array(parts[0]), "vocab.txt": Array(parts[1])])
            defer { try? FileManager.default.removeItem(atPath: model) }
            let config = try ElectraConfig(contentsOf: model + "/config.json")
            #expect(try Vocabulary(contentsOf: model + "/vocab.txt").count == config.vocabSize)
        }
        // The tfcheckpoint seed is the fixture's index, which the conversion tests read in full.
        let index = seeds.appendingPathComponent("tfcheckpoint/model.ckpt-7.index")
        #expect(try Data(contentsOf: index) == Data(contentsOf: URL(fileURLWithPath: tfCheckpointPrefix + ".index")))
    }
}
