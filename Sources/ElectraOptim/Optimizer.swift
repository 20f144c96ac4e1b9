// Optimizer: LAMB and AdamW over a flat parameter store, with decoupled weight decay.

import ElectraTensor
import Foundation

/// Which update rule.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Layer-wise adaptive moments (You et al., 2020), as NVIDIA pretrains ELECTRA.
    case lamb
    /// Adam with decoupled weight decay (Loshchilov & Hutter), as Google pretrains and fine-tunes.
    case adamw
}

/// Hyper-parameters of the update rule.
public struct OptimizerSettings: Codable, Equatable, Sendable {
    public var kind: OptimizerKind
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// LAMB: leave LayerNorm parameters and biases out of the trust ratio (NVIDIA's `--skip_adaptive`).
    public var skipAdaptive: Bool
    /// Divide the moments by `1 − βᵗ` (Adam's bias correction). NVIDIA's LAMB and AdamW and PyTorch's
    /// AdamW do; Google's `AdamWeightDecayOptimizer` does not (model/optimization.py, `_apply_gradients`:
    /// `update = next_m / (tf.sqrt(next_v) + self.epsilon)`).
    public var biasCorrection: Bool

    public init(kind: OptimizerKind, beta1: Float, beta2: Float, epsilon: Float = 1e-6, weightDecay: Float = 0.01,
                skipAdaptive: Bool = true, biasCorrection: Bool = true) {
        self.kind = kind
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.skipAdaptive = skipAdaptive
        self.biasCorrection = biasCorrection
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(OptimizerKind.self, forKey: .kind), beta1: try c.decode(Float.self, forKey: .beta1),
                  beta2: try c.decode(Float.self, forKey: .beta2), epsilon: try c.decode(Float.self, forKey: .epsilon),
                  weightDecay: try c.decode(Float.self, forKey: .weightDecay),
                  skipAdaptive: try c.decode(Bool.self, forKey: .skipAdaptive),
                  biasCorrection: try c.decodeIfPresent(Bool.self, forKey: .biasCorrection) ?? true)
    }

    /// NVIDIA's ELECTRA pretraining: LAMB, β1 0.878, β2 0.974, ε 1e-6, weight decay 0.01, skip adaptive,
    /// bias correction (run_pretraining.py defaults; optimization.py `LAMB`).
    public static let nvidiaLAMB = OptimizerSettings(kind: .lamb, beta1: 0.878, beta2: 0.974)
    /// Google's ELECTRA pretraining: `AdamWeightDecayOptimizer`, β1 0.9, β2 0.999, ε 1e-6, weight decay
    /// 0.01, no bias correction (model/optimization.py, `create_optimizer`).
    public static let googleAdamW = OptimizerSettings(kind: .adamw, beta1: 0.9, beta2: 0.999, skipAdaptive: false,
                                                      biasCorrection: false)
    /// AdamW with bias correction, as PyTorch's `torch.optim.AdamW` and NVIDIA's fine-tuning use it.
    public static let adamW = OptimizerSettings(kind: .adamw, beta1: 0.9, beta2: 0.999, skipAdaptive: false)

    /// Whether weight decay applies to a parameter: not to LayerNorm parameters or biases.
    public static func decays(_ name: String) -> Bool {
        !(name.contains("LayerNorm") || name.contains("layer_norm") || name.hasSuffix("bias"))
    }
}

/// Applies updates to a parameter store from a gradient store with the same layout.
public final class Optimizer {
    public let settings: OptimizerSettings
    public let parameters: ParameterStore
    /// First and second moment estimates, laid out like the parameters.
    public let firstMoments: ParameterStore
    public let secondMoments: ParameterStore
    /// Updates applied so far.
    public var step: Int = 0
    /// A learning-rate multiplier per parameter tensor (layer-wise decay); 1 by default.
    public var rateScale: [String: Float] = [:]

    public init(settings: OptimizerSettings, parameters: ParameterStore) {
        self.settings = settings
        self.parameters = parameters
        firstMoments = parameters.zerosLike()
        secondMoments = parameters.zerosLike()
    }

    /// One update with `learningRate`, from `gradients` (already averaged and clipped).
    public func update(gradients: ParameterStore, learningRate: Float) {
        precondition(gradients.entries == parameters.entries, "Optimizer.update: gradient layout differs from the parameters'")
        step += 1
        let s = settings
        let correction1 = s.biasCorrection ? 1 - Float(pow(Double(s.beta1), Double(step))) : 1
        let correction2 = s.biasCorrection ? 1 - Float(pow(Double(s.beta2), Double(step))) : 1
        let entries = parameters.entries
        let scales = rateScale
        let work = UnsafeSendable((parameters, gradients, firstMoments, secondMoments))
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let (parameters, gradients, m, v) = work.value
            let entry = entries[index]
            let rate = learningRate * (scales[entry.name] ?? 1)
            let decay = OptimizerSettings.decays(entry.name) ? s.weightDecay : 0
            let w = parameters[entry.name].pointer, g = gradients[entry.name].pointer
            let mp = m[entry.name].pointer, vp = v[entry.name].pointer
            let n = entry.count
            for i in 0..<n {
                mp[i] = s.beta1 * mp[i] + (1 - s.beta1) * g[i]
                vp[i] = s.beta2 * vp[i] + (1 - s.beta2) * g[i] * g[i]
            }
            switch s.kind {
            case .adamw:
                for i in 0..<n {
                    let update = (mp[i] / correction1) / ((vp[i] / correction2).squareRoot() + s.epsilon)
                    w[i] -= rate * (update + decay * w[i])
                }
            case .lamb:
                var weightNorm = 0.0, updateNorm = 0.0
                for i in 0..<n {
                    let update = (mp[i] / correction1) / ((vp[i] / correction2).squareRoot() + s.epsilon) + decay * w[i]
                    weightNorm += Double(w[i]) * Double(w[i])
                    updateNorm += Double(update) * Double(update)
                }
                var ratio: Float = 1
                let adaptive = !(s.skipAdaptive && !OptimizerSettings.decays(entry.name))
                if adaptive && weightNorm > 0 && updateNorm > 0 { ratio = Float(weightNorm.squareRoot() / updateNorm.squareRoot()) }
                for i in 0..<n {
                    let update = (mp[i] / correction1) / ((vp[i] / correction2).squareRoot() + s.epsilon) + decay * w[i]
                    w[i] -= rate * ratio * update
                }
            }
        }
    }
}

/// A value used across threads under the caller's guarantee that each thread touches its own part.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
