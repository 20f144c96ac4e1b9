// Commands over model directories end in a message naming the file (and exit non-zero) when the
// directory cannot be used as it says: a missing head tensor or vocabulary, bad tokenizer settings,
// or text the model cannot take. Nothing is substituted and nothing traps.

import ArgumentParser
import Electra
@testable import ElectraCLI
import ElectraTensor
import Foundation
import Testing
import _TestSupport

private let fixture = Fixtures.directory.appendingPathComponent("model").path

@Suite("Commands over model directories", .serialized) struct ModelDirectoryCommandTests {
    @Test func detectRefusesTextTheModelCannotTake() throws {
        // One position embedding: even "[CLS] [SEP]" is too long.
        var config = ElectraConfig()
        (config.embeddingSize, config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize) = (8, 8, 1, 2, 16)
        config.maxPositionEmbeddings = 1
        let store = ParameterStore(layout: ElectraDiscriminator.layout(config))
        var randomness = RandomGenerator(seed: 1)
        Initializer.initialize(store, config: config, generator: &randomness)
        let directory = temporaryDirectory("short")
        try ModelDirectory.save(config: config, parameters: store, role: .discriminator, vocabulary: fixture + "/discriminator/vocab.txt",
                                to: directory)
        let message = commandOutcome(["detect", "--model", directory, "the chef cooked the meal"])
        #expect(message.contains("max_position_embeddings 1"), "\(message)")
    }

    @Test func detectRefusesADirectoryWithoutItsVocabulary() throws {
        let directory = temporaryDirectory("novocab")
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: fixture + "/discriminator/" + file, toPath: directory + "/" + file)
        }
        let message = commandOutcome(["detect", "--model", directory, "the chef cooked the meal"])
        #expect(message.contains(directory + "/vocab.txt") && message.contains("copy the vocab.txt"), "\(message)")
    }

    @Test func fillMaskRefusesBadTokenizerSettings() throws {
        let directory = temporaryDirectory("tokenizer")
        for file in ["config.json", "model.safetensors", "vocab.txt"] {
            try FileManager.default.copyItem(atPath: fixture + "/generator/" + file, toPath: directory + "/" + file)
        }
        try "{\"do_lower_case\": \"yes\"}".write(toFile: directory + "/tokenizer_config.json", atomically: true, encoding: .utf8)
        let message = commandOutcome(["fill-mask", "--model", directory, "the [MASK] cooked the meal"])
        #expect(message.contains(directory + "/tokenizer_config.json") && message.contains("do_lower_case"), "\(message)")
        try "{\"do_lower_case\": true}".write(toFile: directory + "/tokenizer_config.json", atomically: true, encoding: .utf8)
        #expect(commandOutcome(["fill-mask", "--model", directory, "--json", "the [MASK] cooked the meal"]) == "")
    }

    @Test func predictRefusesAFineTunedModelMissingAHeadTensor() throws {
        let model = try QuestionAnsweringModel.load(fixture + "/discriminator", kind: .joint, answerability: false,
                                                    head: .initializeIfAbsent(seed: 1))
        let directory = temporaryDirectory("qa")
        try model.save(to: directory, tokenizerFrom: fixture + "/discriminator")
        let arguments = ["predict", "--model", directory, "--question", "Who wrote it?", "--context", "Jane Austen wrote it.",
                         "--max-seq-length", "64", "--doc-stride", "16", "--max-query-length", "16"]
        #expect(commandOutcome(arguments) == "")
        let weights = try SafetensorsFile(path: directory + "/model.safetensors")
        let kept = try weights.names.filter { $0 != "end_logits.LayerNorm.weight" }.map { ($0, try weights.tensor($0)) }
        try SafetensorsFile.write(kept, to: directory + "/model.safetensors")
        let message = commandOutcome(arguments)
        #expect(message.contains(directory + "/model.safetensors") && message.contains("end_logits.LayerNorm.weight"), "\(message)")
    }

    @Test func inspectShowsTheTokenizerSettings() throws {
        let directory = temporaryDirectory("inspect")
        try FileManager.default.copyItem(atPath: fixture + "/discriminator/config.json", toPath: directory + "/config.json")
        try "{\"do_lower_case\": false, \"strip_accents\": true}".write(toFile: directory + "/tokenizer_config.json", atomically: true, encoding: .utf8)
        #expect(InspectCommand.tokenizerSummary(directory) == "lower-case no, strip accents yes, split CJK yes (tokenizer_config.json)")
        #expect(InspectCommand.tokenizerSummary(fixture + "/discriminator")
                == "lower-case yes, strip accents yes (follows lower-case), split CJK yes (defaults)")
    }
}
