// DataParallelOptions: how `electra pretrain` and `electra finetune squad` run as ranks of an MPI
// job (`mpirun -np N electra …`): the group, the gradient precision on the wire, and the messages.

import ArgumentParser
import Electra
import ElectraDistributed
import Foundation

extension AllReducePrecision: ExpressibleByArgument {}

struct DataParallelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Under mpirun: gradients travel between ranks as fp32, or bf16 (half the bytes, as NVIDIA's --fp16_compression; the update then differs slightly from one process's).",
        valueName: "fp32|bf16"))
    var allreducePrecision: AllReducePrecision = .fp32
    @Option(help: "Under mpirun: check that every rank holds the same weights every this many updates (and after the first).")
    var checkReplicasEvery = 100

    func validateOptions() throws {
        guard checkReplicasEvery >= 1 else { throw ValidationError("--check-replicas-every must be at least 1") }
    }

    /// Joins this process's group (one process unless launched by mpirun) and runs `body` with it;
    /// an error on a rank of several is prefixed with the rank, and MPI is finalized after success.
    func run(_ body: (DataParallelism) throws -> Void) throws {
        let communicator = try Launch.current.join()
        let parallelism = DataParallelism(communicator: communicator, precision: allreducePrecision, checkEvery: checkReplicasEvery)
        do {
            try body(parallelism)
        } catch where communicator.size > 1 {
            // mpirun ends the other ranks when this one exits with a failure status.
            throw CommandError("rank \(communicator.rank) of \(communicator.size): \(error)")
        }
        (communicator as? MPICommunicator)?.finish()
    }
}

extension ElectraCommand {
    /// Call first in `main`: a rank of an MPI job sets its thread pools to its share of the cores
    /// before any of them starts (see `Launch.configureThreads`).
    public static func prepareProcess() {
        Launch.current.configureThreads()
    }
}
