// No silent substitution: a fine-tuned head, a vocabulary, tokenizer settings or a configuration that
// cannot be used as the directory describes it is an error naming the file, never replaced by a
// random head, the bundled vocabulary, default settings, or a computation the model was not trained with.

import Electra
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

private let fixture = Fixtures.directory.appendingPathComponent("model").path

private func temporaryDirectory(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("electra-\(name)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A copy of the fixture model directory `role` (`discriminator` or `generator`) holding `files`.
private func copyFixture(_ role: String, files: [String] = ["config.json", "model.safetensors", "vocab.txt"]) throws -> String {
    let directory = temporaryDirectory(role)
    for file in files { try FileManager.default.copyItem(atPath: fixture + "/\(role)/" + file, toPath: directory + "/" + file) }
    return directory
}

/// `config.json` of `directory` as an object, changed by `edit`.
private func editConfig(_ directory: String, file: String = "config.json", _ edit: (inout [String: Any]) -> Void) throws {
    let path = directory + "/" + file
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
}

/// Rewrites `directory/model.safetensors` without the tensors `dropped`, plus `added`.
private func rewriteWeights(_ directory: String, without dropped: Set<String> = [], adding added: [(String, Tensor)] = []) throws {
    let path = directory + "/model.safetensors"
    let file = try SafetensorsFile(path: path)
    let kept = try file.names.filter { !dropped.contains($0) }.map { ($0, try file.tensor($0)) }
    try SafetensorsFile.write(kept + added, to: path)
}

/// A fine-tuned question-answering directory made from the fixture discriminator (head from seed 3).
private func fineTunedDirectory(_ kind: QuestionAnsweringHeadKind, answerability: Bool) throws -> (String, QuestionAnsweringModel) {
    let model = try QuestionAnsweringModel.load(fixture + "/discriminator", kind: kind, answerability: answerability,
                                                head: .initializeIfAbsent(seed: 3))
    let directory = temporaryDirectory("qa-\(kind.rawValue)")
    try model.save(to: directory, tokenizerFrom: fixture + "/discriminator")
    return (directory, model)
}

@Suite("No silent substitution: question-answering heads") struct QuestionAnsweringHeadLoadingTests {
    @Test(arguments: [(QuestionAnsweringHeadKind.joint, "end_logits.dense_1.bias"), (.span, "qa_outputs.bias")])
    func aFineTunedDirectoryMissingAHeadTensorIsRefused(kind: QuestionAnsweringHeadKind, dropped: String) throws {
        let (directory, _) = try fineTunedDirectory(kind, answerability: kind == .joint)
        try rewriteWeights(directory, without: [dropped])
        do {
            _ = try QuestionAnsweringModel.loadFineTuned(directory)
            Issue.record("a \(kind.rawValue) head without \(dropped) loaded (it would have started at random)")
        } catch ModelDirectoryError.missingHead(let path, _, let names) {
            #expect(path == directory + "/model.safetensors" && names == [dropped])
        }
    }

    @Test func theHeadPolicyIsExplicit() throws {
        // A pretrained discriminator has no head: required → the names of every head tensor.
        let pretrained = fixture + "/discriminator"
        let expected = QuestionAnsweringHeadKind.joint.tensorNames(hidden: 32, answerability: true)
        #expect(throws: ModelDirectoryError.missingHead(path: pretrained + "/model.safetensors",
                                                        head: "joint question-answering head (start_logits, end_logits, answer_class)",
                                                        names: expected)) {
            _ = try QuestionAnsweringModel.load(pretrained, kind: .joint, answerability: true, head: .required)
        }
        // Starting fine-tuning: the head comes from the seed, the same for the same seed.
        let a = try QuestionAnsweringModel.load(pretrained, kind: .span, answerability: false, head: .initializeIfAbsent(seed: 5))
        let b = try QuestionAnsweringModel.load(pretrained, kind: .span, answerability: false, head: .initializeIfAbsent(seed: 5))
        #expect(a.parameters.flat.scalars == b.parameters.flat.scalars)
        // A complete head is loaded, not replaced, even when a missing one could be initialised.
        let (directory, saved) = try fineTunedDirectory(.joint, answerability: false)
        let resumed = try QuestionAnsweringModel.load(directory, kind: .joint, answerability: false, head: .initializeIfAbsent(seed: 9))
        #expect(resumed.parameters.flat.scalars == saved.parameters.flat.scalars)
        // Part of a head is never completed at random.
        try rewriteWeights(directory, without: ["start_logits.dense.weight"])
        #expect(throws: ModelDirectoryError.self) {
            _ = try QuestionAnsweringModel.load(directory, kind: .joint, answerability: false, head: .initializeIfAbsent(seed: 9))
        }
        // So is a discriminator's head.
        let headless = try copyFixture("discriminator")
        try rewriteWeights(headless, without: ["discriminator_predictions.dense_prediction.bias"])
        #expect(throws: ModelDirectoryError.missingHead(path: headless + "/model.safetensors", head: "discriminator head (discriminator_predictions)",
                                                        names: ["discriminator_predictions.dense_prediction.bias"])) {
            _ = try ModelDirectory.loadDiscriminator(headless)
        }
    }

    @Test func jointDirectoriesDoNotClaimTransformersClass() throws {
        for (kind, answerability) in [(QuestionAnsweringHeadKind.joint, true), (.joint, false), (.span, false)] {
            let (directory, saved) = try fineTunedDirectory(kind, answerability: answerability)
            let config = try ElectraConfig(contentsOf: directory + "/config.json")
            #expect(config.architectures == [kind == .joint ? "ElectraForQuestionAnsweringJoint" : "ElectraForQuestionAnswering"])
            #expect(config.extra["electra_qa_head"] == .string(kind.rawValue))
            let loaded = try QuestionAnsweringModel.loadFineTuned(directory)
            #expect(loaded.kind == kind && loaded.answerability == answerability)
            #expect(loaded.parameters.flat.scalars == saved.parameters.flat.scalars)
        }
    }

    @Test func earlierAndTransformersDirectoriesLoadByTheirTensors() throws {
        // This project's earlier versions said ElectraForQuestionAnswering for the joint head.
        let (joint, saved) = try fineTunedDirectory(.joint, answerability: true)
        try editConfig(joint) { $0["architectures"] = ["ElectraForQuestionAnswering"] }
        var loaded = try QuestionAnsweringModel.loadFineTuned(joint)
        #expect(loaded.kind == .joint && loaded.answerability && loaded.parameters.flat.scalars == saved.parameters.flat.scalars)
        // Without electra_qa_head / electra_qa_answerability, the tensors tell.
        try editConfig(joint) { $0["electra_qa_head"] = nil; $0["electra_qa_answerability"] = nil }
        loaded = try QuestionAnsweringModel.loadFineTuned(joint)
        #expect(loaded.kind == .joint && loaded.answerability)
        // As transformers writes ElectraForQuestionAnswering: the span head.
        let (span, _) = try fineTunedDirectory(.span, answerability: false)
        try editConfig(span) { $0["electra_qa_head"] = nil; $0["electra_qa_answerability"] = nil }
        loaded = try QuestionAnsweringModel.loadFineTuned(span)
        #expect(loaded.kind == .span && !loaded.answerability)
    }

    @Test func contradictoryOrMissingClaimsAreRefused() throws {
        let (directory, _) = try fineTunedDirectory(.joint, answerability: true)
        let configPath = directory + "/config.json"
        func refused(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try QuestionAnsweringModel.loadFineTuned(directory)
                Issue.record("loaded", sourceLocation: sourceLocation)
            } catch {
                #expect("\(error)".contains(configPath) && "\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
            }
        }
        try editConfig(directory) { $0["electra_qa_answerability"] = false }
        refused("answer_class")
        try editConfig(directory) { $0["electra_qa_answerability"] = true; $0["electra_qa_head"] = "span" }
        refused("electra_qa_head says span")
        try editConfig(directory) { $0["electra_qa_head"] = "beam" }
        refused("electra_qa_head must be")
        // A pretrained discriminator is not a fine-tuned model.
        #expect(throws: ModelDirectoryError.self) { _ = try QuestionAnsweringModel.loadFineTuned(fixture + "/discriminator") }
    }
}

@Suite("No silent substitution: vocabularies and tokenizer settings") struct VocabularySubstitutionTests {
    @Test func aMissingVocabularyIsAnError() throws {
        let directory = try copyFixture("discriminator", files: ["config.json", "model.safetensors"])
        let config = try ElectraConfig(contentsOf: directory + "/config.json")
        do {
            _ = try ModelDirectory.tokenizer(for: directory, config: config)
            Issue.record("a directory without vocab.txt was tokenized (with the bundled vocabulary)")
        } catch ModelDirectoryError.missingFile(let path, let hint) {
            #expect(path == directory + "/vocab.txt" && hint.contains("copy the vocab.txt the model was trained with into \(directory)"))
        }
        try "{}".write(toFile: directory + "/tokenizer.json", atomically: true, encoding: .utf8)
        #expect(throws: ModelDirectoryError.self) { _ = try ModelDirectory.tokenizer(for: directory, config: config) }
        do { _ = try ModelDirectory.vocabularyFile(of: directory) } catch { #expect("\(error)".contains("tokenizer.json")) }
        // Saving a fine-tuned model needs the vocabulary too.
        let model = try QuestionAnsweringModel.load(fixture + "/discriminator", kind: .span, answerability: false, head: .initializeIfAbsent(seed: 1))
        #expect(throws: ModelDirectoryError.self) { try model.save(to: temporaryDirectory("qa"), tokenizerFrom: directory) }
        let output = temporaryDirectory("qa")
        do {
            try model.save(to: output, vocabulary: "/nonexistent/vocab.txt")
            Issue.record("saved without a vocabulary")
        } catch ModelDirectoryError.missingFile(let path, _) {
            #expect(path == "/nonexistent/vocab.txt" && !FileManager.default.fileExists(atPath: output + "/model.safetensors"))
        }
        // A checkpoint's recorded vocabulary.
        #expect(throws: ModelDirectoryError.self) { _ = try ModelDirectory.recordedVocabulary("/nonexistent/vocab.txt", recordedIn: "runs/x/ckpt-000001") }
        #expect(try ModelDirectory.recordedVocabulary(fixture + "/discriminator/vocab.txt", recordedIn: "x") == fixture + "/discriminator/vocab.txt")
    }

    /// The uncased vocabulary's tokens of "Héllo Wörld, naïve Café!" and "東京タワー is in Tokyo" under
    /// `tokenizer_config.json` settings, from transformers 5.24.0's BertTokenizer (see TokenizerOptionsTests).
    @Test(arguments: [
        ("{}", ["hello", "world", ",", "naive", "cafe", "!"], ["東", "京", "タ", "##ワ", "##ー", "is", "in", "tokyo"]),
        ("{\"do_lower_case\": false, \"strip_accents\": true}", ["[UNK]", "[UNK]", ",", "naive", "[UNK]", "!"],
         ["東", "京", "タ", "##ワ", "##ー", "is", "in", "[UNK]"]),
        ("{\"do_lower_case\": true, \"strip_accents\": false}", ["[UNK]", "[UNK]", ",", "[UNK]", "[UNK]", "!"],
         ["東", "京", "タ", "##ワ", "##ー", "is", "in", "tokyo"]),
        ("{\"do_lower_case\": true, \"strip_accents\": null, \"tokenize_chinese_chars\": false}", ["hello", "world", ",", "naive", "cafe", "!"],
         ["東", "##京", "##タ", "##ワ", "##ー", "is", "in", "tokyo"]),
        ("{\"do_lower_case\": false, \"tokenizer_class\": \"ElectraTokenizer\"}", ["[UNK]", "[UNK]", ",", "[UNK]", "[UNK]", "!"],
         ["東", "京", "タ", "##ワ", "##ー", "is", "in", "[UNK]"]),
    ])
    func tokenizerConfigIsHonoured(json: String, first: [String], second: [String]) throws {
        let directory = try copyFixture("discriminator", files: ["config.json", "vocab.txt"])
        try json.write(toFile: directory + "/tokenizer_config.json", atomically: true, encoding: .utf8)
        let tokenizer = try ModelDirectory.tokenizer(for: directory, config: try ElectraConfig(contentsOf: directory + "/config.json"))
        #expect(tokenizer.tokenize("H\u{E9}llo W\u{F6}rld, na\u{EF}ve Caf\u{E9}!") == first)
        #expect(tokenizer.tokenize("\u{6771}\u{4EAC}\u{30BF}\u{30EF}\u{30FC} is in Tokyo") == second)
        // A fine-tuned model keeps the settings of the directory it was fine-tuned from.
        let model = try QuestionAnsweringModel.load(fixture + "/discriminator", kind: .span, answerability: false, head: .initializeIfAbsent(seed: 1))
        let output = temporaryDirectory("qa")
        try model.save(to: output, tokenizerFrom: directory)
        #expect(try TokenizerConfig(directory: output) == TokenizerConfig(directory: directory))
    }

    @Test(arguments: [
        ("{\"do_lower_case\": \"yes\"}", "do_lower_case must be true or false, not \"yes\""),
        ("{\"strip_accents\": \"false\"}", "strip_accents must be true or false (or null)"),
        ("{\"tokenize_chinese_chars\": null}", "tokenize_chinese_chars must be true or false"),
        ("{\"do_basic_tokenize\": false}", "do_basic_tokenize false"),
        ("[true]", "not a JSON object"),
    ])
    func invalidTokenizerConfigIsRefused(json: String, fragment: String) throws {
        let directory = try copyFixture("discriminator", files: ["config.json", "vocab.txt"])
        try json.write(toFile: directory + "/tokenizer_config.json", atomically: true, encoding: .utf8)
        do {
            _ = try ModelDirectory.tokenizer(for: directory, config: try ElectraConfig(contentsOf: directory + "/config.json"))
            Issue.record("\(json) was accepted")
        } catch let error as ConfigError {
            guard case .invalid(let path, let reason) = error else { Issue.record("\(error)"); return }
            #expect(path == directory + "/tokenizer_config.json" && reason.contains(fragment), "\(error)")
        }
    }
}

@Suite("No silent substitution: configurations") struct UnsupportedConfigTests {
    @Test(arguments: [
        ("position_embedding_type", "\"relative_key\"", "position_embedding_type \"relative_key\" is not supported"),
        ("position_embedding_type", "null", "position_embedding_type null is not supported"),
        ("is_decoder", "true", "is_decoder true is not supported"),
        ("add_cross_attention", "true", "add_cross_attention true is not supported"),
        ("is_decoder", "\"no\"", "is_decoder must be true or false"),
        ("model_type", "\"bert\"", "model_type \"bert\" is not an ELECTRA model"),
        ("layer_norm_eps", "0", "layer_norm_eps must be a positive number"),
        ("initializer_range", "-1", "initializer_range must be a non-negative number"),
        ("pad_token_id", "30522", "pad_token_id 30522 is not a token of the vocabulary"),
        ("max_position_embeddings", "2000000", "max_position_embeddings 2000000 is beyond"),
        ("vocab_size", "20000000", "vocab_size 20000000 is beyond"),
        ("hidden_size", "4611686018427387904", "hidden_size 4611686018427387904 is beyond"),
        ("num_hidden_layers", "5000", "more than the 2^36"),
    ])
    func unsupportedConfigsAreRefused(key: String, value: String, fragment: String) throws {
        let directory = temporaryDirectory("config")
        var text = try String(contentsOfFile: fixture + "/discriminator/config.json", encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        text = "{" + object.keys.filter { $0 != key }.sorted().map { k in
            let data = try! JSONSerialization.data(withJSONObject: [k: object[k]!])
            return String(decoding: data, as: UTF8.self).dropFirst().dropLast()
        }.joined(separator: ",") + ",\"\(key)\":\(value)}"
        if key == "hidden_size" { text = text.replacingOccurrences(of: "\"num_attention_heads\":4", with: "\"num_attention_heads\":1") }
        if key == "num_hidden_layers" {   // under every per-size limit, but 2^36 parameters in all
            text = text.replacingOccurrences(of: "\"hidden_size\":32", with: "\"hidden_size\":2048")
                .replacingOccurrences(of: "\"intermediate_size\":64", with: "\"intermediate_size\":8192")
        }
        try text.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        do {
            _ = try ElectraConfig(contentsOf: directory + "/config.json")
            Issue.record("\(key): \(value) was accepted")
        } catch {
            #expect(error as? ConfigError != nil && "\(error)".contains(directory + "/config.json") && "\(error)".contains(fragment), "\(error)")
        }
    }

    @Test func supportedConfigsStillLoad() throws {
        let directory = try copyFixture("discriminator", files: ["config.json"])
        try editConfig(directory) {
            $0["position_embedding_type"] = "absolute"
            $0["is_decoder"] = false
            $0["embedding_size"] = nil
            $0["summary_type"] = "last"
        }
        let config = try ElectraConfig(contentsOf: directory + "/config.json")
        #expect(config.embeddingSize == 128)
    }

    @Test func anUntiedGeneratorIsRefused() throws {
        let untied = try copyFixture("generator")
        try editConfig(untied) { $0["tie_word_embeddings"] = false }
        #expect(throws: ConfigError.self) { _ = try ModelDirectory.loadGenerator(untied) }
        // An output layer that differs from the word embeddings would be silently replaced by them.
        let different = try copyFixture("generator")
        let embeddings = try SafetensorsFile(path: different + "/model.safetensors").tensor("electra.embeddings.word_embeddings.weight")
        let output = embeddings.clone()
        output.fill(0.5)
        try rewriteWeights(different, without: ["generator_lm_head.weight"], adding: [("generator_lm_head.weight", output)])
        #expect(throws: ConfigError.self) { _ = try ModelDirectory.loadGenerator(different) }
        // The same values, written out as transformers 4 sometimes did, load.
        try rewriteWeights(different, without: ["generator_lm_head.weight"], adding: [("generator_lm_head.weight", embeddings)])
        _ = try ModelDirectory.loadGenerator(different)
    }
}
