// CorpusInputs: the text files named by `electra prepare`'s inputs (files, or directories of *.txt).

import Foundation

/// Expands input paths into the list of text files to read.
public enum CorpusInputs {
    /// The files named by `paths`, in order: a file stands for itself; a directory for every `*.txt`
    /// file beneath it (hidden files and folders skipped), sorted by path.
    /// - Throws: `CorpusError.missingInput` for a path that does not exist; `.noTextFiles` for a
    ///   directory without `*.txt` files.
    public static func files(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CorpusError.missingInput(path: path)
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let root = URL(fileURLWithPath: path, isDirectory: true)
            guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else {
                throw CorpusError.unreadable(path: path, reason: "cannot list the directory")
            }
            var found: [String] = []
            for case let url as URL in walker where url.pathExtension == "txt" {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                    let relative = String(url.path.dropFirst(root.path.count)).drop { $0 == "/" }
                    found.append((path.hasSuffix("/") ? path : path + "/") + relative)
                }
            }
            guard !found.isEmpty else { throw CorpusError.noTextFiles(directory: path) }
            files.append(contentsOf: found.sorted())
        }
        return files
    }

    /// The total size of `files` in bytes (0 for any that cannot be inspected).
    public static func totalBytes(_ files: [String]) -> Int {
        files.reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)??.intValue
            return total + (size ?? 0)
        }
    }
}
