// Running `electra` in-process for the command-line tests, and scratch paths for their outputs.

@testable import ElectraCLI
import Foundation
import Testing

/// Parses and runs `arguments` as `electra` does; returns the message it would print for the error it
/// ends in, or "" when it succeeds. A failure must also exit non-zero.
func commandOutcome(_ arguments: [String]) -> String {
    do {
        var command = try ElectraCommand.parseAsRoot(arguments)
        try command.run()
        return ""
    } catch {
        #expect(ElectraCommand.exitCode(for: error) != .success)
        return ElectraCommand.message(for: error)
    }
}

/// A fresh path in the temporary directory, not created.
func scratchPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("electra-cli-\(name)-\(UUID().uuidString)").path
}

/// A fresh, empty directory in the temporary directory.
func temporaryDirectory(_ name: String) -> String {
    let path = scratchPath(name)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
