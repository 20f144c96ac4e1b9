// PyTorchFile: reading a state dict that `torch.save` wrote (`pytorch_model.bin`), without Python and
// without running anything the file says.
//
// Layout (torch/serialization.py, `_save`, PyTorch 1.6 and later): a zip archive (ZipArchive) whose
// entries sit in one folder, ARCHIVE/ (the file's stem, or `archive`):
//   ARCHIVE/data.pkl    a pickle (protocol 2) of the state dict: an OrderedDict (or dict) of tensors,
//                       each `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride,
//                       requires_grad, backward_hooks[, metadata])`, parameters wrapped in
//                       `torch._utils._rebuild_parameter(tensor, requires_grad, backward_hooks)`; a storage
//                       is a persistent id ('storage', torch.FloatStorage, KEY, location, numel)
//   ARCHIVE/data/KEY    that storage's raw little-endian elements (tensors that share one, such as tied
//                       weights or a transposed view, name the same KEY)
//   ARCHIVE/byteorder   "little" (absent in files before PyTorch 1.10: little-endian)
//   ARCHIVE/version, ARCHIVE/.format_version, ARCHIVE/.data/serialization_id   not needed here
// The pickle is read by Unpickler, which allows only the globals above and the storage types.

import Foundation

/// Why a PyTorch file cannot be read.
public enum PyTorchFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    /// Written by `torch.save` before PyTorch 1.6 (no zip archive).
    case legacyFormat(path: String)
    case malformed(path: String, reason: String)
    /// The pickle asks for something a state dict of tensors does not (nothing of it was run).
    case refused(path: String, PickleError)
    case unsupportedStorage(path: String, type: String)
    case missingTensor(path: String, name: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .legacyFormat(let path):
            return "\(path) is in the format torch.save wrote before PyTorch 1.6, which is not read. Re-save it with a newer "
                + "PyTorch: torch.save(torch.load(\"\(path)\", weights_only=True), \"\(path)\"), or save the model with "
                + "transformers' save_pretrained (model.safetensors)"
        case .malformed(let path, let reason):
            return "\(path) is not a readable PyTorch state dict: \(reason). Re-save it with torch.save(model.state_dict(), path)."
        case .refused(let path, let error):
            return "\(path) was refused: \(error)"
        case .unsupportedStorage(let path, let type):
            return "\(path) holds a tensor stored as \(type); only float32, float16, bfloat16, float64, int64 and int32 tensors "
                + "are read. Convert the tensor (tensor.float()) and save again"
        case .missingTensor(let path, let name):
            return "\(path) has no tensor named '\(name)'"
        }
    }
}

/// A state dict saved by `torch.save`, its pickle read and every tensor checked against its storage.
public struct PyTorchFile: @unchecked Sendable {
    /// One tensor: a strided view of a storage.
    public struct Info: Sendable {
        public let dtype: SafetensorsType
        public let shape: [Int]
        /// Elements to step in the storage per step along each dimension.
        public let strides: [Int]
        /// The first element's index in the storage.
        public let storageOffset: Int
        /// The storage's key (its entry is ARCHIVE/data/KEY).
        public let storage: String
    }

    public let path: String
    /// Tensors by name.
    public let tensors: [String: Info]
    /// Each storage's bytes (slices of the mapped file), by key.
    private let storages: [String: Data]

    /// The storage classes read, by Python name, with their element types.
    static let storageTypes: [String: SafetensorsType] = [
        "torch.FloatStorage": .f32, "torch.HalfStorage": .f16, "torch.BFloat16Storage": .bf16,
        "torch.DoubleStorage": .f64, "torch.LongStorage": .i64, "torch.IntStorage": .i32,
    ]

    /// Opens and validates `path`.
    public init(path: String) throws {
        self.path = path
        let data = try mappedContents(of: path) { PyTorchFileError.unreadable(path: path, reason: $0) }
        guard data.starts(with: [0x50, 0x4B]) else {
            // Legacy files are a pickle of a magic number (protocol 2, LONG1 0x1950a86a20f9469cfc6c) or a tar archive.
            let tar = data.count > 262 && data[data.startIndex + 257..<data.startIndex + 262].elementsEqual("ustar".utf8)
            if data.starts(with: [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]) || tar {
                throw PyTorchFileError.legacyFormat(path: path)
            }
            throw PyTorchFileError.malformed(path: path, reason: "it is not a zip archive, which torch.save writes")
        }
        let archive = try ZipArchive(data: data, path: path)
        guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }) else {
            throw PyTorchFileError.malformed(path: path, reason: "it has no ARCHIVE/data.pkl entry")
        }
        let folder = String(pickle.name.dropLast("data.pkl".count)), pickleBytes = try archive.contents(pickle.name)
        if archive.entry(folder + "byteorder") != nil {
            let order = String(decoding: try archive.contents(folder + "byteorder"), as: UTF8.self)
            guard order == "little" else {
                throw PyTorchFileError.malformed(path: path, reason: "its byteorder is '\(order)'; only little-endian files are read")
            }
        }
        let dictionary = try Self.stateDict(pickleBytes, path: path)
        var storages: [String: Data] = [:]
        for (key, storage) in dictionary.storages {
            let name = folder + "data/" + key
            guard archive.entry(name) != nil else { throw PyTorchFileError.malformed(path: path, reason: "storage \(key) has no entry \(name)") }
            let bytes = try archive.contents(name)
            let (expected, overflow) = storage.count.multipliedReportingOverflow(by: storage.dtype.size)
            guard !overflow, bytes.count == expected else {
                throw PyTorchFileError.malformed(path: path, reason: "storage \(key) holds \(bytes.count) bytes, but the pickle says it has "
                                                 + "\(storage.count) \(storage.dtype.rawValue) elements of \(storage.dtype.size) bytes")
            }
            storages[key] = bytes
        }
        for (name, info) in dictionary.tensors {
            try Self.check(info, name: name, storageCount: dictionary.storages[info.storage]!.count, path: path)
        }
        self.tensors = dictionary.tensors
        self.storages = storages
    }

    /// Tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor `name` converted to Float32 (a strided view is gathered into a contiguous tensor).
    public func tensor(_ name: String) throws -> Tensor {
        guard let info = tensors[name], let bytes = storages[info.storage] else { throw PyTorchFileError.missingTensor(path: path, name: name) }
        let out = Tensor(zeros: info.shape)
        let p = out.pointer, rank = info.shape.count
        bytes.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            var index = [Int](repeating: 0, count: rank)
            var element = info.storageOffset
            for i in 0..<out.count {
                p[i] = info.dtype.float(at: element, in: source)
                // Step the multi-index like an odometer, last dimension fastest.
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    element += info.strides[d]
                    if index[d] < info.shape[d] { break }
                    element -= info.strides[d] * info.shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return out
    }

    /// Throws unless every element `info` reaches lies in its storage of `storageCount` elements.
    private static func check(_ info: Info, name: String, storageCount: Int, path: String) throws {
        func fail(_ reason: String) -> PyTorchFileError { .malformed(path: path, reason: "tensor '\(name)' \(reason)") }
        guard info.shape.count == info.strides.count else { throw fail("has \(info.shape.count) sizes but \(info.strides.count) strides") }
        guard info.shape.allSatisfy({ $0 >= 0 }), info.strides.allSatisfy({ $0 >= 0 }), info.storageOffset >= 0 else {
            throw fail("has a negative size, stride or offset (size \(info.shape), stride \(info.strides), offset \(info.storageOffset))")
        }
        var count = 1, last = info.storageOffset
        for (size, stride) in zip(info.shape, info.strides) {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("has shape \(info.shape), whose size overflows") }
            count = product
            guard size > 0 else { continue }
            let (step, stepOverflow) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, sumOverflow) = last.addingReportingOverflow(step)
            guard !stepOverflow, !sumOverflow else { throw fail("reaches past any storage (size \(info.shape), stride \(info.strides))") }
            last = sum
        }
        // More elements than the storage holds means a stride-0 (expanded) or overlapping view; gathering it
        // could ask for far more memory than the file has.
        guard count <= storageCount else {
            throw fail("has \(count) elements (size \(info.shape), stride \(info.strides)) but its storage \(info.storage) only "
                       + "\(storageCount): an expanded or overlapping view. Save tensor.contiguous() instead")
        }
        guard count == 0 || last < storageCount else {
            throw fail("(size \(info.shape), stride \(info.strides), offset \(info.storageOffset)) reaches element \(last) of storage "
                       + "\(info.storage), which has \(storageCount)")
        }
    }
}
