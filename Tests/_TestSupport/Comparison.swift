// Comparison: element-wise closeness of two arrays, with a report that says where they differ.

import ElectraTensor
import Foundation

/// The largest differences between an actual and an expected array.
public struct Comparison: CustomStringConvertible {
    public let name: String
    public let maxAbsolute: Double
    public let maxRelative: Double
    /// Index of the worst element by `|a − e| − rtol·|e|`.
    public let worstIndex: Int
    public let actualPrefix: [Double]
    public let expectedPrefix: [Double]
    public let countMismatch: Bool
    private let excess: Double

    /// Compares element by element: passes where `|a − e| ≤ atol + rtol·|e|` everywhere.
    public init(_ name: String, actual: [Double], expected: [Double], rtol: Double, atol: Double) {
        self.name = name
        countMismatch = actual.count != expected.count
        var maxAbsolute = 0.0, maxRelative = 0.0, worst = 0, excess = -Double.infinity
        for i in 0..<min(actual.count, expected.count) {
            let difference = abs(actual[i] - expected[i])
            if difference.isNaN { maxAbsolute = .nan; worst = i; excess = .infinity; break }
            maxAbsolute = max(maxAbsolute, difference)
            maxRelative = max(maxRelative, difference / max(abs(expected[i]), 1e-30))
            let over = difference - (atol + rtol * abs(expected[i]))
            if over > excess { excess = over; worst = i }
        }
        self.maxAbsolute = maxAbsolute
        self.maxRelative = maxRelative
        self.worstIndex = worst
        self.excess = excess
        actualPrefix = Array(actual.prefix(4))
        expectedPrefix = Array(expected.prefix(4))
    }

    /// Compares Float arrays.
    public init(_ name: String, actual: [Float], expected: [Float], rtol: Double = 1e-4, atol: Double = 1e-5) {
        self.init(name, actual: actual.map(Double.init), expected: expected.map(Double.init), rtol: rtol, atol: atol)
    }

    /// Compares tensors.
    public init(_ name: String, actual: Tensor, expected: Tensor, rtol: Double = 1e-4, atol: Double = 1e-5) {
        self.init(name, actual: actual.scalars, expected: expected.scalars, rtol: rtol, atol: atol)
    }

    /// Whether every element is within tolerance.
    public var passed: Bool { !countMismatch && excess <= 0 }

    public var description: String {
        if countMismatch { return "\(name): element counts differ" }
        let worst = String(format: "%.3g", maxAbsolute)
        return "\(name): max |diff| \(worst) (max rel \(String(format: "%.3g", maxRelative))) worst at [\(worstIndex)]; "
            + "actual \(actualPrefix.map { String(format: "%.6g", $0) }) expected \(expectedPrefix.map { String(format: "%.6g", $0) })"
    }
}


