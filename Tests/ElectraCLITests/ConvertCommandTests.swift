// `electra convert` (a Google TF1 checkpoint, a model directory) and `electra pretrain --init-from` with
// released networks, run in-process.

@testable import ElectraCLI
import Electra
import ElectraNN
import ElectraTensor
import Foundation
import Testing
import _TestSupport

private let fixture = Fixtures.directory.appendingPathComponent("tfcheckpoint").path
private let prefix = fixture + "/model.ckpt-7"

@Suite("electra convert", .serialized) struct ConvertCommandTests {
    @Test func convertsAGoogleCheckpointToTwoDirectoriesWithTransformersLogits() throws {
        let output = scratchPath("convert")
        #expect(commandOutcome(["convert", prefix, "--output", output, "--heads", "4", "--generator-heads", "2"]) == "")
        for role in ["discriminator", "generator"] {
            for file in ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"] {
                #expect(FileManager.default.fileExists(atPath: "\(output)/\(role)/\(file)"), "\(role)/\(file)")
            }
        }
        let discriminator = try ModelDirectory.loadDiscriminator(output + "/discriminator")
        let generator = try ModelDirectory.loadGenerator(output + "/generator")
        #expect(generator.config.hiddenSize == 16 && discriminator.config.hiddenSize == 32)
        let reference = try Fixtures.open("tfcheckpoint/reference.safetensors")
        let (shape, ids) = try reference.integers("input_ids")
        let batch = TokenBatch(batch: shape[0], length: shape[1], ids: ids, tokenTypes: try reference.integers("token_type_ids").values,
                               attentionMask: try reference.integers("attention_mask").values)
        let logits = discriminator.logits(batch, .init(config: discriminator.config, batch: shape[0], length: shape[1], training: false))
        let comparison = Comparison("discriminator logits", actual: logits.scalars,
                                    expected: try reference.tensor("discriminator_logits").scalars, rtol: 0, atol: 1e-5)
        #expect(comparison.passed, "\(comparison)")
        let rows = (0..<Int32(ids.count)).map { $0 }
        let generatorLogits = generator.logits(batch, rows: rows, .init(config: generator.config, batch: shape[0], length: shape[1],
                                                                         rows: rows.count, training: false))
        let generatorComparison = Comparison("generator logits", actual: generatorLogits.scalars,
                                             expected: try reference.tensor("generator_logits").scalars, rtol: 0, atol: 1e-5)
        #expect(generatorComparison.passed, "\(generatorComparison)")

        // A model directory is rewritten as it was loaded.
        let rewritten = scratchPath("rewritten")
        #expect(commandOutcome(["convert", output + "/generator", "--output", rewritten]) == "")
        #expect(try ModelDirectory.loadGenerator(rewritten).parameters.flat.scalars == generator.parameters.flat.scalars)
        #expect(FileManager.default.fileExists(atPath: rewritten + "/vocab.txt"))
    }

    @Test func refusesWhatItCannotConvert() throws {
        #expect(commandOutcome(["convert", "/nonexistent/model.ckpt-5", "--output", scratchPath("x")]).contains("neither a TF checkpoint"))
        #expect(commandOutcome(["convert", prefix, "--output", scratchPath("x"), "--heads", "0"]).contains("at least 1"))
        #expect(commandOutcome(["convert", prefix, "--output", scratchPath("x"), "--heads", "5"]).contains("attention heads"))
        // A generator config.json of the discriminator's size is refused, naming the size.
        let discriminatorConfig = scratchPath("discriminator-config") + ".json"
        var config = ElectraConfig()
        (config.vocabSize, config.embeddingSize, config.hiddenSize, config.numHiddenLayers) = (120, 24, 32, 2)
        (config.intermediateSize, config.maxPositionEmbeddings) = (64, 64)
        try config.jsonData().write(to: URL(fileURLWithPath: discriminatorConfig))
        let wrong = commandOutcome(["convert", prefix, "--output", scratchPath("x"), "--generator-config", discriminatorConfig])
        #expect(wrong.contains("hidden_size 32") && wrong.contains("generator"), "\(wrong)")
        #expect(commandOutcome(["convert", prefix, "--output", scratchPath("x"), "--config", discriminatorConfig]) == "")
        // Without a vocabulary beside it, the checkpoint needs --vocab.
        let bare = temporaryDirectory("bare")
        for suffix in [".index", ".data-00000-of-00001"] {
            try FileManager.default.copyItem(atPath: prefix + suffix, toPath: bare + "/model.ckpt-7" + suffix)
        }
        let message = commandOutcome(["convert", bare + "/model.ckpt-7", "--output", scratchPath("x")])
        #expect(message.contains("vocab.txt") && message.contains("--vocab"), "\(message)")
        #expect(commandOutcome(["convert", bare + "/model.ckpt-7", "--output", scratchPath("x"), "--vocab", fixture + "/vocab.txt",
                                "--heads", "4", "--generator-heads", "2"]) == "")
        // A damaged data file is named.
        var data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bare + "/model.ckpt-7.data-00000-of-00001")))
        data[100] ^= 1
        try Data(data).write(to: URL(fileURLWithPath: bare + "/model.ckpt-7.data-00000-of-00001"))
        #expect(commandOutcome(["convert", bare + "/model.ckpt-7", "--output", scratchPath("x"), "--vocab", fixture + "/vocab.txt"])
            .contains("model.ckpt-7.data-00000-of-00001"))
    }

    @Test func pretrainContinuesFromAGoogleCheckpoint() throws {
        let shards = scratchPath("shards")
        let text = try String(contentsOf: Fixtures.novel, encoding: .utf8)
        let excerpt = scratchPath("excerpt") + ".txt"
        try String(text.prefix(20_000)).write(toFile: excerpt, atomically: true, encoding: .utf8)
        #expect(commandOutcome(["prepare", excerpt, "--output", shards, "--vocab", fixture + "/vocab.txt", "--max-seq-length", "64",
                                "--format", "paragraphs"]) == "")
        let run = scratchPath("continued")
        #expect(commandOutcome(["pretrain", "--init-from", prefix, "--heads", "4", "--generator-heads", "2", "--data", shards,
                                "--output", run, "--recipe", "google", "--steps", "3", "--batch-size", "4", "--max-seq-length", "64",
                                "--log-every", "1"]) == "")
        #expect(try String(contentsOfFile: run + "/vocab.txt", encoding: .utf8) == String(contentsOfFile: fixture + "/vocab.txt", encoding: .utf8))
        let export = scratchPath("continued-export")
        #expect(commandOutcome(["export", run, "--output", export]) == "")
        #expect(try ModelDirectory.loadGenerator(export + "/generator").config.numAttentionHeads == 2)
        // The exported pair starts a run of its own.
        let again = scratchPath("again")
        #expect(commandOutcome(["pretrain", "--init-from", export + "/discriminator", "--init-generator", export + "/generator",
                                "--data", shards, "--output", again, "--steps", "2", "--batch-size", "4", "--max-seq-length", "64"]) == "")
    }

    @Test func pretrainChecksWhatInitFromNames() {
        let data = ["--data", "/tmp", "--output", "/tmp/x"]
        #expect(commandOutcome(["pretrain", "--init-from", "/nonexistent"] + data).contains("TF checkpoint prefix"))
        #expect(commandOutcome(["pretrain", "--init-from", prefix, "--init-generator", "/tmp"] + data).contains("--init-generator"))
        #expect(commandOutcome(["pretrain", "--heads", "4"] + data).contains("--heads"))
        #expect(commandOutcome(["pretrain", "--init-from", prefix, "--config", "c.json"] + data).contains("--config"))
        let converted = scratchPath("converted")
        #expect(commandOutcome(["convert", prefix, "--output", converted]) == "")
        #expect(commandOutcome(["pretrain", "--init-from", converted + "/discriminator"] + data).contains("--init-generator"))
    }
}
