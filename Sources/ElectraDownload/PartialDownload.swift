// PartialDownload: the bytes of a download so far, in FILE.part, and what they must match to be
// resumed, in FILE.part.json (address, expected checksum, total length, ETag / Last-Modified). The
// final name appears only once the checksum matched (FileDownloader renames the .part into place).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ElectraTensor
import Foundation

/// What the bytes in a `.part` file were downloaded from; a resume continues them only when the
/// address and the expected checksum are the same, and asks the server (`If-Range`) to send the rest
/// only when the file there still has this ETag or Last-Modified date.
struct PartialDownloadRecord: Codable, Equatable, Sendable {
    var url: String
    var algorithm: ChecksumAlgorithm
    var digest: String
    var totalBytes: Int?
    var etag: String?
    var lastModified: String?

    /// The validator for `If-Range`: a strong ETag, else the Last-Modified date.
    var validator: String? {
        if let etag, !etag.hasPrefix("W/") { return etag }
        return lastModified
    }
}

/// `FILE.part` open for appending, and its record in `FILE.part.json`.
final class PartialDownload {
    let destination: String
    var partPath: String { destination + ".part" }
    var recordPath: String { destination + ".part.json" }
    private(set) var record: PartialDownloadRecord
    private(set) var size = 0
    /// Whether bytes already on disk were kept from an earlier run.
    private(set) var resumed = false
    private var descriptor: Int32 = -1

    /// Opens (or creates) `destination.part`; bytes kept from an earlier run survive only when its
    /// record matches `record`'s address and checksum.
    init(destination: String, record: PartialDownloadRecord) throws(DownloadError) {
        self.destination = destination
        self.record = record
        let saved = (try? Data(contentsOf: URL(fileURLWithPath: destination + ".part.json")))
            .flatMap { try? JSONDecoder().decode(PartialDownloadRecord.self, from: $0) }
        descriptor = open(destination + ".part", O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw .notWritable(path: destination + ".part", reason: Self.systemError()) }
        let end = lseek(descriptor, 0, SEEK_END)
        if let saved, saved.url == record.url, saved.algorithm == record.algorithm, saved.digest == record.digest, end > 0 {
            self.record = saved
            size = Int(end)
            resumed = true
        } else if end != 0 {
            try restart()
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Hashes the bytes already on disk into `checksum` (before appending to them).
    func hashContents(into checksum: inout RunningChecksum, progress: (Int) -> Void) throws(DownloadError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset = 0
        while offset < size {
            let count = pread(descriptor, buffer.baseAddress, min(buffer.count, size - offset), off_t(offset))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .notWritable(path: partPath, reason: "cannot read it back: \(Self.systemError())") }
            checksum.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            offset += count
            progress(offset)
        }
    }

    /// Empties the file to download from the first byte again.
    func restart() throws(DownloadError) {
        guard ftruncate(descriptor, 0) == 0 else { throw .notWritable(path: partPath, reason: Self.systemError()) }
        size = 0
        resumed = false
        record.totalBytes = nil
        record.etag = nil
        record.lastModified = nil
    }

    /// Records what the server said about the file (total length, validators) for a later resume.
    func update(totalBytes: Int?, etag: String?, lastModified: String?) throws(DownloadError) {
        record.totalBytes = totalBytes
        record.etag = etag
        record.lastModified = lastModified
        do {
            try writeAtomically(try JSONEncoder().encode(record), to: recordPath)
        } catch {
            throw .notWritable(path: recordPath, reason: "\(error)")
        }
    }

    /// Appends `data` at the end.
    func append(_ data: Data) throws(DownloadError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = pwrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(size + offset))
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                offset += written
            }
            size += offset
        }
        if failure == ENOSPC || failure == EDQUOT { throw .diskFull(path: partPath, bytes: size) }
        if failure != 0 { throw .notWritable(path: partPath, reason: String(cString: strerror(failure))) }
    }

    /// Syncs the bytes and renames `FILE.part` to `FILE`; the record goes.
    func complete() throws(DownloadError) {
        guard fsync(descriptor) == 0 else { throw .notWritable(path: partPath, reason: Self.systemError()) }
        close(descriptor)
        descriptor = -1
        guard rename(partPath, destination) == 0 else {
            throw .notWritable(path: destination, reason: "cannot rename \(partPath) into place: \(Self.systemError())")
        }
        unlink(recordPath)
    }

    /// Deletes `FILE.part` and its record.
    func discard() {
        close(descriptor)
        descriptor = -1
        unlink(partPath)
        unlink(recordPath)
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
