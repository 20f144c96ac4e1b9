// HTTPTransfer: one HTTP GET through Foundation's URLSession (libcurl's FoundationNetworking on
// Linux), its body handed over piece by piece as it arrives, so that a 20 GB dump is written to disk
// without being held in memory.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The status line and headers of a response.
struct HTTPResponseHead: Sendable {
    let status: Int
    /// Header values by lowercased name.
    let headers: [String: String]

    init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
    }

    init(_ response: HTTPURLResponse) {
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            headers[String(describing: name).lowercased()] = String(describing: value)
        }
        self.init(status: response.statusCode, headers: headers)
    }

    /// `Content-Length`, when sent.
    var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }
}

/// How a transfer ended: the response head when one arrived, and the error that ended it early.
struct HTTPTransferResult: Sendable {
    let head: HTTPResponseHead?
    /// The transport's error (a dropped connection, a timeout, a cancellation …), or nil when the body
    /// arrived whole.
    let transportError: URLError?
    /// The error `onHead` or `onBody` threw, which cancelled the transfer.
    let handlerError: DownloadError?
}

/// Runs GET requests one at a time, blocking the caller until each ends.
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var onHead: (HTTPResponseHead) throws(DownloadError) -> Bool = { _ in true }
    private var onBody: (Data) throws(DownloadError) -> Void = { _ in }
    private var head: HTTPResponseHead?
    private var handlerError: DownloadError?
    private var transportError: URLError?
    private var session: URLSession?

    /// - Parameter stallTimeout: seconds without a byte after which a transfer fails (and may be retried).
    init(stallTimeout: Double) {
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = stallTimeout
        configuration.timeoutIntervalForResource = 365 * 86_400
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.urlCache = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        // One session for all the requests, so that successive ranges reuse the connection.
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
    }

    /// Ends the session (which holds this delegate until then).
    func close() {
        session?.finishTasksAndInvalidate()
        session = nil
    }

    /// GETs `url` with `headers`; `onHead` sees the status and headers before any body byte and
    /// returns whether to take the body (false cancels the transfer, an error thrown cancels it and is
    /// kept), `onBody` gets the body's pieces in order (on one thread at a time). The call returns
    /// once every piece has been handed over.
    func get(_ url: URL, headers: [String: String],
             onHead: @escaping (HTTPResponseHead) throws(DownloadError) -> Bool,
             onBody: @escaping (Data) throws(DownloadError) -> Void) -> HTTPTransferResult {
        guard let session else { preconditionFailure("HTTPTransfer used after close()") }
        lock.withLock {
            self.onHead = onHead
            self.onBody = onBody
            head = nil
            handlerError = nil
            transportError = nil
        }
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        // The bytes as stored: a compressed transfer encoding would break byte ranges.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        session.dataTask(with: request).resume()
        done.wait()
        return lock.withLock { HTTPTransferResult(head: head, transportError: transportError, handlerError: handlerError) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let response = response as? HTTPURLResponse else {
            lock.withLock { handlerError = .invalidResponse(url: dataTask.originalRequest?.url?.absoluteString ?? "", reason: "not an HTTP response") }
            completionHandler(.cancel)
            return
        }
        let head = HTTPResponseHead(response)
        let handler = lock.withLock { self.head = head; return onHead }
        do throws(DownloadError) {
            completionHandler(try handler(head) ? .allow : .cancel)
        } catch {
            lock.withLock { handlerError = error }
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let handler: ((Data) throws(DownloadError) -> Void)? = lock.withLock { handlerError == nil ? onBody : nil }
        guard let handler else { return }
        do throws(DownloadError) {
            try handler(data)
        } catch {
            lock.withLock { handlerError = error }
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.withLock {
            if let error, handlerError == nil {
                transportError = (error as? URLError) ?? URLError(.unknown, userInfo: [NSLocalizedDescriptionKey: "\(error)"])
            }
        }
        done.signal()
    }
}
