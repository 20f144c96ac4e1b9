// PretrainingRecipe: NVIDIA's and Google's pretraining hyper-parameters as named presets.
//
// Sources (cited by file and line of the reference code):
//   NVIDIA  DeepLearningExamples TensorFlow2/LanguageModeling/ELECTRA
//           scripts/configs/pretrain_config.sh (dgxa100_8gpu_amp, lines 21–37): phase 1 lr 6e-3,
//             10,000 updates with 2,000 warmup; phase 2 lr 4e-3, 933 updates with 200 warmup; LAMB.
//           run_pretraining.py 271–274: lr_decay_power 0.5, opt_beta_1 0.878, opt_beta_2 0.974, end_lr 0;
//             mask_prob 0.15 (line 68); generator_hidden_size 0.25 by default (107),
//             0.3333333 in scripts/run_pretraining.sh 91 and 140.
//           optimization.py 66–111: LAMB with ε 1e-6, weight decay 0.01 without layer_norm/bias/LayerNorm,
//             skip_adaptive drops the same names from the trust ratio; WarmUp + PolynomialDecay (30–54).
//           modeling.py 582–594: generator width rounded up to a multiple of 64.
//   Google  google-research/electra
//           configure_pretraining.py 43–46: lr 5e-4, lr_decay_power 1, weight decay 0.01, 10,000 warmup
//             (of 1,000,000 updates, line 51); 75: generator_hidden_size 0.25; 121–131 (the paper's
//             Table 6, as comments): base and large lr 2e-4, base generator 1/3, large mask_prob 0.25.
//           model/optimization.py 30–65: polynomial decay over all updates times min(1, step / warmup),
//             clip_by_global_norm 1.0; 70–140: AdamWeightDecayOptimizer (β 0.9/0.999, ε 1e-6, no bias
//             correction).
//           run_pretraining.py 338–348: generator width round(H · fraction), no further rounding.

import ElectraOptim

/// Whose pretraining recipe a run follows.
public enum PretrainingRecipe: String, Codable, Sendable, CaseIterable {
    /// NVIDIA's ELECTRA for TensorFlow2: LAMB, warmup then square-root decay, two phases.
    case nvidia
    /// Google's original ELECTRA: AdamW without bias correction, linear decay times warmup.
    case google

    /// The update rule.
    public var optimizer: OptimizerSettings {
        switch self {
        case .nvidia: return .nvidiaLAMB
        case .google: return .googleAdamW
        }
    }

    /// The peak learning rate for a discriminator of `hiddenSize` in `phase`.
    public func learningRate(hiddenSize: Int, phase: Int) -> Float {
        switch self {
        case .nvidia: return phase == 2 ? 4e-3 : 6e-3
        case .google: return hiddenSize <= 256 ? 5e-4 : 2e-4
        }
    }

    /// Warmup updates for a phase of `steps` updates: NVIDIA warms up for 2,000 of 10,000 (phase 1) and
    /// 200 of 933 (phase 2), a fifth; Google for 10,000 of 1,000,000, a hundredth. At least one.
    public func warmupSteps(steps: Int) -> Int {
        switch self {
        case .nvidia: return max(1, steps / 5)
        case .google: return max(1, steps / 100)
        }
    }

    /// How warmup and decay combine.
    public var scheduleKind: LearningRateSchedule.Kind {
        self == .nvidia ? .warmupThenDecay : .decayTimesWarmup
    }

    /// The power of the polynomial decay.
    public var decayPower: Float { self == .nvidia ? 0.5 : 1 }

    /// How the generator's width is derived.
    public var generatorSizing: ElectraConfig.GeneratorSizing { self == .nvidia ? .nvidia : .google }

    /// The generator's share of the discriminator's hidden size: 1/4 for small (both); 1/3 for base
    /// (both) and, with NVIDIA, for large; 1/4 for Google's large.
    public func generatorFraction(hiddenSize: Int) -> Double {
        if hiddenSize <= 256 { return 0.25 }
        if self == .google && hiddenSize >= 1024 { return 0.25 }
        return 1.0 / 3.0
    }

    /// The share of tokens masked: 0.15, except Google's large (0.25).
    public func maskProbability(hiddenSize: Int) -> Float {
        self == .google && hiddenSize >= 1024 ? 0.25 : 0.15
    }
}
