// TensorBoardWriter: scalar summaries in TensorBoard's event-file format, so `tensorboard --logdir`
// shows the training curves without TensorFlow.
//
// An event file is a TFRecord stream: for each record, the payload length (UInt64), a masked CRC-32C
// of the length, the payload, and a masked CRC-32C of the payload. Each payload is an `Event` protocol
// buffer: wall_time (field 1, double), step (field 2, int64), and either file_version (field 3,
// string) or a `Summary` (field 5) of `Value`s with tag (field 1) and simple_value (field 2, float).

import ElectraData
import Foundation

/// Appends scalar events to `events.out.tfevents.<time>.<host>` in a directory.
public final class TensorBoardWriter {
    public let path: String
    private let handle: FileHandle

    public init(directory: String) throws {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        path = directory + "/events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host).electra"
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CheckpointError.unwritable(path: path, reason: "cannot create the TensorBoard event file")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var event = ProtoWriter()
        event.double(1, Date().timeIntervalSince1970)
        event.string(3, "brain.Event:2")
        write(event.bytes)
    }

    deinit { try? handle.close() }

    /// Records `values` (tag → number) at `step`.
    public func add(step: Int, _ values: [(String, Double)]) {
        var summary = ProtoWriter()
        for (tag, value) in values {
            var entry = ProtoWriter()
            entry.string(1, tag)
            entry.float(2, Float(value))
            summary.message(1, entry.bytes)
        }
        var event = ProtoWriter()
        event.double(1, Date().timeIntervalSince1970)
        event.int(2, Int64(step))
        event.message(5, summary.bytes)
        write(event.bytes)
    }

    /// Flushes to disk.
    public func flush() { try? handle.synchronize() }

    private func write(_ payload: [UInt8]) {
        var record: [UInt8] = []
        let length = withUnsafeBytes(of: UInt64(payload.count).littleEndian, Array.init)
        record += length
        record += withUnsafeBytes(of: length.withUnsafeBytes { CRC32C.maskedChecksum($0) }.littleEndian, Array.init)
        record += payload
        record += withUnsafeBytes(of: payload.withUnsafeBytes { CRC32C.maskedChecksum($0) }.littleEndian, Array.init)
        handle.write(Data(record))
    }
}

/// The few protocol-buffer encodings an `Event` needs.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func key(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }
    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    mutating func int(_ field: Int, _ value: Int64) { key(field, 0); varint(UInt64(bitPattern: value)) }
    mutating func string(_ field: Int, _ value: String) { message(field, Array(value.utf8)) }
    mutating func message(_ field: Int, _ payload: [UInt8]) {
        key(field, 2)
        varint(UInt64(payload.count))
        bytes += payload
    }
}
