// GoogleElectraCheckpoint: one of Google's ELECTRA pretraining checkpoints (generator and
// discriminator in one TF1 bundle) as this project's pretraining model, the configurations inferred
// from the tensors' shapes.

import ElectraTensor

/// What a checkpoint's shapes do not record. The attention heads, left `nil`, follow the given
/// configuration, else Google's rule, `max(1, hidden_size / 64)` (`get_generator_config` in
/// google-research/electra's run_pretraining.py; 4, 12 and 16 heads for the released small, base and
/// large discriminators). A configuration (a `config.json` the networks are known by) supplies the
/// heads and the other values shapes do not tell (activation, LayerNorm epsilon, dropout, pad id);
/// its sizes must be the tensors' or the conversion is refused.
public struct GoogleElectraOptions: Equatable, Sendable {
    public var heads: Int?
    public var generatorHeads: Int?
    public var discriminatorConfig: ElectraConfig?
    public var generatorConfig: ElectraConfig?

    public init(heads: Int? = nil, generatorHeads: Int? = nil, discriminatorConfig: ElectraConfig? = nil,
                generatorConfig: ElectraConfig? = nil) {
        self.heads = heads
        self.generatorHeads = generatorHeads
        self.discriminatorConfig = discriminatorConfig
        self.generatorConfig = generatorConfig
    }
}

/// A converted Google ELECTRA checkpoint.
///
/// Every size is read from the tensors: vocabulary and embedding size from
/// `electra/embeddings/word_embeddings`, positions and token types from their tables, each network's
/// hidden size, intermediate size and layer count from its own encoder. The generator is therefore
/// never given the discriminator's sizes (transformers#6945); every tensor of both networks must be
/// present with the shape those sizes imply, or the conversion stops naming the one that is not.
public struct GoogleElectraCheckpoint {
    public let discriminator: ElectraConfig
    public let generator: ElectraConfig
    /// The weights, in the pretraining store (shared embeddings once, the generator's behind `generator.`).
    public let model: PretrainingModel
    /// Adam's slots and `global_step`, skipped.
    public let optimizerTensors: Int
    /// Variables of scopes Google's ELECTRA pretraining graph does not have, skipped (sorted).
    public let ignored: [String]

    /// Converts `checkpoint`.
    public init(_ checkpoint: TFCheckpoint, options: GoogleElectraOptions = GoogleElectraOptions()) throws {
        let path = TFCheckpoint.indexPath(checkpoint.prefix)
        func fail(_ reason: String) -> TFCheckpointError { .notElectra(path: path, reason: reason) }
        var sources: [String: (tfName: String, transposed: Bool, shape: [Int])] = [:]
        var optimizerTensors = 0, ignored: [String] = []
        for name in checkpoint.names {
            switch GoogleElectraName(name) {
            case .optimizerState: optimizerTensors += 1
            case .unrecognized: ignored.append(name)
            case .weight(let store, let transposed):
                guard let info = checkpoint.tensors[name] else {
                    throw TFCheckpointError.unreadableTensor(path: path, name: name, reason: "it is not a floating-point tensor")
                }
                guard !transposed || info.shape.count == 2 else { throw fail("the kernel \(name) has shape \(info.shape), not a matrix") }
                sources[store] = (name, transposed, transposed ? info.shape.reversed() : info.shape)
            }
        }
        func shape(_ store: String, rank: Int) throws -> [Int] {
            guard let source = sources[store] else {
                throw fail("it lacks the tensor that becomes \(store); it is not a complete Google ELECTRA pretraining checkpoint "
                           + "(a generator/ and a discriminator, as run_pretraining.py saves them)")
            }
            guard source.shape.count == rank, source.shape.allSatisfy({ $0 >= 1 }) else {
                throw fail("\(source.tfName) has shape \(source.shape), not a rank-\(rank) tensor")
            }
            return source.shape
        }
        let words = try shape("electra.embeddings.word_embeddings.weight", rank: 2)
        var base = ElectraConfig()
        (base.vocabSize, base.embeddingSize) = (words[0], words[1])
        base.maxPositionEmbeddings = try shape("electra.embeddings.position_embeddings.weight", rank: 2)[0]
        base.typeVocabSize = try shape("electra.embeddings.token_type_embeddings.weight", rank: 2)[0]
        if sources.keys.contains(where: { $0.hasPrefix("generator.electra.embeddings.") }) {
            throw fail("its generator has embeddings of its own (generator/embeddings, untied_generator_embeddings); "
                       + "only checkpoints whose generator shares electra/embeddings, Google's default, are converted")
        }
        guard sources.keys.contains(where: { $0.hasPrefix("generator.") }) else {
            throw fail("it has no generator (no generator/ or generator_predictions/ variables): it is not a pretraining "
                       + "checkpoint, or its generator was tied to the discriminator (untied_generator false)")
        }
        func network(_ prefix: String, heads: Int?, given: ElectraConfig?, what: String) throws -> ElectraConfig {
            let layerPrefix = prefix + ".encoder.layer."
            let indices = Set(sources.keys.compactMap { name -> Int? in
                guard name.hasPrefix(layerPrefix) else { return nil }
                return Int(name.dropFirst(layerPrefix.count).prefix { $0 != "." })
            })
            guard !indices.isEmpty, indices == Set(0..<indices.count) else {
                throw fail("the \(what)'s encoder layers are numbered \(indices.sorted()), not 0, 1, 2, …")
            }
            var config = base
            config.numHiddenLayers = indices.count
            config.hiddenSize = try shape(layerPrefix + "0.attention.self.query.weight", rank: 2)[0]
            config.intermediateSize = try shape(layerPrefix + "0.intermediate.dense.weight", rank: 2)[0]
            config.numAttentionHeads = heads ?? given?.numAttentionHeads ?? max(1, config.hiddenSize / 64)
            if var given {
                let sizes: [(String, Int, Int)] = [
                    ("vocab_size", given.vocabSize, config.vocabSize), ("embedding_size", given.embeddingSize, config.embeddingSize),
                    ("hidden_size", given.hiddenSize, config.hiddenSize), ("num_hidden_layers", given.numHiddenLayers, config.numHiddenLayers),
                    ("intermediate_size", given.intermediateSize, config.intermediateSize),
                    ("max_position_embeddings", given.maxPositionEmbeddings, config.maxPositionEmbeddings),
                    ("type_vocab_size", given.typeVocabSize, config.typeVocabSize),
                ]
                if let (key, said, found) = sizes.first(where: { $0.1 != $0.2 }) {
                    throw fail("the \(what) configuration given says \(key) \(said), but the checkpoint's \(what) has \(found) "
                               + "(read from its tensors: \(Self.summary(config))); give the configuration of this \(what), or none")
                }
                given.numAttentionHeads = config.numAttentionHeads
                given.architectures = nil
                config = given
            }
            guard config.numAttentionHeads >= 1, config.hiddenSize % config.numAttentionHeads == 0 else {
                throw fail("the \(what)'s hidden size \(config.hiddenSize) does not split into \(config.numAttentionHeads) attention heads; "
                           + "give the number of heads the checkpoint was trained with")
            }
            return config
        }
        discriminator = try network("electra", heads: options.heads, given: options.discriminatorConfig, what: "discriminator")
        generator = try network("generator.electra", heads: options.generatorHeads, given: options.generatorConfig, what: "generator")
        try discriminator.validate(path: path + " (discriminator)")
        try generator.validate(path: path + " (generator)")
        let layout = PretrainingModel.layout(discriminator: discriminator, generator: generator)
        let expected = Set(layout.map(\.name))
        if let extra = sources.keys.sorted().first(where: { !expected.contains($0) }) {
            throw fail("\(sources[extra]!.tfName) has no place in an ELECTRA of the sizes its other tensors imply "
                       + "(discriminator \(Self.summary(discriminator)), generator \(Self.summary(generator)))")
        }
        for entry in layout {
            let found = try shape(entry.name, rank: entry.shape.count)
            guard found == entry.shape else {
                let source = sources[entry.name]!
                throw fail("\(source.tfName) has shape \(source.transposed ? found.reversed() : found), but the sizes inferred from "
                           + "the other tensors (discriminator \(Self.summary(discriminator)), generator \(Self.summary(generator))) "
                           + "imply \(source.transposed ? entry.shape.reversed() : entry.shape)")
            }
        }
        // Read (and checksum) every tensor before the store is allocated: the index's shapes are only
        // claims until the data file holds their bytes.
        let values = try layout.map { try checkpoint.tensor(sources[$0.name]!.tfName) }
        let store = ParameterStore(layout: layout)
        for (entry, tensor) in zip(layout, values) {
            if sources[entry.name]!.transposed { Self.transpose(tensor, into: store[entry.name]) } else { store[entry.name].copy(from: tensor) }
        }
        model = PretrainingModel(discriminator: discriminator, generator: generator, parameters: store)
        self.optimizerTensors = optimizerTensors
        self.ignored = ignored
    }

    /// `hidden H × L layers, intermediate I, heads N`.
    static func summary(_ c: ElectraConfig) -> String {
        "hidden \(c.hiddenSize) × \(c.numHiddenLayers) layers, intermediate \(c.intermediateSize), \(c.numAttentionHeads) heads"
    }

    /// Writes the transpose of the matrix `source` `[R, C]` into `target` `[C, R]`.
    static func transpose(_ source: Tensor, into target: Tensor) {
        let rows = source.shape[0], columns = source.shape[1]
        let s = source.pointer, t = target.pointer
        for r in 0..<rows {
            for c in 0..<columns { t[c * rows + r] = s[r * columns + c] }
        }
    }
}
