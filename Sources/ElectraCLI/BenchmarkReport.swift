// BenchmarkReport: what every model-level benchmark prints for one precision: sequences/s of both
// sides (measured in interleaved rounds), their ratio, the matrix-product GFLOP/s each achieves and
// its share of this machine's GEMM ceiling for that precision (measured in the same run), and peak
// memory.

import Electra
import ElectraTensor
import Foundation

/// Matrix-product work of ELECTRA's passes, counted as 2·m·n·k per product (what the GEMM ceiling
/// measures). A training pass is three times its forward pass: forward, input gradient, weight gradient.
enum MatmulFLOPs {
    /// One encoder forward pass: embedding projection, per layer Q, K, V, output and feed-forward
    /// products, and attention's two batched products.
    static func encoder(_ c: ElectraConfig, batch: Int, length: Int) -> Double {
        let tokens = Double(batch * length), h = Double(c.hiddenSize), i = Double(c.intermediateSize)
        let projection = c.embeddingSize == c.hiddenSize ? 0 : 2 * tokens * Double(c.embeddingSize) * h
        let dense = 2 * tokens * (4 * h * h + 2 * h * i)
        let attention = 2 * 2 * Double(batch) * Double(length) * Double(length) * h
        return projection + Double(c.numHiddenLayers) * (dense + attention)
    }

    /// The discriminator's forward pass: encoder and its head (dense H×H, then H→1).
    static func discriminator(_ c: ElectraConfig, batch: Int, length: Int) -> Double {
        let tokens = Double(batch * length), h = Double(c.hiddenSize)
        return encoder(c, batch: batch, length: length) + 2 * tokens * (h * h + h)
    }

    /// One pretraining update: generator and discriminator, forward and backward, with the
    /// generator's head (H→E, then the tied E→vocabulary product) at `maskedRows` rows only.
    static func pretrainingUpdate(discriminator d: ElectraConfig, generator g: ElectraConfig, batch: Int, length: Int,
                                  maskedRows: Int) -> Double {
        let rows = Double(maskedRows), e = Double(g.embeddingSize)
        let head = 2 * rows * (Double(g.hiddenSize) * e + e * Double(g.vocabSize))
        return 3 * (discriminator(d, batch: batch, length: length) + encoder(g, batch: batch, length: length) + head)
    }

    /// A question-answering forward pass (encoder; the heads' products are negligible).
    static func questionAnswering(_ c: ElectraConfig, batch: Int, length: Int) -> Double {
        encoder(c, batch: batch, length: length)
    }
}

enum BenchmarkReport {
    /// The best GFLOP/s of a 2048³ product in `precision` on this machine now.
    static func gemmCeiling(_ precision: Precision) -> Double {
        let n = 2048
        let a = Tensor(zeros: [n, n]), b = Tensor(zeros: [n, n]), c = Tensor(zeros: [n, n])
        var generator = RandomGenerator(seed: 3)
        generator.fillUniform(a, low: -1, high: 1)
        generator.fillUniform(b, low: -1, high: 1)
        var best = Double.infinity
        Precision.$current.withValue(precision) {
            for _ in 0..<4 {
                let start = DispatchTime.now().uptimeNanoseconds
                Matmul.forward(a, b, transposeB: true, into: c)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
        }
        return 2 * Double(n * n * n) / best / 1e9
    }

    /// The header line: precision, backend and the GEMM ceiling just measured.
    static func header(_ option: PrecisionOption) -> Double {
        let precision = option.effective
        let ceiling = gemmCeiling(precision)
        let blas = "BLAS \(BLAS.coreName ?? BLAS.libraryName) × \(BLAS.threadCount), kernels × \(Parallel.threadCount)"
        print(String(format: "precision %@; %@; GEMM ceiling %.0f GFLOP/s (%@ 2048³, measured now)",
                     option.description, blas, ceiling, precision.rawValue))
        return ceiling
    }

    /// One side's line: `label`, sequences/s, seconds per pass, GFLOP/s and share of `ceiling`, peak memory.
    static func line(_ label: String, sequences: Int, seconds: Double, flops: Double, ceiling: Double,
                     peakBytes: Double?, unit: String = "update") -> String {
        let rate = flops / seconds / 1e9
        var text = String(format: "%@ %8.2f sequences/s  (%.3f s per %@)  %6.1f GFLOP/s = %3.0f%% of the ceiling",
                          label.padding(toLength: 16, withPad: " ", startingAt: 0), Double(sequences) / seconds,
                          seconds, unit, rate, 100 * rate / ceiling)
        if let peakBytes { text += String(format: "  peak RSS %.0f MiB", peakBytes / 1048576) }
        return text
    }

    /// `ratio: 1.85x electra / PyTorch …` (above 1: electra is faster).
    static func ratio(_ ours: Double, _ theirs: Double, against name: String) -> String {
        String(format: "ratio vs %@: %.2fx (above 1: electra is faster)", name, theirs / ours)
    }
}

/// This process's peak resident set size in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)
    #endif
}

/// Our timing and PyTorch's (eager, and under torch.compile when asked), measured in alternating
/// rounds so that both sides see the same machine state; the best of each side is kept.
struct InterleavedComparison {
    var ours = Double.infinity
    var eager = Double.infinity, eagerPeak = 0.0
    var compiled = Double.infinity, compiledPeak = 0.0
    var compileFailure: String?

    /// Runs `rounds` rounds of `measure(round)` (our best seconds) and, between them, the reference
    /// script in eager mode and, with `options.compile`, compiled.
    static func run(rounds: Int, reference: PythonReference?, options: ModelBenchmarkOptions,
                    measure: (Int) throws -> Double) throws -> InterleavedComparison {
        var result = InterleavedComparison()
        for round in 1...rounds {
            result.ours = min(result.ours, try measure(round))
            guard let reference else { continue }
            let eager = try reference.run(options.referenceArguments(compiled: false))
            result.eager = min(result.eager, eager["seconds"] ?? .infinity)
            result.eagerPeak = max(result.eagerPeak, eager["peak_rss_bytes"] ?? 0)
            if options.compile && result.compileFailure == nil {
                do {
                    let compiled = try reference.run(options.referenceArguments(compiled: true))
                    result.compiled = min(result.compiled, compiled["seconds"] ?? .infinity)
                    result.compiledPeak = max(result.compiledPeak, compiled["peak_rss_bytes"] ?? 0)
                } catch {
                    result.compileFailure = "\(error)"
                }
            }
        }
        return result
    }

    /// The report's lines for `batch` sequences per pass and `flops` of matrix products per pass.
    func print(batch: Int, flops: Double, ceiling: Double, unit: String) {
        Swift.print(BenchmarkReport.line("electra", sequences: batch, seconds: ours, flops: flops, ceiling: ceiling,
                                         peakBytes: Double(peakResidentBytes()), unit: unit))
        if eager.isFinite {
            Swift.print(BenchmarkReport.line("PyTorch", sequences: batch, seconds: eager, flops: flops, ceiling: ceiling,
                                             peakBytes: eagerPeak, unit: unit))
        }
        if compiled.isFinite {
            Swift.print(BenchmarkReport.line("torch.compile", sequences: batch, seconds: compiled, flops: flops,
                                             ceiling: ceiling, peakBytes: compiledPeak, unit: unit))
        }
        if let compileFailure { Swift.print("torch.compile: unavailable (\(compileFailure))") }
        if eager.isFinite { Swift.print(BenchmarkReport.ratio(ours, eager, against: "PyTorch")) }
        if compiled.isFinite { Swift.print(BenchmarkReport.ratio(ours, compiled, against: "torch.compile")) }
        if eager.isFinite {
            Swift.print(String(format: "peak memory: electra %.2fx of PyTorch's", Double(peakResidentBytes()) / eagerPeak))
        }
    }
}
