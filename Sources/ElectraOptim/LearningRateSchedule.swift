// LearningRateSchedule: linear warmup, then polynomial decay to an end rate (BERT's, ELECTRA's, NVIDIA's).

import Foundation

/// `rate(step)` for update `step` (0 for the first update, as TensorFlow counts):
/// - warmup (`step < warmupSteps`): `peak · step / warmupSteps`;
/// - then `(peak − end) · (1 − min(s, D)/D)^power + end` with `s = step − warmupSteps` and
///   `D = totalSteps − warmupSteps`.
///
/// NVIDIA's ELECTRA uses power 0.5 and end rate 0; Google's uses power 1 (linear).
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var power: Float
    public var end: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, power: Float = 0.5, end: Float = 0) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.power = power
        self.end = end
    }

    /// The rate for update `step`.
    public func rate(_ step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(warmupSteps) }
        let decaySteps = max(totalSteps - warmupSteps, 1)
        let progress = Float(min(step - warmupSteps, decaySteps)) / Float(decaySteps)
        return (peak - end) * Float(pow(Double(1 - progress), Double(power))) + end
    }
}


