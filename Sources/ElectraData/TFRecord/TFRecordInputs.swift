// TFRecordInputs: the TFRecord files named by `electra prepare --from-tfrecord` (files, directories,
// or glob patterns the shell left unexpanded).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Expands `--from-tfrecord` arguments into the list of files to read.
public enum TFRecordInputs {
    /// The files named by `patterns`, in order, each at most once: an existing file stands for
    /// itself; a directory for the files directly in it whose names contain `tfrecord` (any case),
    /// sorted; anything else is a glob pattern (`*`, `?`, `[…]`), its matches sorted.
    /// - Throws: `TFRecordError.noMatch` for a pattern or directory that names no file.
    public static func files(_ patterns: [String]) throws -> [String] {
        var files: [String] = []
        var seen = Set<String>()
        for pattern in patterns {
            var isDirectory: ObjCBool = false
            var matched: [String]
            if FileManager.default.fileExists(atPath: pattern, isDirectory: &isDirectory) {
                matched = isDirectory.boolValue ? try directoryFiles(pattern) : [pattern]
            } else {
                matched = expand(pattern)
            }
            matched = matched.filter { seen.insert($0).inserted }
            guard !matched.isEmpty else { throw TFRecordError.noMatch(pattern: pattern) }
            files += matched
        }
        return files
    }

    /// The directory's regular files whose names contain `tfrecord`, sorted by name.
    private static func directoryFiles(_ directory: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw TFRecordError.unreadable(path: directory, reason: "cannot list the directory")
        }
        let base = ShardSetWriter.slashed(directory)
        return names.filter { !$0.hasPrefix(".") && $0.lowercased().contains("tfrecord") }.sorted()
            .map { base + $0 }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
    }

    /// The regular files matching a glob pattern, sorted.
    private static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let path = result.gl_pathv[index] else { continue }
            let name = String(cString: path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue {
                paths.append(name)
            }
        }
        return paths.sorted()
    }
}
