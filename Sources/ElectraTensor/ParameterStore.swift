// ParameterStore: every parameter of a model in one flat buffer, addressed by Hugging Face name.

/// One contiguous Float32 buffer holding named tensors.
///
/// Optimizers, gradient clipping and checkpoints walk `entries` (in insertion order) or the flat
/// buffer; layers take views by name. A gradient store is `zerosLike()` of the parameter store, so
/// a parameter and its gradient share a name and an offset.
public final class ParameterStore: @unchecked Sendable {
    /// A named tensor's place in the buffer.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    /// The tensors in insertion order.
    public let entries: [Entry]
    /// The whole buffer as one tensor of shape `[totalCount]`.
    public let flat: Tensor
    private let index: [String: Int]

    /// A store of zeros holding `layout` (name, shape) in that order.
    ///
    /// Each tensor starts 64-byte aligned (16 floats) for vector loads, except that a run of
    /// consecutive tensors of one shape is packed back to back, so that it can also be viewed as one
    /// stacked tensor (`stacked`): a layer's query, key and value weights as one `[3H, H]` matrix.
    public init(layout: [(name: String, shape: [Int])]) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var offset = 0
        for (name, shape) in layout {
            precondition(index[name] == nil, "ParameterStore: duplicate name \(name)")
            if let previous = entries.last, previous.shape != shape {
                offset = (offset + 15) / 16 * 16
            }
            index[name] = entries.count
            entries.append(Entry(name: name, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        offset = (offset + 15) / 16 * 16
        self.entries = entries
        self.index = index
        self.flat = Tensor(zeros: [offset])
    }

    /// A store with the same names and shapes, all zeros (for gradients or optimizer moments).
    public func zerosLike() -> ParameterStore {
        ParameterStore(layout: entries.map { ($0.name, $0.shape) })
    }

    /// Whether a tensor of this name exists.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// The tensor called `name`; a missing name is a programmer error.
    public subscript(name: String) -> Tensor {
        guard let position = index[name] else {
            preconditionFailure("ParameterStore: no tensor named \(name)")
        }
        let entry = entries[position]
        return Tensor(storage: flat.storage, offset: entry.offset, shape: entry.shape)
    }

    /// The tensors `names`, which must be consecutive entries of one shape, as one tensor of shape
    /// `[names.count · shape[0], shape[1...]]`.
    public func stacked(_ names: [String]) -> Tensor {
        let parts = names.map { name -> Entry in
            guard let position = index[name] else { preconditionFailure("ParameterStore: no tensor named \(name)") }
            return entries[position]
        }
        guard let first = parts.first else { preconditionFailure("ParameterStore.stacked: no names") }
        for (i, part) in parts.enumerated() {
            precondition(part.shape == first.shape && part.offset == first.offset + i * first.count,
                         "ParameterStore.stacked: \(names) are not consecutive tensors of one shape")
        }
        return Tensor(storage: flat.storage, offset: first.offset,
                      shape: [names.count * (first.shape.first ?? 1)] + first.shape.dropFirst())
    }

    /// All tensors, in order.
    public var tensors: [Tensor] { entries.map { self[$0.name] } }

    /// Number of parameters (padding excluded).
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.count } }

    /// Sets every element to zero, padding included.
    public func zero() { flat.fill(0) }
}
