// Tensor: a shape over contiguous, row-major Float32 storage.
//
// A `Tensor` is a view: several tensors may share one `TensorStorage` (the flat parameter store hands
// out views into a single buffer). Copying a `Tensor` copies the view, not the numbers; kernels write
// through `pointer`. Buffers are 64-byte aligned so vector loads never straddle a cache line.

/// Owns one 64-byte-aligned, zero-initialised buffer of `Float`.
public final class TensorStorage: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` zeros.
    public init(count: Int) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
        self.count = count
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}

/// A row-major Float32 array with a shape, viewing part of a `TensorStorage`.
///
/// Shapes follow PyTorch's convention: the last dimension is contiguous. `rows` is the product of all
/// dimensions but the last and `columns` the last one, which is how most kernels see a tensor.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// Number of elements (the product of `shape`).
    public let count: Int
    /// The buffer this tensor views.
    public let storage: TensorStorage
    /// Index of this tensor's first element in `storage`.
    public let offset: Int

    /// A new tensor of zeros.
    public init(zeros shape: [Int]) {
        let count = Tensor.elementCount(shape)
        self.init(storage: TensorStorage(count: count), offset: 0, shape: shape)
    }

    /// A new tensor holding `values` (row-major).
    public init(shape: [Int], values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count,
                     "Tensor(shape: \(shape)) needs \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A view of `shape` starting at element `offset` of `storage`.
    public init(storage: TensorStorage, offset: Int, shape: [Int]) {
        let count = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + count <= storage.count,
                     "Tensor view [\(offset), \(offset + count)) exceeds storage of \(storage.count)")
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.count = count
    }

    /// Pointer to the first element. Valid while `storage` is alive.
    @inlinable public var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// The last dimension (1 for a scalar).
    public var columns: Int { shape.last ?? 1 }
    /// The product of all dimensions but the last.
    public var rows: Int { shape.isEmpty ? 1 : count / max(columns, 1) }

    /// The same numbers under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count,
                     "reshape \(shape) -> \(newShape): element counts differ")
        return Tensor(storage: storage, offset: offset, shape: newShape)
    }

    /// Rows `range` of this tensor seen as `[rows, columns]`, keeping the trailing shape.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows,
                     "rows \(range) out of 0..<\(rows) for shape \(shape)")
        return Tensor(storage: storage, offset: offset + range.lowerBound * columns,
                      shape: [range.count, columns])
    }

    /// The first `count` elements, as a one-dimensional view.
    public func prefix(_ count: Int) -> Tensor {
        precondition(count >= 0 && count <= self.count, "prefix(\(count)) of \(shape)")
        return Tensor(storage: storage, offset: offset, shape: [count])
    }

    /// A copy of the numbers as an array (for tests and I/O, not the hot path).
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { pointer.update(repeating: value, count: count) }

    /// Copies `source`'s numbers into this tensor; element counts must match.
    public func copy(from source: Tensor) {
        precondition(source.count == count, "copy: \(source.shape) into \(shape)")
        pointer.update(from: source.pointer, count: count)
    }

    /// A new tensor with its own storage holding a copy of these numbers.
    public func clone() -> Tensor {
        let copy = Tensor(zeros: shape)
        copy.copy(from: self)
        return copy
    }

    public var description: String { "Tensor\(shape)" }

    static func elementCount(_ shape: [Int]) -> Int {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        return shape.reduce(1, *)
    }
}

/// Stops with a message naming both shapes when `condition` fails; shape mismatches are programmer
/// errors, not user errors.
@inlinable
func checkShape(_ condition: @autoclosure () -> Bool, _ op: String, _ shapes: [Int]...,
                file: StaticString = #fileID, line: UInt = #line) {
    precondition(condition(), "\(op): incompatible shapes \(shapes.map { "\($0)" }.joined(separator: ", "))",
                 file: file, line: line)
}
