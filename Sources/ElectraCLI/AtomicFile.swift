// AtomicFile: writes a file under a temporary name, syncs it, then renames it into place, so a crash
// never leaves a partial file under the final name.

import Foundation

enum AtomicFile {
    /// Writes `data` to `path` atomically.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CommandError("cannot write \(temporary): check that the folder exists and is writable")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if rename(temporary, path) != 0 {
            throw CommandError("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
