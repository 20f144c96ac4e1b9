// TorchReference: runs a PyTorch benchmark script between our own measurement rounds.

import Foundation

/// A Python interpreter with torch, and the script that times the same items there.
struct TorchReference {
    let python: String
    let script: String

    /// Finds the interpreter: the `--torch-python` value, else `.venv-ref/bin/python` when present.
    /// `nil` when neither exists, when the option is `none`, or when the script is missing.
    init?(python: String?, script: String) {
        if python == "none" { return nil }
        let candidate = python ?? ".venv-ref/bin/python"
        guard FileManager.default.isExecutableFile(atPath: candidate),
              FileManager.default.fileExists(atPath: script) else { return nil }
        self.python = candidate
        self.script = script
    }

    /// Runs one round of the script; returns seconds per item, keyed by "name shape".
    func measure(tokens: Int) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--tokens", String(tokens)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let times = try? JSONSerialization.jsonObject(with: data) as? [String: Double] else {
            throw BenchmarkError.torchFailed(script: script, status: process.terminationStatus)
        }
        return times
    }
}

enum BenchmarkError: Error, CustomStringConvertible {
    case torchFailed(script: String, status: Int32)

    var description: String {
        switch self {
        case .torchFailed(let script, let status):
            return "the PyTorch reference \(script) failed (exit \(status)); run it by hand to see why, or pass --torch-python none"
        }
    }
}
