// Model directories with PyTorch or sharded weights (Tests/Fixtures/torch-bin, written by
// scripts/make_torch_bin_fixtures.py): the logits match transformers' own load of the same files, the
// file preferred is the one transformers prefers, and broken shard indexes are clear errors.

import Electra
import ElectraNN
import ElectraTensor
import Foundation
import Testing
import _TestSupport

private let root = Fixtures.directory.appendingPathComponent("torch-bin").path

/// A copy of fixture directory `name` in a fresh temporary directory.
private func copy(_ name: String) throws -> String {
    let target = FileManager.default.temporaryDirectory.appendingPathComponent("electra-torch-bin-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: root + "/" + name, toPath: target)
    return target
}

@Suite("PyTorch and sharded weights") struct PyTorchWeightsTests {
    /// The fixture's inputs (`batch`) and transformers' logits (`file`).
    let expected: ParityInputs
    init() throws { expected = try ParityInputs("torch-bin/expected.safetensors") }

    /// Discriminators from pytorch_model.bin (F32, F16, BF16, with an int64 position_ids buffer),
    /// sharded .bin and sharded .safetensors give transformers' logits within 1e-5; where both formats
    /// are there, model.safetensors is read.
    @Test(arguments: [
        ("discriminator-bin", ["pytorch_model.bin"]),
        ("f16-bin", ["pytorch_model.bin"]),
        ("bf16-bin", ["pytorch_model.bin"]),
        ("sharded-bin", ["pytorch_model.bin.index.json", "pytorch_model-00001-of-00003.bin", "pytorch_model-00002-of-00003.bin",
                         "pytorch_model-00003-of-00003.bin"]),
        ("sharded-safetensors", ["model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]),
        ("both", ["model.safetensors"]),
    ])
    func discriminatorLogitsMatchTransformers(_ name: String, files: [String]) throws {
        let directory = root + "/" + name
        #expect(try ModelDirectory.open(directory).weights.files == files.map { directory + "/" + $0 })
        let model = try ModelDirectory.loadDiscriminator(directory)
        let workspace = ElectraDiscriminator.Workspace(config: model.config, batch: expected.batch.batch, length: expected.batch.length, training: false)
        let logits = model.logits(expected.batch, workspace)
        let comparison = Comparison("\(name) logits", actual: logits, expected: try expected.file.tensor("\(name).logits"), rtol: 0, atol: 1e-5)
        print(comparison)
        #expect(comparison.passed, "\(comparison)")
    }

    /// A generator saved as torch.save(model.state_dict()): tied output weight on the word embeddings'
    /// storage, a non-contiguous query weight, two biases at offsets of one storage.
    @Test func generatorWithSharedAndStridedStoragesMatchesTransformers() throws {
        let directory = root + "/generator-bin"
        let weights = try ModelDirectory.open(directory).weights
        #expect(weights.tensors["generator_lm_head.weight"] != nil)
        let model = try ModelDirectory.loadGenerator(directory)
        let count = expected.batch.batch * expected.batch.length
        let workspace = ElectraGenerator.Workspace(config: model.config, batch: expected.batch.batch, length: expected.batch.length,
                                                   rows: count, training: false)
        let logits = model.logits(expected.batch, rows: (0..<Int32(count)).map { $0 }, workspace)
        let comparison = Comparison("generator-bin logits", actual: logits, expected: try expected.file.tensor("generator-bin.logits"),
                                    rtol: 0, atol: 1e-5)
        print(comparison)
        #expect(comparison.passed, "\(comparison)")
    }

    @Test func brokenShardIndexesNameTheFile() throws {
        let directory = try copy("sharded-bin"), index = directory + "/pytorch_model.bin.index.json"
        let original = try String(contentsOfFile: index, encoding: .utf8)
        // A tensor the index places in a shard that does not hold it.
        let moved = original.replacingOccurrences(of: #""electra.embeddings.LayerNorm.bias": "pytorch_model-00001-of-00003.bin""#,
                                                  with: #""electra.embeddings.LayerNorm.bias": "pytorch_model-00003-of-00003.bin""#)
        #expect(moved != original)
        try moved.write(toFile: index, atomically: true, encoding: .utf8)
        #expect(throws: ModelWeightsError.shardMismatch(path: index, shard: directory + "/pytorch_model-00003-of-00003.bin",
                                                        names: ["electra.embeddings.LayerNorm.bias"])) { try ModelDirectory.open(directory) }
        // A shard name that leaves the directory.
        try original.replacingOccurrences(of: "pytorch_model-00002-of-00003.bin", with: "../elsewhere.bin").write(toFile: index, atomically: true, encoding: .utf8)
        let escape = try #require(throws: ModelWeightsError.self) { try ModelDirectory.open(directory) }
        #expect("\(escape)".contains(index) && "\(escape)".contains("../elsewhere.bin"))
        // A missing shard, and an index that is not JSON.
        try original.write(toFile: index, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: directory + "/pytorch_model-00002-of-00003.bin")
        let missing = try #require(throws: ModelDirectoryError.self) { try ModelDirectory.open(directory) }
        #expect("\(missing)".contains(directory + "/pytorch_model-00002-of-00003.bin is missing"), "\(missing)")
        try "{\"weight_map\": ".write(toFile: index, atomically: true, encoding: .utf8)
        #expect(throws: ModelWeightsError.self) { try ModelDirectory.open(directory) }
    }

    /// A broken pytorch_model.bin in a model directory ends in the reader's error naming it.
    @Test func brokenWeightsFileNamesIt() throws {
        let directory = try copy("discriminator-bin")
        try FileManager.default.removeItem(atPath: directory + "/pytorch_model.bin")
        try FileManager.default.copyItem(atPath: root + "/malformed/system.bin", toPath: directory + "/pytorch_model.bin")
        #expect(throws: PyTorchFileError.refused(path: directory + "/pytorch_model.bin", .refusedGlobal(name: "posix.system"))) {
            try ModelDirectory.loadDiscriminator(directory)
        }
        try FileManager.default.removeItem(atPath: directory + "/pytorch_model.bin")
        let none = try #require(throws: ModelDirectoryError.self) { try ModelDirectory.open(directory) }
        #expect("\(none)".contains("pytorch_model.bin") && "\(none)".contains("model.safetensors.index.json"), "\(none)")
    }
}
