// MPIJob: runs the built `electra` binary alone or under `mpirun` for the multi-rank tests.

import Foundation
import Testing
import _TestSupport

enum MPIJob {
    /// `mpirun` on the PATH, or nil (the multi-rank tests then skip, saying why).
    static let mpirun: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The `electra` binary of this build configuration (scripts/test.sh builds it).
    static let binary: String = {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        return Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/\(configuration)/electra").path
    }()

    static var available: Bool { mpirun != nil && FileManager.default.isExecutableFile(atPath: binary) }
    static let skipReason: Comment = "needs mpirun (apt-get install openmpi-bin) and the electra binary (scripts/test.sh builds it)"

    /// The launch of `arguments` on `ranks` ranks (directly when 1).
    static func process(ranks: Int, _ arguments: [String]) -> Process {
        let process = Process()
        if ranks == 1 {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: mpirun!)
            // One thread per rank keeps the ranks of this 2-core machine from fighting over cores.
            process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), "-x", "ELECTRA_NUM_THREADS=1",
                                 binary] + arguments
        }
        return process
    }

    /// A started job of `arguments` on `ranks` ranks, its output going to a temporary log.
    final class Started {
        let process: Process
        let log: URL
        private let handle: FileHandle

        init(ranks: Int, _ arguments: [String]) throws {
            process = MPIJob.process(ranks: ranks, arguments)
            log = FileManager.default.temporaryDirectory.appendingPathComponent("electra-mpi-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Waits for the end; returns the exit status and the output.
        func finish() throws -> (status: Int32, output: String) {
            process.waitUntilExit()
            try handle.close()
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: log)
            return (process.terminationStatus, text)
        }
    }

    /// Runs `arguments` on `ranks` ranks to the end; returns the exit status and the output.
    @discardableResult
    static func run(ranks: Int, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try Started(ranks: ranks, arguments).finish()
    }

    /// The processes whose parent is `parent` and whose environment says they are rank `rank`.
    static func rankProcess(of parent: Int32, rank: Int) -> Int32? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for name in names {
            guard let pid = Int32(name),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == parent,
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }
}
