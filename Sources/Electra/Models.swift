// Models: the discriminator (HF `ElectraForPreTraining`) and the generator (HF `ElectraForMaskedLM`),
// each a configuration, a parameter store with Hugging Face's names, and the networks over it.

import ElectraNN
import ElectraTensor

/// Which of ELECTRA's two networks a model directory holds.
public enum ElectraRole: String, Sendable {
    case discriminator, generator

    /// Hugging Face's class name.
    public var architecture: String { self == .discriminator ? "ElectraForPreTraining" : "ElectraForMaskedLM" }
}

/// The replaced-token detector: encoder + `discriminator_predictions`, one logit per token.
public final class ElectraDiscriminator {
    public let config: ElectraConfig
    public let parameters: ParameterStore
    public let encoder: ElectraEncoder
    public let head: DiscriminatorHead

    /// A model over `parameters` (laid out as `layout(config)`).
    public init(config: ElectraConfig, parameters: ParameterStore) {
        self.config = config
        self.parameters = parameters
        encoder = ElectraEncoder(config: config, store: parameters)
        head = DiscriminatorHead(parameters)
    }

    /// Hugging Face's tensor names and shapes for `ElectraForPreTraining`.
    public static func layout(_ config: ElectraConfig) -> [(name: String, shape: [Int])] {
        ElectraEncoder.layout(config) + DiscriminatorHead.layout(config)
    }

    /// A zero-filled gradient model with the same layout.
    public func makeGradients() -> ElectraDiscriminator {
        ElectraDiscriminator(config: config, parameters: parameters.zerosLike())
    }

    /// Buffers for one batch shape.
    public final class Workspace {
        public let encoder: ElectraEncoder.Workspace
        public let head: DiscriminatorHead.Workspace
        let dHidden: Tensor?

        public init(config: ElectraConfig, batch: Int, length: Int, training: Bool) {
            encoder = ElectraEncoder.Workspace(config: config, batch: batch, length: length, training: training)
            head = DiscriminatorHead.Workspace(positions: batch * length, hidden: config.hiddenSize)
            dHidden = training ? Tensor(zeros: [batch * length, config.hiddenSize]) : nil
        }
    }

    /// Logits `[N, 1]` for `batch` (a workspace view).
    public func forward(_ batch: TokenBatch, _ w: Workspace, generator: inout RandomGenerator) -> Tensor {
        let hidden = encoder.forward(batch, w.encoder, generator: &generator)
        return head.forward(hidden, w.head)
    }

    /// Inference without dropout.
    public func logits(_ batch: TokenBatch, _ w: Workspace) -> Tensor {
        var unused = RandomGenerator(seed: 0)
        return forward(batch, w, generator: &unused)
    }

    /// Accumulates every parameter's gradient into `gradients` from `dLogits` (`[N]` or `[N, 1]`).
    /// Returns the gradient of the embedding block's output.
    @discardableResult
    public func backward(_ dLogits: Tensor, _ batch: TokenBatch, _ w: Workspace, gradients: ElectraDiscriminator) -> Tensor {
        guard let dHidden = w.dHidden else { preconditionFailure("backward needs a training workspace") }
        dHidden.fill(0)
        let hidden = w.encoder.layers[(encoder.layers.count - 1) % w.encoder.layers.count].result
        head.backward(dLogits, hidden: encoder.layers.isEmpty ? w.encoder.embedding.output : hidden, w.head,
                      dHidden: dHidden, gradients: gradients.head)
        return encoder.backward(dHidden, batch, w.encoder, gradients: gradients.encoder)
    }
}

/// The masked-language-model generator: encoder + `generator_predictions` + `generator_lm_head`
/// (output weights tied to the word embeddings).
public final class ElectraGenerator {
    public let config: ElectraConfig
    public let parameters: ParameterStore
    public let encoder: ElectraEncoder
    public let head: GeneratorHead

    /// Where the names start: empty in a Hugging Face directory, `generator.` in a pretraining store.
    public let prefix: String

    /// A model over `parameters`, its names preceded by `prefix`; `embeddings` replaces the store's
    /// own block when the generator shares the discriminator's (pretraining).
    public init(config: ElectraConfig, parameters: ParameterStore, embeddings: EmbeddingBlock? = nil, prefix: String = "") {
        self.config = config
        self.parameters = parameters
        self.prefix = prefix
        encoder = ElectraEncoder(config: config, store: parameters, prefix: prefix + "electra", embeddings: embeddings)
        head = GeneratorHead(parameters, config: config, wordEmbeddings: encoder.embeddings.word, prefix: prefix)
    }

    /// Hugging Face's tensor names and shapes for `ElectraForMaskedLM` (without the tied
    /// `generator_lm_head.weight`), preceded by `prefix`. `embeddings: false` leaves out the embedding block.
    public static func layout(_ config: ElectraConfig, embeddings: Bool = true, prefix: String = "") -> [(name: String, shape: [Int])] {
        ElectraEncoder.layout(config, prefix: prefix + "electra", embeddings: embeddings) + GeneratorHead.layout(config, prefix: prefix)
    }

    public func makeGradients() -> ElectraGenerator {
        ElectraGenerator(config: config, parameters: parameters.zerosLike(), prefix: prefix)
    }

    /// Buffers for one batch shape and up to `rows` predicted positions.
    public final class Workspace {
        public let encoder: ElectraEncoder.Workspace
        public let head: GeneratorHead.Workspace
        let dHidden: Tensor?

        public init(config: ElectraConfig, batch: Int, length: Int, rows: Int, training: Bool) {
            encoder = ElectraEncoder.Workspace(config: config, batch: batch, length: length, training: training)
            head = GeneratorHead.Workspace(rows: rows, config: config)
            dHidden = training ? Tensor(zeros: [batch * length, config.hiddenSize]) : nil
        }
    }

    /// Vocabulary logits `[R, V]` at the flattened positions `rows` (a workspace view).
    public func forward(_ batch: TokenBatch, rows: [Int32], _ w: Workspace, generator: inout RandomGenerator) -> Tensor {
        let hidden = encoder.forward(batch, w.encoder, generator: &generator)
        return head.forward(hidden, rows: rows, w.head)
    }

    /// Inference without dropout.
    public func logits(_ batch: TokenBatch, rows: [Int32], _ w: Workspace) -> Tensor {
        var unused = RandomGenerator(seed: 0)
        return forward(batch, rows: rows, w, generator: &unused)
    }

    /// Accumulates every parameter's gradient into `gradients` from `dLogits` (`[R, V]`). Returns the
    /// gradient of the embedding block's output.
    @discardableResult
    public func backward(_ dLogits: Tensor, _ batch: TokenBatch, rows: [Int32], _ w: Workspace,
                         gradients: ElectraGenerator) -> Tensor {
        guard let dHidden = w.dHidden else { preconditionFailure("backward needs a training workspace") }
        dHidden.fill(0)
        head.backward(dLogits, rows: rows, w.head, dHidden: dHidden, gradients: gradients.head)
        return encoder.backward(dHidden, batch, w.encoder, gradients: gradients.encoder)
    }
}
