// `mpirun -np N electra prepare`: the ranks prepare their parts and rank 0 merges them into the
// shards one process writes. Skipped (with the reason) where mpirun is not installed.

import Foundation
import Testing
import _TestSupport

@Suite("Prepare over MPI", .serialized, .enabled(if: MPIJob.available, MPIJob.skipReason))
struct PrepareMPITests {
    @Test func twoRanksWriteTheShardsOfOneProcess() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("electra-prepare-mpi-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let arguments = ["prepare", Fixtures.novel.path, "--format", "paragraphs", "--max-seq-length", "64", "--shards", "3"]
        let (single, singleText) = try MPIJob.run(ranks: 1, arguments + ["--output", root + "/single"])
        #expect(single == 0, "\(singleText)")
        let (status, text) = try MPIJob.run(ranks: 2, arguments + ["--output", root + "/ranks"])
        #expect(status == 0, "\(text)")
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/ranks").sorted()
        #expect(names == ["manifest.json", "shard-00000-of-00003.bin", "shard-00001-of-00003.bin", "shard-00002-of-00003.bin"])
        for name in names where name.hasSuffix(".bin") {
            #expect(FileManager.default.contents(atPath: root + "/ranks/" + name) == FileManager.default.contents(atPath: root + "/single/" + name),
                    "\(name)")
        }
        let (refused, message) = try MPIJob.run(ranks: 2, arguments + ["--part", "0/2", "--output", root + "/refused"])
        #expect(refused != 0 && message.contains("drop --part"), "\(message)")
    }
}
