// LocalHTTPServer: a small HTTP/1.1 server on 127.0.0.1 for the download tests, on POSIX sockets, so
// that no test needs the internet. It serves files from memory with byte ranges (`Range`, `If-Range`,
// `206`/`416`), and can misbehave on purpose: drop the connection after a number of body bytes, or
// ignore `Range` and send the whole file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

#if canImport(Darwin)
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0   // SIGPIPE is ignored per socket (SO_NOSIGPIPE) below
#else
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
#endif

/// An HTTP server on a free port of 127.0.0.1, answering one connection at a time on its own thread.
public final class LocalHTTPServer: @unchecked Sendable {
    /// A file the server holds.
    public struct Resource: Sendable {
        public var body: [UInt8]
        /// Sent as `ETag`; `If-Range` must match it for a range to be honoured.
        public var etag: String

        public init(body: [UInt8], etag: String) {
            self.body = body
            self.etag = etag
        }
    }

    /// A request as it arrived: the path and the headers (names lowercased).
    public struct Request: Sendable {
        public let path: String
        public let headers: [String: String]
    }

    /// The port the server listens on.
    public let port: UInt16
    /// `http://127.0.0.1:PORT/`.
    public var baseURL: String { "http://127.0.0.1:\(port)/" }

    private let listener: Int32
    private let lock = NSLock()
    private var resources: [String: Resource]
    private var drops: [Int] = []
    private var ignoring = false
    private var received: [Request] = []
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts serving `resources` (keys are paths such as `/enwiki/20260101/file`).
    public init(resources: [String: Resource]) throws {
        self.resources = resources
        let socket = socket(AF_INET, streamSocket, 0)
        guard socket >= 0 else { throw ServerError.socket("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 16) == 0 else {
            close(socket)
            throw ServerError.socket("bind/listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        listener = socket
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Starts serving the files under `directory`, each at its path relative to it, with the ETag
    /// `"NAME-1"`.
    public convenience init(directory: URL) throws {
        var resources: [String: Resource] = [:]
        let root = directory.standardizedFileURL.path
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let name = (relative as NSString).lastPathComponent
            resources["/" + relative] = Resource(body: Array(try Data(contentsOf: URL(fileURLWithPath: path))), etag: "\"\(name)-1\"")
        }
        try self.init(resources: resources)
    }

    /// Stops listening and waits for the serving thread to end.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        stopped.wait()
        close(listener)
    }

    /// Replaces or adds a file.
    public func setResource(_ path: String, _ resource: Resource) {
        lock.withLock { resources[path] = resource }
    }

    /// For each of the next responses with a body, the number of body bytes to send before closing
    /// the connection mid-file (the headers still announce the whole length).
    public func dropConnections(afterBodyBytes counts: [Int]) {
        lock.withLock { drops = counts }
    }

    /// Whether `Range` is ignored: every request then gets `200` and the whole file.
    public func ignoreRanges(_ ignore: Bool) {
        lock.withLock { ignoring = ignore }
    }

    /// The requests received so far, in order.
    public var requests: [Request] { lock.withLock { received } }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            handle(connection)
            close(connection)
        }
        stopped.signal()
    }

    private func handle(_ connection: Int32) {
        guard let request = readRequest(connection) else { return }
        let (resource, ignoresRange): (Resource?, Bool) = lock.withLock {
            received.append(request)
            return (resources[request.path], ignoring)
        }
        guard let resource else {
            respond(connection, head: "404 Not Found", headers: [:], body: Array("not found\n".utf8))
            return
        }
        var status = "200 OK", body = resource.body[...]
        var headers = ["ETag": resource.etag, "Accept-Ranges": "bytes"]
        if !ignoresRange, let range = request.headers["range"], request.headers["if-range"].map({ $0 == resource.etag }) ?? true {
            guard let (start, last) = Self.rangeBounds(range), start < resource.body.count else {
                respond(connection, head: "416 Range Not Satisfiable", headers: ["Content-Range": "bytes */\(resource.body.count)"], body: [])
                return
            }
            status = "206 Partial Content"
            let end = min(last ?? resource.body.count - 1, resource.body.count - 1)
            body = resource.body[start...end]
            headers["Content-Range"] = "bytes \(start)-\(end)/\(resource.body.count)"
        }
        let cut: Int? = lock.withLock { drops.isEmpty ? nil : drops.removeFirst() }
        respond(connection, head: status, headers: headers, body: Array(body), cutAfter: cut)
    }

    /// N and M of `bytes=N-M`, or N and nil of `bytes=N-`.
    private static func rangeBounds(_ value: String) -> (Int, Int?)? {
        guard value.hasPrefix("bytes=") else { return nil }
        let bounds = value.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let start = Int(bounds[0]) else { return nil }
        if bounds[1].isEmpty { return (start, nil) }
        guard let last = Int(bounds[1]), last >= start else { return nil }
        return (start, last)
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            bytes += buffer[0..<count]
            if let end = Self.headerEnd(bytes) {
                let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let parts = lines[0].split(separator: " ")
                guard parts.count == 3 else { return nil }
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                return Request(path: String(parts[1]), headers: headers)
            }
        }
        return nil
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func respond(_ connection: Int32, head: String, headers: [String: String], body: [UInt8], cutAfter: Int? = nil) {
        var text = "HTTP/1.1 \(head)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        var bytes = Array(text.utf8)
        bytes += body.prefix(cutAfter ?? body.count)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, sendFlags) }
            guard sent > 0 else { return }
            offset += sent
        }
        if cutAfter != nil { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    /// The server could not start.
    public enum ServerError: Error { case socket(String) }
}
