// ModelFilesTarget: the input is a model directory's text files separated by NUL bytes: `config.json`,
// then `vocab.txt`, then `tokenizer_config.json` (a file the input does not reach is absent). Each is
// read alone; then the directory, whose `model.safetensors` holds valid weights for the seed config,
// is opened, its tokenizer built and used, and both networks are loaded from it.

import Electra
import ElectraTensor
import ElectraTokenizer
import Foundation

enum ModelFilesTarget {
    /// The seed's vocabulary: the special tokens and a few pieces.
    static let tokens = Vocabulary.specialTokens + ["[unused0]", "the", "a", "novel", "jane", "austen", "wrote", ".", "##s", "##ed"]

    /// A tiny discriminator that the weights in `model.safetensors` fit.
    static var config: ElectraConfig {
        var config = ElectraConfig()
        config.vocabSize = tokens.count
        (config.embeddingSize, config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads) = (8, 8, 1, 2)
        (config.intermediateSize, config.maxPositionEmbeddings) = (16, 16)
        config.architectures = ["ElectraForPreTraining"]
        return config
    }

    /// Writes `model/model.safetensors`: the discriminator's and the generator's tensors for `config`, zero.
    static func prepare() {
        var layout = ElectraDiscriminator.layout(config)
        let names = Set(layout.map(\.name))
        layout += ElectraGenerator.layout(config).filter { !names.contains($0.name) }
        let tensors = layout.map { ($0.name, Tensor(zeros: $0.shape)) }
        try? SafetensorsFile.write(tensors, to: Scratch.path("model/model.safetensors"))
    }

    static func run(_ input: [UInt8]) {
        let parts = fileParts(input, count: 3)
        let configPath = Scratch.write(parts[0], to: "model/config.json")
        let directory = (configPath as NSString).deletingLastPathComponent
        let vocabularyPath = place(parts.count > 1 ? parts[1] : nil, at: "model/vocab.txt")
        let tokenizerPath = place(parts.count > 2 ? parts[2] : nil, at: "model/tokenizer_config.json")
        _ = try? ElectraConfig(contentsOf: configPath)
        if let vocabularyPath { _ = try? Vocabulary(contentsOf: vocabularyPath) }
        if let tokenizerPath { _ = try? TokenizerConfig(contentsOf: tokenizerPath) }
        guard let contents = try? ModelDirectory.open(directory) else { return }
        if let tokenizer = try? ModelDirectory.tokenizer(for: directory, config: contents.config) {
            _ = tokenizer.encode("Jane Austen wrote the novels. Unknown wörds, [MASK] and [SEP]!")
        }
        _ = try? ModelDirectory.loadDiscriminator(directory, head: .initializeIfAbsent(seed: 1))
        _ = try? ModelDirectory.loadGenerator(directory)
    }

    /// Writes `bytes` to `name`, or removes `name` when there are none; returns the path of a written file.
    private static func place(_ bytes: ArraySlice<UInt8>?, at name: String) -> String? {
        guard let bytes else {
            try? FileManager.default.removeItem(atPath: Scratch.path(name))
            return nil
        }
        return Scratch.write(bytes, to: name)
    }

    /// The seed directory as a discriminator and as a generator, with and without a tokenizer config.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let vocabulary = Array(tokens.map { $0 + "\n" }.joined().utf8)
        let tokenizerConfig = Array(#"{"do_lower_case": true, "strip_accents": null, "tokenize_chinese_chars": true, "tokenizer_class": "ElectraTokenizer"}"#.utf8)
        var generator = config
        generator.architectures = ["ElectraForMaskedLM"]
        guard let discriminatorJSON = try? config.jsonData(), let generatorJSON = try? generator.jsonData() else { return [] }
        return [("discriminator", joinedFiles([[UInt8](discriminatorJSON), vocabulary, tokenizerConfig])),
                ("generator", joinedFiles([[UInt8](generatorJSON), vocabulary]))]
    }
}
