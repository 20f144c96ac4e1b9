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
    public init(layout: [(name: String, shape: [Int])]) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var offset = 0
        for (name, shape) in layout {
            precondition(index[name] == nil, "ParameterStore: duplicate name \(name)")
            index[name] = entries.count
            entries.append(Entry(name: name, shape: shape, offset: offset))
            // Keep every tensor 64-byte aligned (16 floats) for vector loads.
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
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

    /// All tensors, in order.
    public var tensors: [Tensor] { entries.map { self[$0.name] } }

    /// Number of parameters (padding excluded).
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.count } }

    /// Sets every element to zero, padding included.
    public func zero() { flat.fill(0) }
}
