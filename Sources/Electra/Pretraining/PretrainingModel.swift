// PretrainingModel: a generator and a discriminator sharing one embedding block, in one parameter store.

import ElectraNN
import ElectraTensor

/// ELECTRA's two networks as trained together.
///
/// The store holds the discriminator's tensors under Hugging Face's names (`electra.…`,
/// `discriminator_predictions.…`) and the generator's under `generator.` + Hugging Face's names,
/// except the embedding block (word, position and token-type embeddings and their LayerNorm), which
/// exists once and serves both, as in ELECTRA's pretraining. Export copies it into each network.
public final class PretrainingModel {
    public let discriminatorConfig: ElectraConfig
    public let generatorConfig: ElectraConfig
    public let parameters: ParameterStore
    public let discriminator: ElectraDiscriminator
    public let generator: ElectraGenerator

    /// The generator's names start with this.
    public static let generatorPrefix = "generator."

    public init(discriminator discriminatorConfig: ElectraConfig, generator generatorConfig: ElectraConfig,
                parameters: ParameterStore) {
        precondition(discriminatorConfig.embeddingSize == generatorConfig.embeddingSize
                     && discriminatorConfig.vocabSize == generatorConfig.vocabSize,
                     "the generator and discriminator must agree on vocabulary and embedding size to share embeddings")
        self.discriminatorConfig = discriminatorConfig
        self.generatorConfig = generatorConfig
        self.parameters = parameters
        discriminator = ElectraDiscriminator(config: discriminatorConfig, parameters: parameters)
        generator = ElectraGenerator(config: generatorConfig, parameters: parameters,
                                     embeddings: discriminator.encoder.embeddings, prefix: Self.generatorPrefix)
    }

    /// The combined layout.
    public static func layout(discriminator: ElectraConfig, generator: ElectraConfig) -> [(name: String, shape: [Int])] {
        ElectraDiscriminator.layout(discriminator)
            + ElectraGenerator.layout(generator, embeddings: false, prefix: generatorPrefix)
    }

    /// A freshly initialised model (truncated normal 0.02, as Google's ELECTRA) from `generator`.
    public static func initialized(discriminator: ElectraConfig, generator: ElectraConfig,
                                   randomness: inout RandomGenerator) -> PretrainingModel {
        let store = ParameterStore(layout: layout(discriminator: discriminator, generator: generator))
        Initializer.initialize(store, config: discriminator, generator: &randomness)
        return PretrainingModel(discriminator: discriminator, generator: generator, parameters: store)
    }

    /// A zero-filled gradient model with the same layout (and the same sharing).
    public func makeGradients() -> PretrainingModel {
        PretrainingModel(discriminator: discriminatorConfig, generator: generatorConfig, parameters: parameters.zerosLike())
    }

    /// The generator as a stand-alone store with Hugging Face's names (shared embeddings copied in).
    public func generatorStore() -> ParameterStore {
        let store = ParameterStore(layout: ElectraGenerator.layout(generatorConfig))
        for entry in store.entries {
            let source = parameters.contains(Self.generatorPrefix + entry.name) ? Self.generatorPrefix + entry.name : entry.name
            store[entry.name].copy(from: parameters[source])
        }
        return store
    }

    /// The discriminator as a stand-alone store with Hugging Face's names.
    public func discriminatorStore() -> ParameterStore {
        let store = ParameterStore(layout: ElectraDiscriminator.layout(discriminatorConfig))
        for entry in store.entries { store[entry.name].copy(from: parameters[entry.name]) }
        return store
    }
}
