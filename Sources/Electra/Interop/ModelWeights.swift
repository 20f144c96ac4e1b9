// ModelWeights: the weights of a Hugging Face model directory, from whichever files it has, looked up
// by tensor name.
//
// The files, in the order transformers' `from_pretrained` prefers them:
//   model.safetensors
//   model.safetensors.index.json   + model-00001-of-0000N.safetensors, …   (sharded)
//   pytorch_model.bin                                                      (torch.save, PyTorchFile)
//   pytorch_model.bin.index.json   + pytorch_model-00001-of-0000N.bin, …   (sharded)
// An index is JSON: {"metadata": {"total_size": …}, "weight_map": {"tensor name": "shard file name", …}};
// the weight map says which shard holds each tensor, and a shard's other tensors are not read.

import ElectraTensor
import Foundation

/// Why a directory's weight files cannot be used.
public enum ModelWeightsError: Error, CustomStringConvertible, Equatable {
    case malformedIndex(path: String, reason: String)
    /// `shard`, named in index `path`, lacks tensors the index says it holds.
    case shardMismatch(path: String, shard: String, names: [String])
    /// Only Keras's `tf_model.h5` is there.
    case kerasOnly(path: String)

    public var description: String {
        switch self {
        case .malformedIndex(let path, let reason):
            return "\(path) is not a valid shard index: \(reason). Re-save the model with transformers' save_pretrained."
        case .shardMismatch(let path, let shard, let names):
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", … (\(names.count) in all)" : "")
            return "\(shard) lacks tensors that \(path) says it holds: \(shown). The shards and their index disagree; re-download them together"
        case .kerasOnly(let path):
            return "\(path) (Keras HDF5, as NVIDIA's TensorFlow 2 recipe writes) is not read. Convert it with transformers 4.x: "
                + "ElectraForPreTraining.from_pretrained(DIR, from_tf=True).save_pretrained(DIR) writes model.safetensors (see docs/checkpoints.md)"
        }
    }
}

/// The tensors of a model directory's weight files.
public struct ModelWeights: @unchecked Sendable {
    /// One tensor's element type and shape.
    public struct Info: Sendable, Equatable {
        public let dtype: SafetensorsType
        public let shape: [Int]
    }

    /// A weight file, opened.
    private enum Source {
        case safetensors(SafetensorsFile)
        case pytorch(PyTorchFile)

        func tensor(_ name: String) throws -> Tensor {
            switch self {
            case .safetensors(let file): return try file.tensor(name)
            case .pytorch(let file): return try file.tensor(name)
            }
        }

        var infos: [String: Info] {
            switch self {
            case .safetensors(let file): return file.tensors.mapValues { Info(dtype: $0.dtype, shape: $0.shape) }
            case .pytorch(let file): return file.tensors.mapValues { Info(dtype: $0.dtype, shape: $0.shape) }
            }
        }
    }

    /// The file named in messages: the weights file, or the shard index.
    public let path: String
    /// Every file read (the index, then its shards).
    public let files: [String]
    /// Tensor entries by name.
    public let tensors: [String: Info]
    private let sources: [Source]
    /// Which source holds each tensor.
    private let location: [String: Int]

    /// Tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The tensor `name` converted to Float32.
    public func tensor(_ name: String) throws -> Tensor {
        guard let index = location[name] else { throw SafetensorsError.missingTensor(path: path, name: name) }
        return try sources[index].tensor(name)
    }

    /// The weight file names looked for, in order of preference.
    public static let fileNames = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"]

    /// The weights of `directory`, from the first of `fileNames` it has; nil when it has none.
    public static func open(directory: String) throws -> ModelWeights? {
        guard let name = fileNames.first(where: { FileManager.default.fileExists(atPath: directory + "/" + $0) }) else {
            if FileManager.default.fileExists(atPath: directory + "/tf_model.h5") {
                throw ModelWeightsError.kerasOnly(path: directory + "/tf_model.h5")
            }
            return nil
        }
        let path = directory + "/" + name
        if name.hasSuffix(".index.json") { return try sharded(index: path, directory: directory, pytorch: name.hasPrefix("pytorch")) }
        let source: Source = name.hasSuffix(".bin") ? .pytorch(try PyTorchFile(path: path)) : .safetensors(try SafetensorsFile(path: path))
        let infos = source.infos
        return ModelWeights(path: path, files: [path], tensors: infos, sources: [source], location: infos.mapValues { _ in 0 })
    }

    /// The weights a shard index names.
    private static func sharded(index path: String, directory: String, pytorch: Bool) throws -> ModelWeights {
        func fail(_ reason: String) -> ModelWeightsError { .malformedIndex(path: path, reason: reason) }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw fail("it is not JSON (\(error.localizedDescription))")
        }
        guard let object = json as? [String: Any], let map = object["weight_map"] as? [String: Any] else {
            throw fail("it has no \"weight_map\" object")
        }
        var byShard: [String: [String]] = [:]
        for (tensor, value) in map {
            guard let shard = value as? String, !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw fail("\"\(tensor)\" maps to \(value), not the name of a file beside the index")
            }
            byShard[shard, default: []].append(tensor)
        }
        guard !byShard.isEmpty else { throw fail("its weight_map is empty") }
        var sources: [Source] = [], location: [String: Int] = [:], tensors: [String: Info] = [:], files = [path]
        for shard in byShard.keys.sorted() {
            let shardPath = directory + "/" + shard
            guard FileManager.default.fileExists(atPath: shardPath) else {
                throw ModelDirectoryError.missingFile(path: shardPath, hint: "\(path) names it; download every shard the index lists")
            }
            let source: Source = pytorch ? .pytorch(try PyTorchFile(path: shardPath)) : .safetensors(try SafetensorsFile(path: shardPath))
            let infos = source.infos
            let absent = byShard[shard]!.filter { infos[$0] == nil }.sorted()
            guard absent.isEmpty else { throw ModelWeightsError.shardMismatch(path: path, shard: shardPath, names: absent) }
            for name in byShard[shard]! {
                tensors[name] = infos[name]
                location[name] = sources.count
            }
            sources.append(source)
            files.append(shardPath)
        }
        return ModelWeights(path: path, files: files, tensors: tensors, sources: sources, location: location)
    }
}
