// VectorMath: accuracy of the vector exp, erf and tanh against the C library, over their whole range.

import ElectraTensor
import Foundation
import Testing

@Suite("Vector math") struct VectorMathTests {
    /// Evaluates `f` on `count` evenly spaced points of [low, high] and returns the worst error
    /// `|f − reference| / max(|reference|, floor)` measured in Double.
    private func worstError(_ low: Float, _ high: Float, floor: Double, _ f: (FloatVector) -> FloatVector,
                            _ reference: (Double) -> Double) -> (error: Double, at: Float) {
        var worst = (0.0, Float(0))
        let count = 100_000
        var i = 0
        while i < count {
            var x = FloatVector()
            for lane in 0..<16 { x[lane] = low + (high - low) * Float(i + lane) / Float(count) }
            let y = f(x)
            for lane in 0..<16 {
                let expected = reference(Double(x[lane]))
                let error = abs(Double(y[lane]) - expected) / max(abs(expected), floor)
                if error > worst.0 { worst = (error, x[lane]) }
            }
            i += 16
        }
        return worst
    }

    @Test func exponential() {
        let (error, at) = worstError(-87, 88, floor: 0, VectorMath.exp, Foundation.exp)
        print("VectorMath.exp worst relative error \(error) at \(at)")
        #expect(error < 4e-7)
        let tiny = VectorMath.exp(FloatVector(repeating: -200))
        #expect(tiny == FloatVector(), "exp underflows to zero, not to the smallest normal")
    }

    @Test func errorFunction() {
        let (error, at) = worstError(-6, 6, floor: 1e-30, VectorMath.erf, Foundation.erf)
        print("VectorMath.erf worst relative error \(error) at \(at)")
        #expect(error < 5e-7)
        let y = VectorMath.erf(FloatVector(repeating: -9))
        #expect(y == FloatVector(repeating: -1))
    }

    @Test func hyperbolicTangent() {
        let (error, at) = worstError(-12, 12, floor: 1e-30, VectorMath.tanh, Foundation.tanh)
        print("VectorMath.tanh worst relative error \(error) at \(at)")
        #expect(error < 5e-7)
        // The derivative 1 − tanh² stays accurate near saturation.
        let x = FloatVector(repeating: 4.25)
        let t = VectorMath.tanh(x)[0]
        let exact = 1 - Foundation.tanh(4.25) * Foundation.tanh(4.25)
        #expect(abs(Double(1 - t * t) - exact) / exact < 2e-4)
    }
}

@Suite("Vector logarithm") struct VectorLogTests {
    @Test func logarithm() {
        var worst = 0.0
        var generator = RandomGenerator(seed: 1)
        for _ in 0..<20_000 {
            var x = FloatVector()
            for lane in 0..<16 { x[lane] = Float(generator.openUniformDouble()) * pow(10, Float(generator.nextInt(below: 60)) - 30) }
            let y = VectorMath.log(x)
            for lane in 0..<16 {
                let exact = Foundation.log(Double(x[lane]))
                worst = max(worst, abs(Double(y[lane]) - exact) / max(abs(exact), 1))
            }
        }
        print("VectorMath.log worst error \(worst)")
        #expect(worst < 3e-7)
    }
}
