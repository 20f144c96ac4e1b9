// `mpirun -np N electra prepare …`: each rank prepares its part of the documents, then rank 0 merges
// the parts into the shards one process would write.

import ArgumentParser
import ElectraData
import ElectraDistributed
import Foundation

extension PrepareCommand {
    /// Under mpirun: rank *r* of *n* prepares part *r/n* into `OUTPUT/parts` (a directory every rank
    /// sees: one machine, or a shared file system), all wait for each other, rank 0 merges into
    /// `OUTPUT` and removes the parts.
    func prepareAsRanks(_ launch: Launch) throws {
        guard part == nil else {
            throw ValidationError("under mpirun each rank prepares its own part: drop --part (or run without mpirun)")
        }
        let communicator = try launch.join()
        let parts = (output.hasSuffix("/") ? output : output + "/") + "parts"
        do {
            if communicator.isLeader {
                print("electra prepare: \(communicator.size) ranks (\(communicator.name)), each preparing its part into \(parts)")
            }
            try prepareText(part: PreparePart(index: communicator.rank, count: communicator.size), into: parts, reports: false)
            try communicator.barrier()
            if communicator.isLeader {
                var merging = self
                merging.inputs = [parts]
                try merging.mergeParts()
                try? FileManager.default.removeItem(atPath: parts)
            }
            try communicator.barrier()
        } catch {
            // mpirun ends the other ranks when this one exits with a failure status.
            throw CommandError("rank \(communicator.rank) of \(communicator.size): \(error)")
        }
        (communicator as? MPICommunicator)?.finish()
    }
}
