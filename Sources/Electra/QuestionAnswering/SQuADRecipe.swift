// SQuADRecipe: NVIDIA's and Google's SQuAD fine-tuning hyper-parameters, each with the file and line
// it comes from.

import ElectraData
import ElectraOptim

/// Whose SQuAD fine-tuning recipe `electra finetune squad` follows.
///
/// Sources (line numbers at the versions read for this file):
/// - NVIDIA: DeepLearningExamples `TensorFlow2/LanguageModeling/ELECTRA` — `scripts/run_squad.sh`
///   (its defaults are the `dgx1_8gpu_amp` configuration of `scripts/configs/squad_config.sh:96-104`),
///   `run_tf_squad.py`, `optimization.py`.
/// - Google: google-research/electra — `configure_finetuning.py`, `model/optimization.py`,
///   `util/training_utils.py`, and the paper (Clark et al., 2020), Table 7, for the small model's rate.
///
/// Both clip the gradients' global norm at 1.0 (NVIDIA run_tf_squad.py:281; Google
/// model/optimization.py:62), use β1 0.9, β2 0.999, ε 1e-6 (NVIDIA optimization.py:68,89; Google
/// model/optimization.py:53-55), leave LayerNorm parameters and biases out of weight decay, decay the
/// rate linearly to 0 (power 1: NVIDIA optimization.py:68,71-73; Google model/optimization.py:32,36-42),
/// and window with stride 128 and questions of up to 64 tokens.
public enum SQuADRecipe: String, Codable, Sendable, CaseIterable {
    /// NVIDIA's ELECTRA for TensorFlow2 (the default): 16 sequences on each of 8 GPUs.
    case nvidia
    /// Google's ELECTRA release, per model size.
    case google

    /// Google's model sizes (util/training_utils.py:98-103).
    public enum ModelSize: String, Codable, Sendable, CaseIterable {
        case small, base, large

        /// The size with hidden width `hiddenSize` (256 small, 768 base, 1024 large:
        /// util/training_utils.py:98-103), or `nil` for any other width.
        public init?(hiddenSize: Int) {
            switch hiddenSize {
            case 256: self = .small
            case 768: self = .base
            case 1024: self = .large
            default: return nil
            }
        }
    }

    /// The training settings for `version` and (Google only) `size`.
    public func settings(version: SQuADVersion, size: ModelSize = .base) -> SQuADTrainingSettings {
        switch self {
        case .nvidia:
            // Data parallelism over 8 GPUs becomes accumulation: each GPU's loss is the mean over its
            // 16 sequences (run_tf_squad.py:264-270) and Horovod averages the gradients (:276-278), which is the
            // gradient of the mean over 128.
            return SQuADTrainingSettings(
                epochs: version == .v2_0 ? 3 : 2,         // run_squad.sh:19; v2.0: squad_config.sh:138,145
                batchSize: 16,                            // run_squad.sh:20 (per GPU)
                accumulation: 8,                          // run_squad.sh:24 (num_gpu)
                learningRate: 4e-4,                       // run_squad.sh:22
                warmupProportion: 0.05,                   // run_squad.sh:94
                optimizer: .adamW,                        // bias-corrected as Keras Adam (optimization.py:83-91, 113), with ε on √v̂ as PyTorch (Keras adds it to √v)
                schedule: .warmupThenDecay,               // optimization.py:71-77 (WarmUp around PolynomialDecay)
                weightDecay: 0.01,                        // run_squad.sh:95
                layerDecay: 0.8,                          // run_squad.sh:96
                beamSize: 5)                              // run_squad.sh:101
        case .google:
            // The code's default rate is 1e-4 for small and base (configure_finetuning.py:54; only
            // large is overridden, :149-151) and the README recommends no other for small; the paper's
            // fine-tuning table (Table 7) gives 3e-4 for ELECTRA-Small, which is what we use.
            let rate: Float = size == .small ? 3e-4 : size == .base ? 1e-4 : 5e-5
            return SQuADTrainingSettings(
                epochs: 2,                                // configure_finetuning.py:138-140 (SQuAD, both versions)
                batchSize: 32,                            // configure_finetuning.py:73
                accumulation: 1,
                learningRate: rate,                       // base :54, large :150, small: paper Table 7
                warmupProportion: 0.1,                    // configure_finetuning.py:60
                optimizer: .googleAdamW,                  // AdamWeightDecayOptimizer, no bias correction (model/optimization.py:119)
                schedule: .decayTimesWarmup,              // model/optimization.py:36-45
                weightDecay: 0.01,                        // configure_finetuning.py:55
                layerDecay: size == .large ? 0.9 : 0.8,   // configure_finetuning.py:56, large :151
                beamSize: 20)                             // configure_finetuning.py:90
        }
    }

    /// Tokens per window: NVIDIA 384 (run_squad.sh:99), Google 512 for SQuAD (configure_finetuning.py:139).
    public var maxSequenceLength: Int {
        switch self {
        case .nvidia: return 384
        case .google: return 512
        }
    }
}
