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

    /// The shared data folder `../shared/data` beside the repository, if present.
    public static var sharedData: URL {
        directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data")
    }
}
