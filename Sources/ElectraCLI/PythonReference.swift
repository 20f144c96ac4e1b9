// PythonReference: runs a reference benchmark script (PyTorch, Hugging Face tokenizers) between our
// own measurement rounds, so both sides see the same machine state.

import Foundation

/// A Python interpreter with the reference libraries, and the script that measures them.
struct PythonReference {
    let python: String
    let script: String

    /// Finds the interpreter: the given path, else `.venv-ref/bin/python` when present. `nil` when
    /// neither exists, when `python` is `none`, or when the script is missing.
    init?(python: String?, script: String) {
        if python == "none" { return nil }
        let candidate = python ?? ".venv-ref/bin/python"
        guard FileManager.default.isExecutableFile(atPath: candidate),
              FileManager.default.fileExists(atPath: script) else { return nil }
        self.python = candidate
        self.script = script
    }

    /// Runs the script with `arguments`; it prints one JSON object of numbers.
    func run(_ arguments: [String]) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let values = try? JSONSerialization.jsonObject(with: data) as? [String: Double] else {
            throw CommandError("the reference script \(script) failed (exit \(process.terminationStatus)); "
                + "run `\(python) \(script) \(arguments.joined(separator: " "))` to see why, or pass --python none")
        }
        return values
    }
}
