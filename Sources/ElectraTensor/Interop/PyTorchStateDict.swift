// PyTorchStateDict: what a `torch.save`d state dict's pickle says (names, storages, strided views),
// read with the restricted Unpickler and the few globals such a pickle uses.
//
// The globals torch 1.6 to 2.x write for a state dict: `collections.OrderedDict` (called with no
// arguments), `torch._utils._rebuild_tensor_v2`, `torch._utils._rebuild_parameter` and
// `_rebuild_parameter_with_state` (an `nn.Parameter`), and the storage classes `torch.FloatStorage`,
// `torch.HalfStorage`, `torch.BFloat16Storage`, … named in persistent ids (torch 2 still writes these
// legacy names for typed storages). Anything else, `posix.system` or `builtins.eval` included, is refused
// when it is named, before anything could call it.

import Foundation

extension PyTorchFile {
    /// A storage the pickle names: its element type and element count.
    struct Storage {
        let dtype: SafetensorsType
        let count: Int
    }

    /// The tensors and storages a state dict's pickle describes.
    struct StateDict {
        var tensors: [String: Info] = [:]
        var storages: [String: Storage] = [:]
    }

    /// What REDUCE and BINPERSID made, numbered by `PickleValue.external`.
    private final class Built {
        enum Item { case storage(key: String), tensor(Info) }
        var items: [Item] = []
        var storages: [String: Storage] = [:]

        func add(_ item: Item) -> PickleValue {
            items.append(item)
            return .external(items.count - 1)
        }
    }

    static let rebuildTensor = "torch._utils._rebuild_tensor_v2"
    static let rebuildParameters: Set<String> = ["torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state"]

    /// Reads the pickle `bytes` of file `path` as a state dict.
    static func stateDict(_ bytes: Data, path: String) throws -> StateDict {
        let built = Built()
        func fail(_ reason: String) -> PyTorchFileError { .malformed(path: path, reason: reason) }
        let allowed: Set<String> = rebuildParameters.union([rebuildTensor, "collections.OrderedDict"])
        let unpickler = Unpickler(
            allowsGlobal: { allowed.contains($0) || ($0.hasPrefix("torch.") && $0.hasSuffix("Storage") && !$0.dropFirst(6).contains(".")) },
            reduce: { name, arguments in
                switch name {
                case "collections.OrderedDict":
                    guard arguments.isEmpty else { throw fail("OrderedDict is called with arguments") }
                    return .dict([], [])
                case rebuildTensor:
                    return built.add(.tensor(try tensorInfo(arguments, built: built, fail: fail)))
                case _ where rebuildParameters.contains(name):
                    guard let first = arguments.first, case .external(let index) = first, case .tensor = built.items[index] else {
                        throw fail("\(name) is not given a tensor")
                    }
                    return first
                default:
                    throw PyTorchFileError.refused(path: path, .refusedGlobal(name: name))
                }
            },
            persistentLoad: { id in
                guard let fields = id.tupleElements, fields.count == 5, fields[0] == .string("storage"),
                      case .global(let type) = fields[1], case .string(let key) = fields[2], case .int(let count) = fields[4], count >= 0
                else { throw fail("a persistent id is not ('storage', type, key, location, numel)") }
                guard let dtype = storageTypes[type] else { throw PyTorchFileError.unsupportedStorage(path: path, type: type) }
                if let known = built.storages[key], known.dtype != dtype || known.count != count {
                    throw fail("storage \(key) is named as \(known.count) \(known.dtype.rawValue) and as \(count) \(dtype.rawValue) elements")
                }
                built.storages[key] = Storage(dtype: dtype, count: count)
                return built.add(.storage(key: key))
            })
        let root: PickleValue
        do {
            root = try unpickler.load(bytes)
        } catch let error as PickleError {
            if case .malformed = error { throw fail(error.description) }
            throw PyTorchFileError.refused(path: path, error)
        }
        guard case .dict(let keys, let values) = root else { throw fail("its pickle holds no dict of tensors") }
        var result = StateDict(storages: built.storages)
        for (key, value) in zip(keys, values) {
            guard case .string(let name) = key else { throw fail("the state dict has a key that is not a string (\(key))") }
            guard case .external(let index) = value, case .tensor(let info) = built.items[index] else {
                throw fail("entry '\(name)' is not a tensor; a state dict maps names to tensors (save model.state_dict())")
            }
            result.tensors[name] = info
        }
        return result
    }

    /// The view `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])` describes.
    private static func tensorInfo(_ arguments: [PickleValue], built: Built, fail: (String) -> PyTorchFileError) throws -> Info {
        guard arguments.count == 6 || arguments.count == 7, case .external(let index) = arguments[0],
              case .storage(let key) = built.items[index], case .int(let offset) = arguments[1],
              let size = integers(arguments[2]), let stride = integers(arguments[3])
        else { throw fail("a tensor is not rebuilt from (storage, offset, size, stride, requires_grad, hooks)") }
        if case .dict(let hooks, _) = arguments[5], !hooks.isEmpty { throw fail("a tensor has backward hooks") }
        return Info(dtype: built.storages[key]!.dtype, shape: size, strides: stride, storageOffset: offset, storage: key)
    }

    /// The integers of a tuple of integers.
    private static func integers(_ value: PickleValue) -> [Int]? {
        guard let elements = value.tupleElements else { return nil }
        var result: [Int] = []
        for element in elements {
            guard case .int(let n) = element else { return nil }
            result.append(n)
        }
        return result
    }
}
