// GoogleElectraNames: Google's ELECTRA variable names (google-research/electra, TF1) mapped to the
// names of this project's pretraining store (Hugging Face's, the generator's behind `generator.`).
//
//   electra/embeddings/word_embeddings             → electra.embeddings.word_embeddings.weight (shared)
//   electra/embeddings/LayerNorm/gamma, beta        → electra.embeddings.LayerNorm.weight, bias
//   electra/embeddings_project/kernel               → electra.embeddings_project.weight (transposed)
//   electra/encoder/layer_3/attention/self/query/kernel → electra.encoder.layer.3.attention.self.query.weight
//   discriminator_predictions/dense, dense_1        → discriminator_predictions.dense, dense_prediction
//   generator/embeddings_project, generator/encoder → generator.electra.embeddings_project, …encoder…
//   generator_predictions/dense, LayerNorm          → generator.generator_predictions.dense, LayerNorm
//   generator_predictions/output_bias               → generator.generator_lm_head.bias
// Kernels are `[in, out]` in TensorFlow and `[out, in]` here. As transformers'
// `load_tf_weights_in_electra`, Adam's slots (`…/adam_m`, `…/adam_v`) and `global_step` are skipped.

/// The mapping of one TensorFlow variable name.
enum GoogleElectraName: Equatable {
    /// A weight, under its pretraining-store name; `transposed` for a kernel.
    case weight(String, transposed: Bool)
    /// Optimizer state (Adam's moments, the step counter): not part of the model.
    case optimizerState
    /// Not a variable of Google's ELECTRA pretraining graph.
    case unrecognized

    init(_ tfName: String) {
        let parts = tfName.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if tfName == "global_step" || ["adam_m", "adam_v"].contains(parts.last) {
            self = .optimizerState
            return
        }
        var out: [String]
        switch parts[0] {
        case "electra": out = ["electra"]
        case "generator": out = ["generator", "electra"]
        case "discriminator_predictions": out = ["discriminator_predictions"]
        case "generator_predictions":
            if parts == ["generator_predictions", "output_bias"] {
                self = .weight("generator.generator_lm_head.bias", transposed: false)
                return
            }
            out = ["generator", "generator_predictions"]
        default:
            self = .unrecognized
            return
        }
        var transposed = false
        for part in parts.dropFirst() {
            if part.hasPrefix("layer_"), let index = Int(part.dropFirst("layer_".count)), index >= 0 {
                out += ["layer", String(index)]
            } else if part == "kernel" {
                out.append("weight")
                transposed = true
            } else if part == "gamma" {
                out.append("weight")
            } else if part == "beta" {
                out.append("bias")
            } else if part == "dense_1" && parts[0] == "discriminator_predictions" {
                out.append("dense_prediction")
            } else if part.hasSuffix("_embeddings") {
                out += [part, "weight"]
            } else if part.isEmpty || part.contains(".") {
                self = .unrecognized
                return
            } else {
                out.append(part)
            }
        }
        self = .weight(out.joined(separator: "."), transposed: transposed)
    }
}
