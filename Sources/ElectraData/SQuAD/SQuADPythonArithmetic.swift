// SQuADPythonArithmetic: the parts of CPython's arithmetic that decide the last digits of the
// official v2.0 scores: `int` apart from `float` (Python's `max` keeps the first of equal values,
// and `sum` treats the two kinds differently), and the built-in `sum`, which adds floats plainly up
// to Python 3.11 and with Neumaier's compensation from 3.12 (ints after the first float still
// plainly, through 3.13).

/// Which CPython `sum()` the official `evaluate-v2.0.py` ran under; it can change the last digit
/// or two of the v2.0 `f1` values (v1.1 and all exact-match values are the same under both).
public enum SQuADPythonSummation: String, Sendable, CaseIterable {
    /// CPython 3.11 and earlier: floats added left to right.
    case python311 = "3.11"
    /// CPython 3.12 and 3.13: floats added with Neumaier's compensated summation.
    case python312 = "3.12"
}

/// A Python number as the official scripts produce it: an `int` or a `float`.
struct SQuADPythonNumber: Equatable, Sendable {
    var value: Double
    var isFloat: Bool

    static func int(_ value: Int) -> SQuADPythonNumber { .init(value: Double(value), isFloat: false) }
    static func float(_ value: Double) -> SQuADPythonNumber { .init(value: value, isFloat: true) }

    /// Python's `max(values)`: the first of the largest (nil when empty).
    static func max(_ values: [SQuADPythonNumber]) -> SQuADPythonNumber? {
        guard var best = values.first else { return nil }
        for value in values.dropFirst() where value.value > best.value { best = value }
        return best
    }
}

/// CPython's built-in `sum(iterable)` (start 0) over ints and floats, fast paths included: ints
/// summed exactly until the first float, which is added to them plainly; then floats plainly (3.11)
/// or compensated (3.12, 3.13), ints plainly; the compensation added once at the end.
struct SQuADPythonSum {
    let summation: SQuADPythonSummation
    private var integer = 0
    private var sawFloat = false
    private var high = 0.0
    private var low = 0.0

    init(_ summation: SQuADPythonSummation) { self.summation = summation }

    mutating func add(_ number: SQuADPythonNumber) {
        if !sawFloat {
            if !number.isFloat {
                integer += Int(number.value)
                return
            }
            sawFloat = true
            high = Double(integer) + number.value
            return
        }
        guard number.isFloat && summation == .python312 else {
            high += number.value
            return
        }
        let x = number.value
        let t = high + x
        if abs(high) >= abs(x) {
            low += (high - t) + x
        } else {
            low += (x - t) + high
        }
        high = t
    }

    /// The sum as a Double (Python then multiplies it by `100.0`, so int or float no longer matters).
    var total: Double {
        guard sawFloat else { return Double(integer) }
        if summation == .python312 && low != 0 && low.isFinite { return high + low }
        return high
    }
}
