// Data parallelism over MPI, end to end with the built binary under `mpirun`: 2 ranks × b train the
// weights 1 process × 2b trains; a run resumes on another number of ranks and continues the same
// stream; a rank killed mid-run stops the job within seconds, naming the rank. Skipped (with the
// reason) where mpirun is not installed.

import Electra
import ElectraTensor
import Foundation
import Testing
import _TestSupport

@Suite("Data parallelism over MPI", .serialized, .enabled(if: MPIJob.available, MPIJob.skipReason))
struct DataParallelMPITests {
    static let config = Fixtures.directory.appendingPathComponent("model/discriminator/config.json").path

    /// `electra pretrain` on the small shards: `batch` sequences per rank, 2 micro-batches per update.
    func pretrain(ranks: Int, batch: Int, output: String, steps: Int = 6, extra: [String] = []) throws {
        let (status, text) = try MPIJob.run(ranks: ranks, [
            "pretrain", "--data", smallShards, "--output", output, "--max-seq-length", "64", "--batch-size", String(batch),
            "--accumulation", "2", "--steps", String(steps), "--log-every", "1", "--checkpoint-every", "3", "--config", Self.config,
            "--check-replicas-every", "1",
        ] + extra)
        #expect(status == 0, "electra pretrain on \(ranks) ranks failed:\n\(text)")
    }

    /// The largest |difference| between two checkpoints' tensors, and the largest |value|.
    func difference(_ a: String, _ b: String) throws -> (worst: Float, scale: Float, name: String) {
        let first = try SafetensorsFile(path: CheckpointStore.latest(run: a)! + "/model.safetensors")
        let second = try SafetensorsFile(path: CheckpointStore.latest(run: b)! + "/model.safetensors")
        var worst: Float = 0, scale: Float = 0, name = ""
        for key in first.tensors.keys.sorted() {
            let x = try first.tensor(key).scalars, y = try second.tensor(key).scalars
            let d = zip(x, y).map { abs($0 - $1) }.max() ?? 0
            if d > worst { (worst, name) = (d, key) }
            scale = max(scale, x.map(abs).max() ?? 0)
        }
        return (worst, scale, name)
    }

    func losses(_ run: String) throws -> [Double] {
        try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return object["loss"] as! Double
        }
    }

    @Test func twoRanksTrainWhatOneProcessTrainsOnTheWholeBatch() throws {
        let one = temporaryRun("mpi-one"), two = temporaryRun("mpi-two"), other = temporaryRun("mpi-other")
        try pretrain(ranks: 1, batch: 4, output: one)
        try pretrain(ranks: 2, batch: 2, output: two)
        try pretrain(ranks: 1, batch: 4, output: other, extra: ["--seed", "99"])
        let (worst, scale, name) = try difference(one, two)
        let control = try difference(one, other).worst
        print("2 ranks × 2 vs 1 × 4, 6 updates of 2 micro-batches: max |Δ weight| \(worst) (\(name)), largest weight \(scale); "
              + "another seed: \(control)")
        #expect(worst <= 1e-5 * scale, "2 ranks drifted from 1 process by \(worst) at \(name)")
        #expect(control > 1000 * max(worst, 1e-9), "the comparison could not tell another seed's weights (\(control))")
        let a = try losses(one), b = try losses(two)
        #expect(a.count == 6 && b.count == 6)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-5 * abs(x), "losses \(a) vs \(b)") }
        // Rank 0 alone wrote the run: one metrics line per update, not one per rank.
        #expect(FileManager.default.fileExists(atPath: two + "/settings.json"))
    }

    @Test func bf16GradientsOnTheWireStayCloseToFP32() throws {
        let one = temporaryRun("mpi-fp32"), compressed = temporaryRun("mpi-bf16")
        try pretrain(ranks: 1, batch: 4, output: one)
        try pretrain(ranks: 2, batch: 2, output: compressed, extra: ["--allreduce-precision", "bf16"])
        let (worst, scale, name) = try difference(one, compressed)
        print("2 ranks with bf16 gradients vs 1 process: max |Δ weight| \(worst) (\(name)) of \(scale)")
        #expect(worst > 0, "bf16 rounding left no trace: were the gradients sent as bf16?")
        #expect(worst <= 5e-3 * scale, "bf16 gradients moved the weights by \(worst) at \(name)")
    }

    @Test func squadOnTwoRanksTrainsWhatOneProcessTrainsOnTheWholeBatch() throws {
        let train = try ColourTask.file(Array(ColourTask.trainingObjects.prefix(24)), firstIndex: 0)
        let model = Fixtures.directory.appendingPathComponent("model/discriminator").path
        func finetune(ranks: Int, batch: Int, output: String, seed: Int = 1) throws {
            let (status, text) = try MPIJob.run(ranks: ranks, [
                "finetune", "squad", "--model", model, "--train", train, "--output", output, "--max-seq-length", "48",
                "--doc-stride", "16", "--max-query-length", "16", "--batch-size", String(batch), "--accumulation", "2",
                "--epochs", "2", "--learning-rate", "1e-3", "--check-replicas-every", "1", "--seed", String(seed),
            ])
            #expect(status == 0, "electra finetune squad on \(ranks) ranks failed:\n\(text)")
        }
        let one = temporaryRun("squad-one"), two = temporaryRun("squad-two"), other = temporaryRun("squad-other")
        try finetune(ranks: 1, batch: 4, output: one)
        try finetune(ranks: 2, batch: 2, output: two)
        try finetune(ranks: 1, batch: 4, output: other, seed: 2)
        func difference(_ first: String, _ second: String) throws -> (worst: Float, scale: Float) {
            let a = try SafetensorsFile(path: first + "/model.safetensors"), b = try SafetensorsFile(path: second + "/model.safetensors")
            var worst: Float = 0, scale: Float = 0
            for key in a.tensors.keys {
                let x = try a.tensor(key).scalars, y = try b.tensor(key).scalars
                worst = max(worst, zip(x, y).map { abs($0 - $1) }.max() ?? 0)
                scale = max(scale, x.map(abs).max() ?? 0)
            }
            return (worst, scale)
        }
        let (worst, scale) = try difference(one, two), control = try difference(one, other).worst
        print("SQuAD, 2 ranks × 2 vs 1 × 4 (2 micro-batches, 6 updates): max |Δ weight| \(worst) of \(scale); another seed: \(control)")
        // Float tolerance after 6 AdamW updates: the two ranks' weight gradients are summed in
        // another order than one process's (two partial sums, then the all-reduce), and Adam's
        // m/√v turns relative differences of near-zero gradients into differences of whole steps.
        #expect(worst <= 1e-4 * scale, "2 ranks drifted from 1 process by \(worst)")
        #expect(control > 100 * max(worst, 1e-9), "the comparison could not tell another seed's weights (\(control))")
    }

    @Test func aRunResumesOnTheSameOrAnotherNumberOfRanks() throws {
        let whole = temporaryRun("mpi-whole"), same = temporaryRun("mpi-same"), fewer = temporaryRun("mpi-fewer")
        try pretrain(ranks: 2, batch: 2, output: whole)
        for run in [same, fewer] { try pretrain(ranks: 2, batch: 2, output: run, extra: ["--stop-after", "3"]) }
        try pretrain(ranks: 2, batch: 2, output: same, extra: ["--resume"])
        try pretrain(ranks: 1, batch: 4, output: fewer, extra: ["--resume"])   // --batch-size is the checkpoint's: 4 on 1 rank
        let state = try Pretrainer.readState(checkpoint: CheckpointStore.latest(run: fewer)!)
        #expect(state.step == 6 && state.ranks == 1 && state.settings.batchSize == 4)
        #expect(try difference(whole, same).worst == 0, "a resume on the same ranks repeats the uninterrupted run exactly")
        let (worst, scale, name) = try difference(whole, fewer)
        print("2 ranks throughout vs 2 then 1 from update 3: max |Δ weight| \(worst) (\(name)) of \(scale)")
        #expect(worst <= 1e-5 * scale, "the resumed run left the stream: \(worst) at \(name)")
        #expect(try losses(whole) == losses(same))
        // 3 ranks cannot share its micro-batch of 4: every rank stops with the reason, naming itself.
        let (status, text) = try MPIJob.run(ranks: 3, ["pretrain", "--data", smallShards, "--output", whole, "--resume",
                                                       "--max-seq-length", "64", "--steps", "6"])
        #expect(status != 0)
        #expect(text.contains("of 3: the run's micro-batch of 4 sequences does not split evenly over 3 ranks"), "\(text)")
    }

    @Test func aKilledRankStopsTheJobWithinSecondsNamingIt() throws {
        let run = temporaryRun("mpi-killed")
        let job = try MPIJob.Started(ranks: 2, [
            "pretrain", "--data", smallShards, "--output", run, "--max-seq-length", "64", "--batch-size", "2",
            "--steps", "100000", "--log-every", "1", "--checkpoint-every", "5", "--config", Self.config,
        ])
        let process = job.process
        // Wait until a checkpoint exists and training goes on, then kill rank 1.
        let deadline = Date().addingTimeInterval(120)
        while CheckpointStore.latest(run: run) == nil && Date() < deadline && process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        guard let victim = MPIJob.rankProcess(of: process.processIdentifier, rank: 1) else {
            Issue.record("rank 1 of the job was not found among mpirun's children")
            kill(process.processIdentifier, SIGTERM)
            _ = try job.finish()
            return
        }
        kill(victim, SIGKILL)
        let killed = Date()
        while process.isRunning && Date().timeIntervalSince(killed) < 30 { Thread.sleep(forTimeInterval: 0.05) }
        let seconds = Date().timeIntervalSince(killed)
        #expect(!process.isRunning, "the job still runs 30 s after rank 1 was killed")
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }   // mpirun passes it on to the ranks
        let (status, text) = try job.finish()
        print(String(format: "rank 1 killed: the job stopped after %.2f s with status %d", seconds, status))
        #expect(seconds < 10)
        #expect(status != 0)
        #expect(text.contains("rank 1"), "the message does not name rank 1:\n\(text.suffix(2000))")
        // The last checkpoint stays loadable and resumable.
        let latest = try #require(CheckpointStore.latest(run: run))
        let state = try Pretrainer.readState(checkpoint: latest)
        #expect(state.step >= 5 && state.step % 5 == 0)
    }
}
