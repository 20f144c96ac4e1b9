// WikiOutputFiles: the text files an extraction writes (`wiki_00000.txt`, …), each under a temporary
// name until complete.

import Foundation

/// Writes articles into numbered files of about `maxFileBytes`.
final class WikiOutputFiles {
    let directory: String
    let maxFileBytes: Int
    /// The completed files' paths, in order.
    private(set) var files: [String] = []
    /// Bytes written to every file.
    private(set) var bytesWritten = 0
    private var current: BufferedOutputFile?
    private var currentPath = ""

    init(directory: String, maxFileBytes: Int) {
        self.directory = directory
        self.maxFileBytes = maxFileBytes
    }

    deinit { discard() }

    /// Appends one article: its paragraphs one per line, a blank line between them, two after.
    func write(article paragraphs: [String]) throws {
        if current == nil {
            currentPath = (directory.hasSuffix("/") ? directory : directory + "/") + String(format: "wiki_%05d.txt", files.count)
            current = try wrap { try BufferedOutputFile(path: currentPath + ".tmp") }
        }
        let text = paragraphs.joined(separator: "\n\n") + "\n\n\n"
        try wrap { try current!.write(Array(text.utf8)) }
        bytesWritten += text.utf8.count
        if current!.bytesWritten >= maxFileBytes { try closeCurrent() }
    }

    /// Completes the last file.
    func finish() throws {
        if current != nil { try closeCurrent() }
    }

    /// Deletes the file being written (completed files stay).
    func discard() {
        if current != nil {
            current = nil
            try? FileManager.default.removeItem(atPath: currentPath + ".tmp")
        }
    }

    private func closeCurrent() throws {
        try wrap {
            try current!.syncAndClose()
            try replaceFile(currentPath, with: currentPath + ".tmp")
        }
        current = nil
        files.append(currentPath)
    }

    /// Shard-writing errors, reported as the extraction's.
    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ShardError {
            throw WikiDumpError.outputNotWritable(path: currentPath, reason: error.description)
        }
    }
}
