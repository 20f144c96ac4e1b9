// ClassificationRecipe: Google's GLUE fine-tuning hyper-parameters (`GLUEPreset`) as the shared loop's
// settings, for each model size; the same recipe serves `finetune classify` and `finetune ner`.

import ElectraData
import ElectraOptim

extension FineTuningSettings {
    /// Google's ELECTRA recipe (google-research/electra `configure_finetuning.py`, `GLUEPreset`) for a
    /// model of `size`: AdamW without bias correction (model/optimization.py:119), linear decay times
    /// a warmup (:36-45), global-norm clipping at 1.0 (:62), ε 1e-6, the preset's epochs, batch,
    /// warmup proportion, weight decay, and the learning rate and layer-wise decay for the size.
    public init(google preset: GLUEPreset, size: SQuADRecipe.ModelSize, seed: UInt64 = 1) {
        func value(_ values: ModelSizeValues) -> Float {
            switch size {
            case .small: return Float(values.small)
            case .base: return Float(values.base)
            case .large: return Float(values.large)
            }
        }
        self.init(epochs: preset.epochs, batchSize: preset.batchSize, accumulation: 1, learningRate: value(preset.learningRate),
                  warmupProportion: Float(preset.warmupProportion), optimizer: .googleAdamW, schedule: .decayTimesWarmup,
                  weightDecay: Float(preset.weightDecay), layerDecay: value(preset.layerDecay), clipNorm: 1, seed: seed)
    }
}
