// AtomicWrite: every whole file the project writes goes through a temporary name that is synced and
// renamed into place, so after a crash a path holds either the old file or the complete new one.

import Foundation

/// Writing a file failed; the message names the file and what to check.
public struct FileWriteError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "cannot write \(path): \(reason); check that the folder exists, is writable and has free space"
    }
}

/// Writes `data` to `path` through `path.tmp`, synced and renamed into place.
public func writeAtomically(_ data: Data, to path: String) throws {
    let temporary = path + ".tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
        throw FileWriteError(path: temporary, reason: "cannot create it")
    }
    do {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw FileWriteError(path: temporary, reason: error.localizedDescription)
    }
    guard rename(temporary, path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(atPath: temporary)
        throw FileWriteError(path: path, reason: "cannot rename \(temporary) into place: \(reason)")
    }
}
