// InitialNetworks: the generator and discriminator that continued pretraining starts from, read from
// one of Google's TF1 checkpoints or from a discriminator and a generator model directory, with the
// vocabulary and casing that travel with them.

import ElectraTensor
import ElectraTokenizer
import Foundation

/// The networks (and tokenizer files) a continued-pretraining run starts from.
public struct InitialNetworks {
    /// Both networks in one pretraining store: the embedding block once, shared (ELECTRA ties the
    /// generator's word, position and token-type embeddings and their LayerNorm to the discriminator's).
    public let model: PretrainingModel
    /// The vocabulary the networks were trained with.
    public let vocabulary: String
    public let lowercase: Bool
    /// The largest |discriminator − generator| over the embedding block the two sources held
    /// separately (0 for a TF checkpoint, which holds it once). The discriminator's is kept.
    public let embeddingDifference: Float
    /// Where they came from, for messages.
    public let source: String

    /// One of Google's ELECTRA pretraining checkpoints (`prefix` names `prefix.index`), with
    /// `vocabulary` (default: `vocab.txt` beside the checkpoint, as Google's releases ship it).
    public static func googleCheckpoint(_ prefix: String, vocabulary: String? = nil, lowercase: Bool = true,
                                        options: GoogleElectraOptions = GoogleElectraOptions()) throws -> InitialNetworks {
        let checkpoint = try TFCheckpoint(prefix: prefix)
        let converted = try GoogleElectraCheckpoint(checkpoint, options: options)
        let beside = URL(fileURLWithPath: checkpoint.prefix).deletingLastPathComponent().appendingPathComponent("vocab.txt").path
        let path = vocabulary ?? beside
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelDirectoryError.missingFile(path: path, hint: "a TensorFlow checkpoint holds no vocabulary: give the vocab.txt "
                                                  + "it was trained with (--vocab), or put it beside the checkpoint")
        }
        let count = try Vocabulary(contentsOf: path).count
        guard count == converted.discriminator.vocabSize else {
            throw ModelDirectoryError.vocabularyMismatch(path: path, vocabularySize: count, configured: converted.discriminator.vocabSize)
        }
        return InitialNetworks(model: converted.model, vocabulary: path, lowercase: lowercase, embeddingDifference: 0,
                               source: TFCheckpoint.indexPath(checkpoint.prefix))
    }

    /// A discriminator directory (`ElectraForPreTraining`) and a generator directory
    /// (`ElectraForMaskedLM`). They must share a vocabulary (the same `vocab.txt`) and the embedding
    /// block's shapes; where their embedding values differ, the discriminator's are kept and
    /// `embeddingDifference` says by how much.
    public static func directories(discriminator: String, generator: String) throws -> InitialNetworks {
        let d = try ModelDirectory.loadDiscriminator(discriminator)
        let g = try ModelDirectory.loadGenerator(generator)
        let vocabulary = try ModelDirectory.vocabularyFile(of: discriminator)
        let generatorVocabulary = try ModelDirectory.vocabularyFile(of: generator)
        guard try Vocabulary(contentsOf: vocabulary).tokens == Vocabulary(contentsOf: generatorVocabulary).tokens else {
            throw TrainingError.invalid("\(generatorVocabulary) is not the vocabulary of \(vocabulary); a generator and a "
                + "discriminator trained together share one: give the generator that goes with this discriminator")
        }
        let (dc, gc) = (d.config, g.config)
        guard dc.embeddingSize == gc.embeddingSize, dc.maxPositionEmbeddings == gc.maxPositionEmbeddings,
              dc.typeVocabSize == gc.typeVocabSize else {
            throw ConfigError.invalid(path: generator + "/config.json", reason: "its embeddings (size \(gc.embeddingSize), "
                + "\(gc.maxPositionEmbeddings) positions, \(gc.typeVocabSize) token types) are not shaped as the discriminator's "
                + "(\(dc.embeddingSize), \(dc.maxPositionEmbeddings), \(dc.typeVocabSize)); ELECTRA's generator shares them")
        }
        let store = ParameterStore(layout: PretrainingModel.layout(discriminator: dc, generator: gc))
        for entry in d.parameters.entries { store[entry.name].copy(from: d.parameters[entry.name]) }
        var difference: Float = 0
        for entry in g.parameters.entries {
            let name = PretrainingModel.generatorPrefix + entry.name
            if store.contains(name) {
                store[name].copy(from: g.parameters[entry.name])
            } else {
                let kept = store[entry.name].scalars, other = g.parameters[entry.name].scalars
                difference = zip(kept, other).reduce(difference) { max($0, abs($1.0 - $1.1)) }
            }
        }
        let lowercase = try TokenizerConfig(directory: discriminator).doLowerCase
        return InitialNetworks(model: PretrainingModel(discriminator: dc, generator: gc, parameters: store), vocabulary: vocabulary,
                               lowercase: lowercase, embeddingDifference: difference, source: discriminator + " and " + generator)
    }
}
