// How a process learns it is a rank of an MPI job, how many threads a rank takes, and what a rank
// says when MPI is missing (checked with the built binary and a library that does not exist).

@testable import ElectraCLI
import ElectraDistributed
import Foundation
import Testing
import _TestSupport

@Suite("MPI launch") struct LaunchTests {
    @Test func aProcessOnItsOwnIsOneRank() {
        let launch = Launch(environment: [:])
        #expect(launch == Launch(environment: ["PATH": "/usr/bin"]))
        #expect(!launch.isDistributed && launch.size == 1 && launch.rank == 0 && launch.localSize == 1)
        #expect(launch.threadsPerRank(environment: [:], cores: 8) == 8)
    }

    @Test func openMPIsVariablesNameTheRankAndItsShareOfTheCores() {
        let environment = ["OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_RANK": "5", "OMPI_COMM_WORLD_LOCAL_SIZE": "4",
                           "OMPI_COMM_WORLD_LOCAL_RANK": "1"]
        let launch = Launch(environment: environment)
        #expect(launch.isDistributed && launch.size == 8 && launch.rank == 5 && launch.localSize == 4 && launch.localRank == 1)
        #expect(launch.threadsPerRank(environment: environment, cores: 16) == 4)
        #expect(launch.threadsPerRank(environment: environment, cores: 2) == 1, "at least one thread")
        #expect(launch.threadsPerRank(environment: environment.merging(["ELECTRA_NUM_THREADS": "3"]) { $1 }, cores: 16) == 3)
    }

    @Test func slurmsVariablesAreReadWhenOpenMPIsAreAbsent() {
        let launch = Launch(environment: ["SLURM_NTASKS": "4", "PMIX_RANK": "3", "SLURM_TASKS_PER_NODE": "2(x2)", "SLURM_LOCALID": "1"])
        #expect(launch.size == 4 && launch.rank == 3 && launch.localSize == 2 && launch.localRank == 1)
        #expect(Launch(environment: ["SLURM_NTASKS": "3", "PMIX_RANK": "0", "SLURM_TASKS_PER_NODE": "2,1"]).localSize == 1,
                "uneven nodes: unknown")
        #expect(!Launch(environment: ["SLURM_NTASKS": "4", "SLURM_PROCID": "1"]).isDistributed,
                "a Slurm job step without PMIx is not an MPI launch")
    }

    @Test func aRankWithoutMPIStopsWithTheFix() throws {
        let binary = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/release/electra").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("\(binary) is not built; run the tests through scripts/test.sh")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["pretrain", "--data", Fixtures.directory.path, "--output", FileManager.default.temporaryDirectory.path + "/never"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "0", "ELECTRA_MPI_LIBRARY": "/nonexistent/libmpi.so.40"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains("one rank of an MPI job") && output.contains("apt-get install openmpi-bin"), "\(output)")
        #expect(!output.contains("Fatal error") && !output.contains("Stack dump"), "\(output)")
    }
}
