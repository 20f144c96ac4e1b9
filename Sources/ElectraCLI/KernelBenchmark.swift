// KernelBenchmark: the measured items of `electra benchmark kernels` and their report.

import ElectraTensor
import Foundation

/// One thing to time: a closure, and the work it does (floating-point operations or bytes moved).
struct BenchmarkItem {
    enum Kind { case ceilingGEMM, ceilingCopy, matmul, elementwise }
    let name: String
    let shape: String
    let kind: Kind
    /// FLOPs for matrix products, bytes for the others.
    let work: Double
    let body: () -> Void

    /// Seconds for one call: the fastest of enough calls to fill ~0.2 s.
    func measure() -> Double {
        body()   // warm-up: page in buffers, start threads
        var fastest = Double.infinity
        let start = DispatchTime.now().uptimeNanoseconds
        var calls = 0
        repeat {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            let t1 = DispatchTime.now().uptimeNanoseconds
            fastest = min(fastest, Double(t1 - t0) * 1e-9)
            calls += 1
        } while calls < 3 || (DispatchTime.now().uptimeNanoseconds - start < 200_000_000 && calls < 50)
        return fastest
    }

    /// GFLOP/s or GB/s for a time.
    func rate(_ seconds: Double) -> Double { work / seconds / 1e9 }
}

enum KernelBenchmark {
    static func items(tokens T: Int) -> [BenchmarkItem] {
        var items: [BenchmarkItem] = []
        var data = RandomGenerator(seed: 1)
        func random(_ shape: [Int]) -> Tensor {
            let t = Tensor(zeros: shape)
            data.fillUniform(t, low: -1, high: 1)
            return t
        }

        // Ceilings: a large square GEMM and a large memory copy.
        let n = 2048
        let ga = random([n, n]), gb = random([n, n]), gc = Tensor(zeros: [n, n])
        items.append(BenchmarkItem(name: "sgemm ceiling", shape: "\(n)×\(n)×\(n)", kind: .ceilingGEMM,
                                   work: 2 * Double(n * n * n)) { Matmul.forward(ga, gb, into: gc) })
        let copyCount = 64 << 20   // 256 MiB
        let source = random([copyCount]), destination = Tensor(zeros: [copyCount])
        items.append(BenchmarkItem(name: "memory copy ceiling", shape: "256 MiB", kind: .ceilingCopy,
                                   work: 2 * 4 * Double(copyCount)) { MemoryCopy.run(source, into: destination) })

        // Matrix products of the feed-forward blocks of ELECTRA-small (256/1024) and -base (768/3072):
        // the forward product and the two products of its backward pass.
        for (hidden, inner) in [(256, 1024), (768, 3072)] {
            let x = random([T, hidden]), w1 = random([inner, hidden]), y = Tensor(zeros: [T, inner])
            let dY = random([T, inner]), dX = Tensor(zeros: [T, hidden]), dW = Tensor(zeros: [inner, hidden])
            let flops = 2 * Double(T * hidden * inner)
            items.append(BenchmarkItem(name: "x·Wᵀ (forward)", shape: "\(T)×\(hidden) · (\(inner)×\(hidden))ᵀ",
                                       kind: .matmul, work: flops) { Matmul.forward(x, w1, transposeB: true, into: y) })
            items.append(BenchmarkItem(name: "dY·W (input grad)", shape: "\(T)×\(inner) · \(inner)×\(hidden)",
                                       kind: .matmul, work: flops) { Matmul.forward(dY, w1, into: dX) })
            items.append(BenchmarkItem(name: "dYᵀ·x (weight grad)", shape: "(\(T)×\(inner))ᵀ · \(T)×\(hidden)",
                                       kind: .matmul, work: flops) { Matmul.forward(dY, x, transposeA: true, into: dW) })
            let w2 = random([hidden, inner]), z = Tensor(zeros: [T, hidden])
            items.append(BenchmarkItem(name: "x·Wᵀ (forward)", shape: "\(T)×\(inner) · (\(hidden)×\(inner))ᵀ",
                                       kind: .matmul, work: flops) { Matmul.forward(dY, w2, transposeB: true, into: z) })
        }

        // Element-wise kernels at ELECTRA-base shapes.
        let hidden = 768, inner = 3072, heads = 12, sequence = 128, batch = T / sequence
        let lnX = random([T, hidden]), lnW = random([hidden]), lnB = random([hidden]), lnY = Tensor(zeros: [T, hidden])
        let mean = Tensor(zeros: [T]), rstd = Tensor(zeros: [T]), lnG = random([T, hidden])
        let lnDX = Tensor(zeros: [T, hidden]), lnDW = Tensor(zeros: [hidden]), lnDB = Tensor(zeros: [hidden])
        let lnPartials = Tensor(zeros: LayerNorm.partialsShape(columns: hidden))
        let lnElements = Double(T * hidden)
        items.append(BenchmarkItem(name: "layer norm forward", shape: "\(T)×\(hidden)", kind: .elementwise,
                                   work: 8 * lnElements) {
            LayerNorm.forward(lnX, weight: lnW, bias: lnB, into: lnY, mean: mean, rstd: rstd)
        })
        items.append(BenchmarkItem(name: "layer norm backward", shape: "\(T)×\(hidden)", kind: .elementwise,
                                   work: 16 * lnElements) {
            LayerNorm.backward(lnG, lnX, weight: lnW, mean: mean, rstd: rstd, dX: lnDX, dWeight: lnDW, dBias: lnDB, partials: lnPartials)
        })
        let gX = random([T, inner]), gY = Tensor(zeros: [T, inner]), gG = random([T, inner]), gDX = Tensor(zeros: [T, inner])
        let gElements = Double(T * inner)
        items.append(BenchmarkItem(name: "GELU forward", shape: "\(T)×\(inner)", kind: .elementwise,
                                   work: 8 * gElements) { GELU.forward(gX, into: gY) })
        items.append(BenchmarkItem(name: "GELU backward", shape: "\(T)×\(inner)", kind: .elementwise,
                                   work: 16 * gElements) { GELU.backward(gG, gX, dX: gDX) })
        let scores = random([batch, heads, sequence, sequence]), probabilities = Tensor(zeros: scores.shape)
        let mask = Tensor(zeros: [batch, sequence]), sG = random(scores.shape), sDX = Tensor(zeros: scores.shape)
        let sElements = Double(scores.count)
        items.append(BenchmarkItem(name: "softmax forward", shape: "\(batch)×\(heads)×\(sequence)×\(sequence)",
                                   kind: .elementwise, work: 8 * sElements) {
            Softmax.forward(scores, scale: 0.125, mask: mask, into: probabilities)
        })
        items.append(BenchmarkItem(name: "softmax backward", shape: "\(batch)×\(heads)×\(sequence)×\(sequence)",
                                   kind: .elementwise, work: 16 * sElements) {
            Softmax.backward(sG, output: probabilities, scale: 0.125, dX: sDX)
        })
        return items
    }

    static func printReport(items: [BenchmarkItem], seconds: [Double], torchSeconds: [String: Double]) {
        let gemm = zip(items, seconds).first { $0.0.kind == .ceilingGEMM }.map { $0.0.rate($0.1) } ?? .nan
        let copy = zip(items, seconds).first { $0.0.kind == .ceilingCopy }.map { $0.0.rate($0.1) } ?? .nan
        print(String(format: "\nceilings: sgemm %.1f GFLOP/s, memory copy %.1f GB/s", gemm, copy))
        let hasTorch = !torchSeconds.isEmpty
        print("\n" + row("kernel", "shape", "rate", "of ceiling", hasTorch ? "torch rate" : "", hasTorch ? "vs torch" : ""))
        for (item, time) in zip(items, seconds) {
            let rate = item.rate(time)
            let unit = item.kind == .matmul || item.kind == .ceilingGEMM ? "GFLOP/s" : "GB/s"
            let ceiling = item.kind == .matmul || item.kind == .ceilingGEMM ? gemm : copy
            var torchRate = "", ratio = ""
            if let torchTime = torchSeconds[key(item)] {
                torchRate = String(format: "%.1f", item.rate(torchTime))
                ratio = String(format: "%.2fx", torchTime / time)
            }
            print(row(item.name, item.shape, String(format: "%.1f %@", rate, unit),
                      String(format: "%.0f%%", 100 * rate / ceiling), torchRate, ratio))
        }
        if hasTorch { print("\n'vs torch' is torch's time over ours: above 1 means electra is faster.") }
    }

    /// The name PyTorch's script reports an item under.
    static func key(_ item: BenchmarkItem) -> String { "\(item.name) \(item.shape)" }

    private static func row(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String) -> String {
        func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
        return pad(a, 22) + pad(b, 30) + pad(c, 16) + pad(d, 12) + pad(e, 12) + f
    }
}

/// A multi-threaded memory copy, the bandwidth ceiling for element-wise kernels.
enum MemoryCopy {
    static func run(_ source: Tensor, into destination: Tensor) {
        let s = source.pointer, d = destination.pointer
        Parallel.forEachRange(source.count, grain: 1 << 16) { range in
            (d + range.lowerBound).update(from: s + range.lowerBound, count: range.count)
        }
    }
}
