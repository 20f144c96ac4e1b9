// BufferedFile: buffered sequential file output and input over POSIX descriptors, and the
// write-to-a-temporary-name-then-rename step, for shards and the manifest.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's message for the current `errno`.
func systemErrorMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// A file written through a buffer. Errors are `ShardError.writeFailed` naming the file.
final class BufferedOutputFile {
    let path: String
    private var descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    /// Bytes written through the buffer so far.
    private(set) var bytesWritten = 0

    /// Creates (or truncates) `path`.
    init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ShardError.writeFailed(path: path, reason: systemErrorMessage()) }
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        buffer.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if used + bytes.count > buffer.count { try flush() }
        if bytes.count > buffer.count {
            try writeAll(bytes)
        } else if let base = bytes.baseAddress {
            (buffer.baseAddress! + used).copyMemory(from: base, byteCount: bytes.count)
            used += bytes.count
        }
        bytesWritten += bytes.count
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Room for `count` bytes at the end of the buffer, filled by `body`; `count` must not exceed the
    /// buffer size.
    func append(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) throws {
        precondition(count <= buffer.count, "append(count:) asks for more than the buffer holds")
        if used + count > buffer.count { try flush() }
        body(UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + count)]))
        used += count
        bytesWritten += count
    }

    func flush() throws {
        guard used > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
        used = 0
    }

    /// Writes `bytes` at `offset`, bypassing the buffer (for a header written last).
    func write(_ bytes: [UInt8], at offset: Int) throws {
        try flush()
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let count = pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ShardError.writeFailed(path: path, reason: systemErrorMessage())
                }
                done += count
            }
        }
    }

    /// Flushes, syncs to disk and closes.
    func syncAndClose() throws {
        try flush()
        guard fsync(descriptor) == 0 else { throw ShardError.writeFailed(path: path, reason: systemErrorMessage()) }
        close(descriptor)
        descriptor = -1
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let count = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw ShardError.writeFailed(path: path, reason: systemErrorMessage())
            }
            done += count
        }
    }
}

/// The C `write`, under a name that methods called `write` do not shadow.
@inline(__always)
private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}

/// A file read sequentially through a buffer.
final class BufferedInputFile {
    let path: String
    private let descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var endOfFile = false

    init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ShardError.unreadable(path: path, reason: systemErrorMessage()) }
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// The next `count` bytes (at most the buffer size), valid until the next call; `nil` at the end
    /// of the file. A file that ends inside the request is an error.
    func next(_ count: Int) throws -> UnsafeRawBufferPointer? {
        precondition(count <= buffer.count, "next(_:) asks for more than the buffer holds")
        while end - start < count {
            if endOfFile {
                if start == end { return nil }
                throw ShardError.corrupt(path: path, part: "record length")
            }
            try refill()
        }
        defer { start += count }
        return UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)])
    }

    private func refill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
            start = 0
            end = pending
        }
        while true {
            let count = read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw ShardError.unreadable(path: path, reason: systemErrorMessage())
            }
            if count == 0 { endOfFile = true } else { end += count }
            return
        }
    }
}

/// Durable file replacement: renames `temporary` to `path` and syncs the directory, so that after a
/// crash either the old file or the whole new one is there.
func replaceFile(_ path: String, with temporary: String) throws {
    guard rename(temporary, path) == 0 else {
        throw ShardError.writeFailed(path: path, reason: "cannot rename \(temporary): \(systemErrorMessage())")
    }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let descriptor = open(directory, O_RDONLY)
    if descriptor >= 0 {
        _ = fsync(descriptor)
        close(descriptor)
    }
}
