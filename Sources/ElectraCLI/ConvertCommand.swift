// `electra convert`: one of Google's TF1 ELECTRA checkpoints as two Hugging Face model directories, or
// any model directory electra can read rewritten as model.safetensors.

import ArgumentParser
import Electra
import Foundation

public struct ConvertCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Google TF1 ELECTRA checkpoint (or any model directory) to Hugging Face directories with model.safetensors.",
        discussion: """
            A TensorFlow checkpoint prefix (model.ckpt-N, for model.ckpt-N.index and \
            model.ckpt-N.data-00000-of-00001) from google-research/electra holds the generator and the \
            discriminator: both are written, OUTPUT/discriminator (ElectraForPreTraining) and \
            OUTPUT/generator (ElectraForMaskedLM), each with config.json, model.safetensors, vocab.txt and \
            tokenizer_config.json. Every size is read from the tensors (the generator's from its own); \
            the attention heads are not recorded and default to Google's rule, hidden size / 64 (or \
            --heads, --generator-heads, or the heads of --config and --generator-config, whose sizes \
            must be the tensors'). Adam's \
            slots and global_step are left out. See docs/checkpoints.md.
              electra convert electra_small/model.ckpt-1000000 --output electra-small
            A model directory (ElectraForPreTraining or ElectraForMaskedLM) is loaded and written again \
            to OUTPUT as config.json, model.safetensors (float32) and its tokenizer files:
              electra convert downloaded-discriminator --output discriminator-safetensors
            """
    )

    @Argument(help: "A TF checkpoint prefix (model.ckpt-N) or a model directory.")
    var source: String

    @Option(help: "Where to write (a TF checkpoint: OUTPUT/discriminator and OUTPUT/generator).")
    var output: String

    @Option(help: "TF checkpoint: its vocab.txt (default: vocab.txt beside the checkpoint).")
    var vocab: String?

    @Option(help: "TF checkpoint: the discriminator's attention heads (default: hidden size / 64).")
    var heads: Int?

    @Option(help: "TF checkpoint: the generator's attention heads (default: hidden size / 64).")
    var generatorHeads: Int?

    @Option(help: "TF checkpoint: the discriminator's config.json, for its heads, activation, epsilon and dropout (its sizes must be the tensors').")
    var config: String?

    @Option(help: "TF checkpoint: the generator's config.json (its sizes must be the generator's tensors').")
    var generatorConfig: String?

    @Flag(help: "TF checkpoint: the vocabulary is cased (tokenizer_config.json without lower-casing); Google's releases are uncased.")
    var cased = false

    public func validate() throws {
        if let count = heads ?? generatorHeads, count < 1 { throw ValidationError("--heads and --generator-heads must be at least 1") }
        let source = InitialSource(source)
        guard source == .googleCheckpoint || source == .modelDirectory else {
            throw ValidationError("\(self.source) is neither a TF checkpoint prefix (\(self.source).index does not exist) nor a model "
                                  + "directory (with config.json)")
        }
        if source == .modelDirectory && (vocab != nil || heads != nil || generatorHeads != nil || cased || config != nil || generatorConfig != nil) {
            throw ValidationError("--vocab, --heads, --generator-heads, --config, --generator-config and --cased go with a TF checkpoint; "
                                  + "a model directory keeps its own")
        }
        let resolved = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        guard resolved(output) != resolved(self.source) else { throw ValidationError("--output must not be the source directory") }
    }

    public func run() throws {
        if InitialSource(source) == .googleCheckpoint {
            let options = GoogleElectraOptions(heads: heads, generatorHeads: generatorHeads,
                                               discriminatorConfig: try config.map { try ElectraConfig(contentsOf: $0) },
                                               generatorConfig: try generatorConfig.map { try ElectraConfig(contentsOf: $0) })
            let networks = try InitialNetworks.googleCheckpoint(source, vocabulary: vocab, lowercase: !cased, options: options)
            try Pretrainer.export(networks.model, vocabulary: networks.vocabulary, lowercase: networks.lowercase, to: output)
            let d = networks.model.discriminatorConfig, g = networks.model.generatorConfig
            print("converted \(networks.source): discriminator hidden \(d.hiddenSize) × \(d.numHiddenLayers) layers (\(d.numAttentionHeads) heads), "
                  + "generator hidden \(g.hiddenSize) × \(g.numHiddenLayers) layers (\(g.numAttentionHeads) heads), embedding size "
                  + "\(d.embeddingSize), vocabulary \(d.vocabSize); wrote \(output)/discriminator and \(output)/generator")
        } else {
            try rewrite()
        }
    }

    /// Loads the model directory `source` and writes it again as safetensors.
    private func rewrite() throws {
        let contents = try ModelDirectory.open(source)
        switch contents.role {
        case .discriminator?:
            let model = try ModelDirectory.loadDiscriminator(source)
            try ModelDirectory.save(config: model.config, parameters: model.parameters, role: .discriminator, vocabulary: nil, to: output)
        case .generator?:
            let model = try ModelDirectory.loadGenerator(source)
            try ModelDirectory.save(config: model.config, parameters: model.parameters, role: .generator, vocabulary: nil, to: output)
        case nil:
            throw CommandError("\(source)/config.json names architectures \(contents.config.architectures ?? []): convert rewrites "
                               + "ELECTRA discriminators (ElectraForPreTraining) and generators (ElectraForMaskedLM)")
        }
        try ModelDirectory.copyTokenizerFiles(from: source, to: output)
        print("rewrote \(source) as \(output) (config.json, model.safetensors, tokenizer files)")
    }
}
