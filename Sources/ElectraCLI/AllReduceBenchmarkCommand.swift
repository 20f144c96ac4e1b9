// `electra benchmark allreduce`: the gradient all-reduce of data-parallel pretraining, timed at the
// gradient sizes of ELECTRA small and base (generator included), in fp32 and bf16, under mpirun.

import ArgumentParser
import Electra
import ElectraDistributed
import ElectraTensor
import Foundation

public struct AllReduceBenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time the gradient all-reduce at ELECTRA small's and base's sizes (run it under mpirun -np N).",
        discussion: """
            Sums a gradient store of each model's size (discriminator and generator, as pretraining sends \
            them) over the job's ranks in the training loop's buckets, fp32 and bf16, and prints the best \
            time of --repeats and the bus bandwidth as NCCL's tests define it: 2(n−1)/n × bytes / time, \
            bytes being those of the fp32 or bf16 values sent.
              mpirun -np 2 electra benchmark allreduce
            """
    )

    @Option(help: "Timed all-reduces per size and precision (the best is kept).")
    var repeats = 5
    @Option(help: "Model sizes to time.")
    var sizes: [ModelSize] = [.small, .base]

    public func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    public func run() throws {
        let communicator = try Launch.current.join()
        defer { (communicator as? MPICommunicator)?.finish() }
        let n = communicator.size
        let say = communicator.isLeader ? { (text: String) in print(text) } : { (_: String) in }
        say("electra benchmark allreduce: \(n) rank\(n == 1 ? "" : "s") (\(communicator.name)), "
            + "\(Parallel.threadCount) thread\(Parallel.threadCount == 1 ? "" : "s") per rank")
        if n == 1 { say("(one process: nothing travels; run it under `mpirun -np 2`)") }
        say("size     parameters   precision   bucket MB   best ms   bus GB/s")
        for size in sizes {
            let discriminator = size.config
            let generator = discriminator.generator(fraction: ElectraConfig.defaultGeneratorFraction(for: discriminator.hiddenSize))
            let store = ParameterStore(layout: PretrainingModel.layout(discriminator: discriminator, generator: generator))
            for precision in AllReducePrecision.allCases {
                let reducer = GradientReducer(communicator: communicator, precision: precision)
                store.flat.fill(1)
                try reducer.sum(store)   // warm-up: connections and buffers
                var best = Double.infinity
                for _ in 0..<repeats {
                    store.flat.fill(1)
                    try communicator.barrier()
                    let start = DispatchTime.now().uptimeNanoseconds
                    try reducer.sum(store)
                    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                }
                // The slowest rank's time is the collective's.
                var times = [Double](repeating: 0, count: n)
                times[communicator.rank] = best
                try communicator.allReduceSum(&times)
                let time = times.max()!
                let bytes = Double(store.flat.count * (precision == .fp32 ? 4 : 2))
                let bus = n > 1 ? 2 * Double(n - 1) / Double(n) * bytes / time / 1e9 : 0
                let bucket = Double(reducer.bucketElements * (precision == .fp32 ? 4 : 2)) / 1e6
                func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
                let count = store.parameterCount.formatted()
                say(pad(size.rawValue, 8) + String(repeating: " ", count: max(0, 11 - count.count)) + count + "   "
                    + pad(precision.rawValue, 9) + String(format: "   %9.1f   %7.2f   %8.2f", bucket, time * 1e3, bus))
            }
        }
    }
}
