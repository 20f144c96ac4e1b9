// Fixtures: the PyTorch reference files in Tests/Fixtures, written by scripts/make_fixtures.py.

import ElectraTensor
import Foundation

/// Access to committed reference outputs.
public enum Fixtures {
    /// `Tests/Fixtures`, found from this source file's location.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Opens `Tests/Fixtures/<name>`.
    public static func open(_ name: String) throws -> SafetensorsFile {
        try SafetensorsFile(path: directory.appendingPathComponent(name).path)
    }

    /// The repository's `data/` folder (the bundled corpus).
    public static var data: URL {
        directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data")
    }

    /// The bundled novel, *Pride and Prejudice*.
    public static var novel: URL { data.appendingPathComponent("text/pride-and-prejudice-pg1342.txt") }
}
