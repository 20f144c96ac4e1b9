// DownloadError: why a download could not be done, each message naming the file or address and the fix.

/// A download that failed; `description` is the whole message for the user.
public enum DownloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The server has no such file (HTTP 404); `hint` says what to pass instead.
    case notFound(url: String, hint: String)
    /// The server answered with an error status that retrying will not mend.
    case httpStatus(url: String, status: Int)
    /// No connection could be made (no network, unknown host, connection refused).
    case unreachable(url: String, reason: String)
    /// The transfer kept failing; what arrived is kept in `partial` for the next run.
    case connectionFailed(url: String, reason: String, attempts: Int, partial: String, bytes: Int)
    /// A small file (a checksum list) could not be fetched however often it was tried.
    case fetchFailed(url: String, reason: String, attempts: Int)
    /// The downloaded file does not have the checksum the dump site lists; it was deleted.
    case checksumMismatch(file: String, algorithm: String, expected: String, actual: String, url: String)
    /// A checksum list does not mention a file the download needs.
    case notListed(file: String, list: String, hint: String)
    /// A checksum list is not in the `HEX  filename` format.
    case malformedChecksumList(url: String, line: Int)
    /// A file or directory cannot be created or written.
    case notWritable(path: String, reason: String)
    /// The disk filled up while writing `path`; what was written so far is kept.
    case diskFull(path: String, bytes: Int)
    /// The server answered something a download cannot use.
    case invalidResponse(url: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let url, let hint):
            return "\(url) does not exist (HTTP 404): \(hint)"
        case .httpStatus(let url, let status):
            return "\(url) answered HTTP \(status): try again later, or pass --mirror URL for another dump mirror "
                + "(listed at https://dumps.wikimedia.org/mirrors.html)"
        case .unreachable(let url, let reason):
            return "cannot reach \(url) (\(reason)): check the network connection, or pass --mirror URL for another "
                + "dump mirror (listed at https://dumps.wikimedia.org/mirrors.html)"
        case .connectionFailed(let url, let reason, let attempts, let partial, let bytes):
            return "the download of \(url) failed \(attempts) times in a row (last: \(reason)); the \(bytes) bytes "
                + "received are kept in \(partial): run the same command again to resume"
        case .fetchFailed(let url, let reason, let attempts):
            return "fetching \(url) failed \(attempts) times in a row (last: \(reason)): check the network connection and "
                + "try again, or pass --mirror URL for another dump mirror (listed at https://dumps.wikimedia.org/mirrors.html)"
        case .checksumMismatch(let file, let algorithm, let expected, let actual, let url):
            return "\(file) has \(algorithm) \(actual) but the dump site lists \(expected) for \(url); the damaged "
                + "download was deleted: run the command again to download it afresh, and if it fails again "
                + "pass --mirror URL for another copy"
        case .notListed(let file, let list, let hint):
            return "\(list) does not list \(file): \(hint)"
        case .malformedChecksumList(let url, let line):
            return "\(url):\(line): not a checksum line (\"HEX  filename\"): check that --mirror points at a dump mirror"
        case .notWritable(let path, let reason):
            return "cannot write \(path): \(reason); pass a writable directory with --output"
        case .diskFull(let path, let bytes):
            return "no space left on the device for \(path) (\(bytes) bytes written and kept): free some space, "
                + "then run the same command again to resume"
        case .invalidResponse(let url, let reason):
            return "\(url): \(reason); try again later, or pass --mirror URL for another dump mirror"
        }
    }
}
