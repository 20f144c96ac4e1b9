// FileDownloader: one file over HTTP(S) into FILE.part, resumed with range requests after a dropped
// connection (in this run, with backoff) or an interrupted run (the next time), hashed as it is
// written, and renamed to FILE only when the hash matches the published checksum.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A file to fetch and the checksum it must have.
public struct DownloadRequest: Sendable {
    public var url: URL
    /// The final path; the bytes go to `destination.part` until they are verified.
    public var destination: String
    public var algorithm: ChecksumAlgorithm
    /// The expected digest, lowercase hexadecimal.
    public var digest: String
    /// What to tell the user when the server has no such file.
    public var notFoundHint: String

    public init(url: URL, destination: String, algorithm: ChecksumAlgorithm, digest: String, notFoundHint: String) {
        self.url = url
        self.destination = destination
        self.algorithm = algorithm
        self.digest = digest.lowercased()
        self.notFoundHint = notFoundHint
    }
}

/// How hard to try: consecutive failed attempts allowed, the backoff between them, and how long a
/// connection may stay silent.
public struct RetryPolicy: Sendable {
    /// Attempts in a row that may fail without a byte of progress before giving up.
    public var attempts: Int
    /// Seconds before the first retry; doubled after each further failure, up to `maximumDelay`.
    public var firstDelay: Double
    public var maximumDelay: Double
    /// Seconds without data after which a transfer counts as failed.
    public var stallTimeout: Double

    public init(attempts: Int = 8, firstDelay: Double = 1, maximumDelay: Double = 60, stallTimeout: Double = 60) {
        self.attempts = attempts
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.stallTimeout = stallTimeout
    }

    /// Seconds to wait after the `failures`-th failure in a row: `firstDelay · 2^(failures−1)`, capped.
    func delay(afterFailures failures: Int) -> Double {
        min(maximumDelay, firstDelay * Double(1 << min(max(failures - 1, 0), 30)))
    }
}

/// Where a download stands, reported as bytes arrive.
public struct DownloadProgress: Sendable {
    public enum Phase: Sendable { case checkingPartial, downloading }
    public let phase: Phase
    public let file: String
    /// Bytes in the file so far (checked so far, while checking the partial file).
    public let bytes: Int
    public let totalBytes: Int?
    /// Bytes received in this run, and the seconds since it started.
    public let bytesThisRun: Int
    public let seconds: Double
}

/// How a download went.
public struct DownloadOutcome: Sendable, Equatable {
    public let path: String
    public let bytes: Int
    /// Bytes kept from an earlier run.
    public let resumedFrom: Int
    /// Bytes received in this run.
    public let fetched: Int
    /// Transfers that failed and were retried.
    public let retries: Int
    /// The file was there already (verified earlier; nothing fetched).
    public let alreadyPresent: Bool
    public let seconds: Double
}

/// Downloads files one at a time with `policy`, in ranges of `segmentBytes`.
///
/// URLSession hands the body to its delegate through a queue that does not slow the connection down,
/// so a network faster than the disk and the hash would pile data up in memory; asking for one range
/// of `segmentBytes` at a time (on the same connection) bounds that to one range.
public struct FileDownloader: Sendable {
    public let policy: RetryPolicy
    /// Bytes asked for per request (64 MiB by default).
    public let segmentBytes: Int

    public init(policy: RetryPolicy = RetryPolicy(), segmentBytes: Int = 64 << 20) {
        precondition(segmentBytes > 0, "a segment holds at least one byte")
        self.policy = policy
        self.segmentBytes = segmentBytes
    }

    /// Fetches `request.url` to `request.destination`, verified; see the file header.
    public func download(_ request: DownloadRequest,
                         progress: @escaping (DownloadProgress) -> Void = { _ in }) throws(DownloadError) -> DownloadOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let seconds = { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let name = (request.destination as NSString).lastPathComponent
        let url = request.url.absoluteString
        if FileManager.default.fileExists(atPath: request.destination) {
            let size = (try? FileManager.default.attributesOfItem(atPath: request.destination)[.size] as? Int) ?? 0
            return DownloadOutcome(path: request.destination, bytes: size, resumedFrom: 0, fetched: 0, retries: 0, alreadyPresent: true, seconds: 0)
        }
        let part = try PartialDownload(destination: request.destination,
                                       record: PartialDownloadRecord(url: url, algorithm: request.algorithm, digest: request.digest))
        var checksum = RunningChecksum(request.algorithm)
        try part.hashContents(into: &checksum) { checked in
            progress(DownloadProgress(phase: .checkingPartial, file: name, bytes: checked, totalBytes: part.size,
                                      bytesThisRun: 0, seconds: seconds()))
        }
        var resumedFrom = part.size
        var bytesThisRun = 0, failures = 0, retries = 0, connected = false
        let transfer = HTTPTransfer(stallTimeout: policy.stallTimeout)
        defer { transfer.close() }
        let startOver = { () throws(DownloadError) in
            try part.restart()
            checksum = RunningChecksum(request.algorithm)
            resumedFrom = 0
        }
        while true {
            if let total = part.record.totalBytes {
                if part.size == total { break }
                if part.size > total { try startOver() }
            }
            var headers = ["Range": "bytes=\(part.size)-\(part.size + segmentBytes - 1)"]
            if part.size > 0, let validator = part.record.validator { headers["If-Range"] = validator }
            let before = part.size
            var setback: String?    // why this attempt failed though the transport did not
            var complete = false    // a 416 confirming that the bytes on disk are the whole file
            var end: Int?           // where the body of this response ends in the file
            let result = transfer.get(request.url, headers: headers, onHead: { head throws(DownloadError) in
                switch head.status {
                case 200:
                    if part.size > 0 { try startOver() }
                    try part.update(totalBytes: head.contentLength, etag: head.headers["etag"], lastModified: head.headers["last-modified"])
                    end = head.contentLength
                    return true
                case 206:
                    guard let range = ContentRange(head.headers["content-range"] ?? ""), range.first == part.size,
                          part.record.totalBytes.map({ $0 == range.total }) ?? true else {
                        setback = "the server sent bytes that do not continue the partial file (Content-Range: "
                            + "\(head.headers["content-range"] ?? "none")); starting over"
                        try startOver()
                        return false
                    }
                    try part.update(totalBytes: range.total, etag: head.headers["etag"] ?? part.record.etag,
                                    lastModified: head.headers["last-modified"] ?? part.record.lastModified)
                    end = range.last + 1
                    return true
                case 416:
                    if let total = ContentRange.unsatisfiedTotal(head.headers["content-range"] ?? ""), total == part.size {
                        try part.update(totalBytes: total, etag: part.record.etag, lastModified: part.record.lastModified)
                        complete = true
                    } else {
                        setback = "the server's file is shorter than the partial one (HTTP 416); starting over"
                        try startOver()
                    }
                    return false
                case 404, 410:
                    throw .notFound(url: url, hint: request.notFoundHint)
                case 408, 425, 429, 500...599:
                    setback = "HTTP \(head.status)"
                    return false
                default:
                    throw .httpStatus(url: url, status: head.status)
                }
            }, onBody: { data throws(DownloadError) in
                try part.append(data)
                data.withUnsafeBytes { checksum.update($0) }
                bytesThisRun += data.count
                progress(DownloadProgress(phase: .downloading, file: name, bytes: part.size, totalBytes: part.record.totalBytes,
                                          bytesThisRun: bytesThisRun, seconds: seconds()))
            })
            if let error = result.handlerError { throw error }
            if part.size > before { failures = 0 }
            if complete { continue }
            var failure = setback
            if failure == nil, let error = result.transportError {
                if !connected && result.head == nil && Self.isUnreachable(error) {
                    throw .unreachable(url: url, reason: Self.describe(error, stallTimeout: policy.stallTimeout))
                }
                failure = Self.describe(error, stallTimeout: policy.stallTimeout)
                // libcurl's "partial file" (the server closed the connection early) arrives as an unknown error.
                if result.head != nil, [.unknown, .networkConnectionLost].contains(error.code), let total = part.record.totalBytes {
                    failure = "the connection dropped at byte \(part.size) of \(total)"
                }
            }
            if failure == nil {
                if let end, part.size < end {
                    failure = "the connection dropped at byte \(part.size) of \(part.record.totalBytes ?? end)"
                } else if part.record.totalBytes == nil {
                    break   // no length announced: the end is the end
                } else {
                    connected = true
                    continue   // the next range, or done
                }
            }
            connected = connected || result.head != nil
            failures += 1
            retries += 1
            guard failures < policy.attempts else {
                throw .connectionFailed(url: url, reason: failure ?? "", attempts: failures, partial: part.partPath, bytes: part.size)
            }
            Thread.sleep(forTimeInterval: policy.delay(afterFailures: failures))
        }
        let actual = checksum.hexDigest()
        guard actual == request.digest else {
            part.discard()
            throw .checksumMismatch(file: request.destination, algorithm: request.algorithm.displayName,
                                    expected: request.digest, actual: actual, url: url)
        }
        try part.complete()
        return DownloadOutcome(path: request.destination, bytes: part.size, resumedFrom: resumedFrom, fetched: bytesThisRun, retries: retries,
                               alreadyPresent: false, seconds: seconds())
    }

    /// Fetches a small text file (a checksum list) whole, retrying as a download does; nil when the
    /// server has no such file (HTTP 404).
    public func fetchText(_ url: URL, limit: Int = 4 << 20) throws(DownloadError) -> String? {
        let transfer = HTTPTransfer(stallTimeout: policy.stallTimeout)
        defer { transfer.close() }
        var failures = 0
        while true {
            var body = Data(), missing = false, setback: String?
            let result = transfer.get(url, headers: [:], onHead: { head throws(DownloadError) in
                switch head.status {
                case 200: return true
                case 404, 410: missing = true; return false
                case 408, 425, 429, 500...599: setback = "HTTP \(head.status)"; return false
                default: throw .httpStatus(url: url.absoluteString, status: head.status)
                }
            }, onBody: { data throws(DownloadError) in
                body.append(data)
                guard body.count <= limit else {
                    throw .invalidResponse(url: url.absoluteString, reason: "longer than \(limit) bytes, so not a checksum list")
                }
            })
            if let error = result.handlerError { throw error }
            if missing { return nil }
            var failure = setback
            if failure == nil, let error = result.transportError {
                if result.head == nil && Self.isUnreachable(error) {
                    throw .unreachable(url: url.absoluteString, reason: Self.describe(error, stallTimeout: policy.stallTimeout))
                }
                failure = Self.describe(error, stallTimeout: policy.stallTimeout)
            }
            if failure == nil, let length = result.head?.contentLength, body.count < length {
                failure = "the connection dropped at byte \(body.count) of \(length)"
            }
            guard let failure else {
                guard let text = String(data: body, encoding: .utf8) else {
                    throw .invalidResponse(url: url.absoluteString, reason: "not UTF-8 text, so not a checksum list")
                }
                return text
            }
            failures += 1
            guard failures < policy.attempts else {
                throw .fetchFailed(url: url.absoluteString, reason: failure, attempts: failures)
            }
            Thread.sleep(forTimeInterval: policy.delay(afterFailures: failures))
        }
    }

    /// Errors that mean no connection can be made at all: not worth retrying. FoundationNetworking
    /// reports TLS failures as unknown errors with libcurl's message, hence the look at the text.
    static func isUnreachable(_ error: URLError) -> Bool {
        if [.cannotFindHost, .cannotConnectToHost, .notConnectedToInternet, .dnsLookupFailed, .secureConnectionFailed,
            .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .unsupportedURL]
            .contains(error.code) { return true }
        let text = transportMessage(error)?.lowercased() ?? ""
        return text.contains("ssl") || text.contains("certificate") || text.contains("tls")
    }

    /// libcurl's own words for the error, as FoundationNetworking passes them on.
    static func transportMessage(_ error: URLError) -> String? {
        guard let text = error.userInfo[NSLocalizedDescriptionKey] as? String, !text.isEmpty else { return nil }
        return text
    }

    /// A transport error in words.
    static func describe(_ error: URLError, stallTimeout: Double) -> String {
        switch error.code {
        case .networkConnectionLost: return "the connection was lost"
        case .timedOut: return "no data for \(Int(stallTimeout.rounded())) s"
        case .cannotFindHost, .dnsLookupFailed: return "unknown host \(error.failingURL?.host ?? "")"
        case .cannotConnectToHost: return "connection refused"
        case .notConnectedToInternet: return "not connected to the internet"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid:
            return "the TLS connection failed"
        default: return transportMessage(error) ?? "URL error \(error.code.rawValue)"
        }
    }
}

/// A `Content-Range: bytes FIRST-LAST/TOTAL` header (RFC 9110, section 14.4).
struct ContentRange: Equatable {
    let first: Int
    let last: Int
    let total: Int

    init?(_ value: String) {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let total = Int(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-")
        guard bounds.count == 2, let first = Int(bounds[0]), let last = Int(bounds[1]), first <= last, last < total else { return nil }
        (self.first, self.last, self.total) = (first, last, total)
    }

    /// TOTAL of `bytes */TOTAL`, the form a 416 answer carries.
    static func unsatisfiedTotal(_ value: String) -> Int? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes */") else { return nil }
        return Int(text.dropFirst(8))
    }
}
