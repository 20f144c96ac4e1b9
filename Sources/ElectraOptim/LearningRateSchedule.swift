// LearningRateSchedule: warmup and polynomial decay, in NVIDIA's and in Google's arrangement.

import Foundation

/// `rate(step)` for update `step` (0 for the first update, as TensorFlow's `optimizer.iterations` and
/// `global_step` count), in one of two arrangements:
///
/// - `.warmupThenDecay` (NVIDIA's TF2 `optimization.py`: `WarmUp` wrapping `PolynomialDecay` with
///   `decay_steps = num_train_steps − num_warmup_steps`, called at `step − warmup_steps`):
///   `peak · step / warmupSteps` while `step < warmupSteps`, then
///   `(peak − end) · (1 − min(s, D)/D)^power + end` with `s = step − warmupSteps`, `D = totalSteps − warmupSteps`.
/// - `.decayTimesWarmup` (Google's `model/optimization.py`, `create_optimizer`: `polynomial_decay` over
///   all `num_train_steps`, times `min(1, global_step / warmup_steps)`):
///   `((peak − end) · (1 − min(step, T)/T)^power + end) · min(1, step / warmupSteps)`.
///
/// NVIDIA's ELECTRA uses power 0.5 and end rate 0; Google's uses power 1 (linear) and end rate 0.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    /// Where warmup and decay sit relative to each other.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Warmup to the peak, then decay over the remaining steps (NVIDIA).
        case warmupThenDecay
        /// Decay over all steps, multiplied by a linear warmup factor (Google).
        case decayTimesWarmup
    }

    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var power: Float
    public var end: Float
    public var kind: Kind

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, power: Float = 0.5, end: Float = 0,
                kind: Kind = .warmupThenDecay) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.power = power
        self.end = end
        self.kind = kind
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(peak: try c.decode(Float.self, forKey: .peak), warmupSteps: try c.decode(Int.self, forKey: .warmupSteps),
                  totalSteps: try c.decode(Int.self, forKey: .totalSteps), power: try c.decode(Float.self, forKey: .power),
                  end: try c.decode(Float.self, forKey: .end),
                  kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .warmupThenDecay)
    }

    /// The rate for update `step`.
    public func rate(_ step: Int) -> Float {
        switch kind {
        case .warmupThenDecay:
            if step < warmupSteps { return peak * Float(step) / Float(warmupSteps) }
            return decay(step - warmupSteps, over: totalSteps - warmupSteps)
        case .decayTimesWarmup:
            let warmup = warmupSteps > 0 ? min(1, Float(step) / Float(warmupSteps)) : 1
            return decay(step, over: totalSteps) * warmup
        }
    }

    /// `(peak − end) · (1 − min(step, steps)/steps)^power + end`, TensorFlow's `polynomial_decay`.
    private func decay(_ step: Int, over steps: Int) -> Float {
        let steps = max(steps, 1)
        let progress = Float(min(step, steps)) / Float(steps)
        return (peak - end) * Float(pow(Double(1 - progress), Double(power))) + end
    }
}
