// TestDirectory: a fresh temporary directory per test, removed afterwards; and small file helpers.

import Foundation

/// A new empty directory under the system's temporary directory, deleted when released.
public final class TestDirectory {
    public let path: String

    public init(_ label: String = #function) {
        let name = "electra-\(label.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8))"
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) -> String {
        let target = file(name)
        _ = FileManager.default.createFile(atPath: target, contents: Data(bytes))
        return target
    }

    /// Writes `text` as UTF-8 to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        write(name, Array(text.utf8))
    }

    /// The names in the directory, sorted.
    public func names() -> [String] { Self.names(in: path) }

    /// The names in `directory`, sorted (none when it does not exist).
    public static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}
