// ElectraEncoder: embeddings, the optional projection to the hidden size, and the layer stack
// (HF `ElectraModel`), with the activation memory for one batch shape.

import ElectraNN
import ElectraTensor

/// The encoder shared by the discriminator and the generator.
public struct ElectraEncoder {
    public let config: ElectraConfig
    public let embeddings: EmbeddingBlock
    /// `embeddings_project`: present when `embedding_size ≠ hidden_size`.
    public let projection: Linear?
    public let layers: [TransformerLayer]

    /// The encoder named `prefix` (`electra`) in `store`. `embeddings` replaces the store's own
    /// embedding block (the generator uses the discriminator's during pretraining).
    public init(config: ElectraConfig, store: ParameterStore, prefix: String = "electra", embeddings: EmbeddingBlock? = nil) {
        self.config = config
        self.embeddings = embeddings ?? EmbeddingBlock(store, "\(prefix).embeddings", epsilon: config.layerNormEps,
                                                      paddingId: config.padTokenId.map(Int32.init))
        projection = config.embeddingSize != config.hiddenSize ? Linear(store, "\(prefix).embeddings_project") : nil
        layers = (0..<config.numHiddenLayers).map {
            TransformerLayer(store, "\(prefix).encoder.layer.\($0)", heads: config.numAttentionHeads, epsilon: config.layerNormEps)
        }
    }

    /// Hugging Face's parameter names and shapes, in the order `transformers` lists them.
    public static func layout(_ config: ElectraConfig, prefix: String = "electra", embeddings: Bool = true)
        -> [(name: String, shape: [Int])] {
        var layout: [(name: String, shape: [Int])] = []
        if embeddings {
            layout += EmbeddingBlock.layout("\(prefix).embeddings", vocabulary: config.vocabSize,
                                            positions: config.maxPositionEmbeddings, types: config.typeVocabSize,
                                            size: config.embeddingSize)
        }
        if config.embeddingSize != config.hiddenSize {
            layout += Linear.layout("\(prefix).embeddings_project", inputs: config.embeddingSize, outputs: config.hiddenSize)
        }
        for i in 0..<config.numHiddenLayers {
            layout += TransformerLayer.layout("\(prefix).encoder.layer.\(i)", hidden: config.hiddenSize,
                                              intermediate: config.intermediateSize)
        }
        return layout
    }

    /// Activations and gradient buffers for one batch shape, allocated once and reused every step.
    public final class Workspace {
        public let batch: Int, length: Int, training: Bool
        let embedding: EmbeddingBlock.Activations
        let projected: Tensor?                     // [N, H]
        let layers: [TransformerLayer.Activations] // one per layer when training, two (alternating) otherwise
        let scratch: TransformerLayer.GradientScratch?
        let mask: Tensor                           // [B, T] additive
        let dHidden: [Tensor]                      // two [N, H] buffers, alternating through the layers
        let dEmbedding: Tensor?                    // [N, E] when projecting

        /// Buffers for `batch` sequences of `length` tokens. `training` keeps every layer's
        /// activations and allocates dropout masks and gradient buffers; inference keeps two layers'.
        public init(config: ElectraConfig, batch B: Int, length T: Int, training: Bool) {
            self.batch = B
            self.length = T
            self.training = training
            let N = B * T, H = config.hiddenSize, E = config.embeddingSize
            let hiddenDropout = training ? config.hiddenDropoutProb : 0
            let attentionDropout = training ? config.attentionProbsDropoutProb : 0
            embedding = EmbeddingBlock.Activations(positions: N, size: E, dropout: hiddenDropout)
            projected = E != H ? Tensor(zeros: [N, H]) : nil
            let count = training ? config.numHiddenLayers : min(2, config.numHiddenLayers)
            let attention = Attention.Workspace(batch: B, heads: config.numAttentionHeads, tokens: T)
            layers = (0..<count).map { _ in
                TransformerLayer.Activations(batch: B, length: T, hidden: H, intermediate: config.intermediateSize,
                                             heads: config.numAttentionHeads, hiddenDropout: hiddenDropout,
                                             attentionDropout: attentionDropout, attention: attention)
            }
            scratch = training ? TransformerLayer.GradientScratch(batch: B, length: T, hidden: H,
                                                                  intermediate: config.intermediateSize) : nil
            mask = Tensor(zeros: [B, T])
            dHidden = training ? [Tensor(zeros: [N, H]), Tensor(zeros: [N, H])] : []
            dEmbedding = training && E != H ? Tensor(zeros: [N, E]) : nil
        }
    }

    /// The last hidden states `[N, H]` of `batch` (a view into the workspace, valid until the next
    /// forward pass).
    public func forward(_ batch: TokenBatch, _ w: Workspace, generator: inout RandomGenerator) -> Tensor {
        precondition(batch.batch == w.batch && batch.length == w.length,
                     "ElectraEncoder: batch \(batch.batch)×\(batch.length) in a workspace for \(w.batch)×\(w.length)")
        batch.additiveMask(into: w.mask)
        embeddings.forward(batch, w.embedding, generator: &generator)
        var x = w.embedding.output
        if let projection, let projected = w.projected {
            projection.forward(x, into: projected)
            x = projected
        }
        for (i, layer) in layers.enumerated() {
            let activations = w.layers[i % w.layers.count]
            layer.forward(x, mask: w.mask, activations, generator: &generator)
            x = activations.result
        }
        return x
    }

    /// Accumulates every parameter's gradient into `gradients` from `dHidden` (`[N, H]`), the gradient
    /// of the last hidden states. Requires a training workspace whose forward pass was the last one.
    /// Returns the gradient of the embedding block's output (`[N, E]`, a workspace view).
    @discardableResult
    public func backward(_ dHidden: Tensor, _ batch: TokenBatch, _ w: Workspace, gradients: ElectraEncoder) -> Tensor {
        precondition(w.training && w.scratch != nil, "ElectraEncoder.backward needs a training workspace")
        let scratch = w.scratch!
        var dY = dHidden
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let input = i > 0 ? w.layers[i - 1].result : (w.projected ?? w.embedding.output)
            let dX = w.dHidden[i % 2]
            layers[i].backward(dY, input: input, w.layers[i], scratch: scratch, dX: dX, gradients: gradients.layers[i])
            dY = dX
        }
        if let projection, let dEmbedding = w.dEmbedding, let gradient = gradients.projection {
            dEmbedding.fill(0)
            projection.backward(dY, input: w.embedding.output, dX: dEmbedding, gradients: gradient)
            dY = dEmbedding
        }
        embeddings.backward(dY, batch, w.embedding, gradients: gradients.embeddings)
        return dY
    }
}
