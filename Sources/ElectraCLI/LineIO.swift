// LineIO: streaming line reading and buffered line writing for the text-processing commands.

import Foundation

/// Lines of a file handle, read in 1 MiB blocks. Accepts LF, CRLF and CR line ends; invalid UTF-8 is
/// replaced by U+FFFD.
struct LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
                if buffer[newline] == 0x0D && newline + 1 == buffer.count && !finished {
                    refill()   // a CR at the block's end may be the first half of a CRLF
                    continue
                }
                let line = String(decoding: buffer[position..<newline], as: UTF8.self)
                position = newline + 1
                if buffer[newline] == 0x0D && position < buffer.count && buffer[position] == 0x0A { position += 1 }
                return line
            }
            if finished {
                guard position < buffer.count else { return nil }
                let line = String(decoding: buffer[position...], as: UTF8.self)
                position = buffer.count
                return line
            }
            refill()
        }
    }

    private mutating func refill() {
        buffer.removeSubrange(0..<position)
        position = 0
        let data = handle.readData(ofLength: 1 << 20)
        if data.isEmpty { finished = true } else { buffer.append(contentsOf: data) }
    }
}

/// Buffers output lines and writes them in large blocks.
final class LineWriter {
    private let handle: FileHandle
    private var pending = Data()

    init(handle: FileHandle) { self.handle = handle }

    func write(_ line: String) {
        pending.append(contentsOf: line.utf8)
        pending.append(0x0A)
        if pending.count >= 1 << 20 { flush() }
    }

    func flush() {
        if !pending.isEmpty { handle.write(pending) }
        pending.removeAll(keepingCapacity: true)
    }
}
